"""SAM frames of the ID card reader: encoder, decoder and a reassembler (docs/devices.md §1.1).

::

    request : AA AA AA 96 69 | LEN_H LEN_L | CMD  PARA      | DATA… | CHK    LEN = len(CMD..CHK)
    response: AA AA AA 96 69 | LEN_H LEN_L | SW1  SW2  SW3  | DATA… | CHK    LEN = len(SW1..CHK)
    CHK = XOR of every byte from LEN_H up to the last DATA byte (the preamble is excluded)

Everything here is a pure function except :class:`FrameReassembler`, which keeps a buffer. The
decoders raise only :class:`FrameError`, whatever bytes they are given; the reassembler never
raises: it returns good frames and reports damaged ones as :class:`FrameError` values.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ports import DeviceError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = 7  #: preamble + 2 length bytes
MIN_REQUEST_LEN = 3  #: CMD PARA CHK
MIN_RESPONSE_LEN = 4  #: SW1 SW2 SW3 CHK
#: Longest LEN accepted: a ``30 10`` answer with a 1024-byte fingerprint is 2314; anything far
#: beyond is a false preamble in line noise, not a frame.
MAX_LEN = 4096

# Commands (CMD, PARA), §1.2.
CMD_RESET_SAM = (0x10, 0xFF)
CMD_SAM_STATUS = (0x11, 0xFF)
CMD_SAM_ID = (0x12, 0xFF)
CMD_FIND = (0x20, 0x01)
CMD_SELECT = (0x20, 0x02)
CMD_READ = (0x30, 0x01)  #: text + photo
CMD_READ_ADDRESS = (0x30, 0x03)
CMD_READ_FP = (0x30, 0x10)  #: text + photo + fingerprint


class FrameError(DeviceError):
    """Bytes that are not a well-formed SAM frame (preamble, length or checksum wrong).

    Attributes:
        raw: the offending bytes (at most the first 64 are kept, for diagnostics).
    """

    def __init__(self, code: str, en: str, zh: str, raw: bytes = b"") -> None:
        super().__init__(code, zh, en)
        self.raw = bytes(raw[:64])


def xor_check(data: bytes | bytearray) -> int:
    """XOR of all bytes of ``data`` (0 for empty)."""
    c = 0
    for b in data:
        c ^= b
    return c


def _frame(body: bytes) -> bytes:
    """Wrap ``body`` (CMD/SW… DATA, without CHK) in preamble, length and checksum."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise FrameError("frame-too-long", f"frame body of {len(body)} bytes is too long", "帧过长")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([xor_check(head + body)])


def encode_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    """A request frame, e.g. ``encode_request(0x20, 0x01)`` = ``AA AA AA 96 69 00 03 20 01 22``."""
    return _frame(bytes([cmd & 0xFF, para & 0xFF]) + bytes(data))


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A response frame with status ``SW1 SW2 SW3`` and ``data``."""
    return _frame(bytes([sw1 & 0xFF, sw2 & 0xFF, sw3 & 0xFF]) + bytes(data))


@dataclass(frozen=True)
class Request:
    """A decoded request frame."""

    cmd: int
    para: int
    data: bytes = b""


@dataclass(frozen=True)
class Response:
    """A decoded response frame; ``sw3`` is the SAM module status (§1.3)."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""


def checked_body(frame: bytes, min_len: int = MIN_REQUEST_LEN) -> bytes:
    """Verify one complete frame and return what LEN covers, without the CHK byte.

    Raises:
        FrameError: wrong preamble, short frame, length mismatch or bad checksum.
    """
    try:
        frame = bytes(frame)
    except (TypeError, ValueError) as exc:
        raise FrameError("not-bytes", "frame is not bytes", "帧不是字节串") from exc
    if not frame.startswith(PREAMBLE):
        raise FrameError("bad-preamble", "frame does not start with AA AA AA 96 69", "帧头错误", frame)
    if len(frame) < HEADER_LEN:
        raise FrameError("short-frame", f"frame of {len(frame)} bytes is too short", "帧过短", frame)
    length = int.from_bytes(frame[5:7], "big")
    if length < min_len or length > MAX_LEN:
        raise FrameError("bad-length", f"frame length {length} out of range", "帧长度错误", frame)
    if len(frame) != HEADER_LEN + length:
        raise FrameError(
            "bad-length", f"frame is {len(frame)} bytes, header says {HEADER_LEN + length}", "帧长度不符", frame
        )
    if xor_check(frame[5:-1]) != frame[-1]:
        raise FrameError("bad-checksum", "frame checksum (XOR) is wrong", "帧校验和错误", frame)
    return frame[HEADER_LEN:-1]


def decode_request(frame: bytes) -> Request:
    """Decode one complete request frame.

    Raises:
        FrameError: the bytes are not a well-formed request frame.
    """
    body = checked_body(frame, MIN_REQUEST_LEN)
    return Request(body[0], body[1], body[2:])


def decode_response(frame: bytes) -> Response:
    """Decode one complete response frame.

    Raises:
        FrameError: the bytes are not a well-formed response frame.
    """
    body = checked_body(frame, MIN_RESPONSE_LEN)
    return Response(body[0], body[1], body[2], body[3:])


class FrameReassembler:
    """Finds frames in a byte stream: across split reads, after line noise, past damaged frames.

    ``feed(chunk)`` returns, in stream order, every complete frame (``bytes``, checksum verified)
    and a :class:`FrameError` for every frame that was complete but damaged. It never raises.
    Noise before a preamble is dropped; a "preamble" whose length is out of range is treated as
    noise; a damaged frame that contains another preamble is resynchronised on that preamble, so a
    frame hidden behind a false start is not lost.

    Args:
        min_len: smallest LEN accepted (3 for requests, 4 for responses).
        max_len: largest LEN accepted.
    """

    def __init__(self, min_len: int = MIN_REQUEST_LEN, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self.min_len = min_len
        self.max_len = max_len
        self.dropped = 0  #: noise bytes discarded so far

    @property
    def pending(self) -> int:
        """Bytes buffered that are not yet a complete frame."""
        return len(self._buf)

    def clear(self) -> None:
        """Forget buffered bytes (after a timeout or reconnect)."""
        self._buf.clear()

    def feed(self, chunk: bytes) -> list[bytes | FrameError]:
        """Add ``chunk`` and return the frames (and damaged frames) it completes."""
        try:
            self._buf += chunk
        except TypeError:
            return [FrameError("not-bytes", "fed a non-bytes value", "输入不是字节串")]
        out: list[bytes | FrameError] = []
        buf = self._buf
        while True:
            start = buf.find(PREAMBLE)
            if start < 0:
                # Keep a tail that may be the beginning of a preamble.
                keep = 0
                for k in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
                    if buf.endswith(PREAMBLE[:k]):
                        keep = k
                        break
                self.dropped += len(buf) - keep
                del buf[: len(buf) - keep]
                return out
            if start:
                self.dropped += start
                del buf[:start]
            if len(buf) < HEADER_LEN:
                return out
            length = int.from_bytes(buf[5:7], "big")
            if length < self.min_len or length > self.max_len:
                self.dropped += 1
                del buf[:1]  # a false preamble: look for the next one
                continue
            total = HEADER_LEN + length
            if len(buf) < total:
                # A false preamble with a plausible length would swallow a real frame that
                # follows it; when another complete frame already starts inside, prefer it.
                inner = buf.find(PREAMBLE, 1)
                if inner > 0 and self._complete_at(inner):
                    self.dropped += inner
                    del buf[:inner]
                    continue
                return out
            candidate = bytes(buf[:total])
            if xor_check(candidate[5:-1]) == candidate[-1]:
                out.append(candidate)
                del buf[:total]
                continue
            inner = buf.find(PREAMBLE, 1, total)
            if inner > 0:
                self.dropped += inner
                del buf[:inner]
                continue
            out.append(FrameError("bad-checksum", "frame checksum (XOR) is wrong", "帧校验和错误", candidate))
            del buf[:total]

    def _complete_at(self, pos: int) -> bool:
        """True if a complete frame with a good checksum starts at ``pos`` in the buffer."""
        buf = self._buf
        if len(buf) < pos + HEADER_LEN:
            return False
        length = int.from_bytes(buf[pos + 5 : pos + 7], "big")
        if length < self.min_len or length > self.max_len or len(buf) < pos + HEADER_LEN + length:
            return False
        return xor_check(buf[pos + 5 : pos + HEADER_LEN + length - 1]) == buf[pos + HEADER_LEN + length - 1]
