"""An incremental ESC/POS tokenizer, shared by the preview and the simulator.

It splits a byte stream into text runs and whole commands (with their parameters and data
blocks), so a ``10 04 01`` inside raster or QR data is never mistaken for a status request.
Bytes may arrive in any chunks; an incomplete command waits for the rest. An unknown
ESC / FS / GS command becomes a two-byte ``unknown`` token (prefix and letter; its parameters,
if any, cannot be known) and any other unknown control byte a one-byte one, so a consumer can
skip them safely.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Largest data block accepted in one command; a longer declared length is treated as garbage.
MAX_BLOCK = 16 * 1024 * 1024

# Fixed parameter counts after ESC x / FS x / GS x (Epson-style command set plus FS Kanji commands).
_ESC_FIXED = {
    0x40: 0, 0x21: 1, 0x45: 1, 0x47: 1, 0x61: 1, 0x64: 1, 0x4A: 1, 0x4B: 1, 0x32: 0, 0x33: 1,
    0x2D: 1, 0x4D: 1, 0x74: 1, 0x52: 1, 0x20: 1, 0x24: 2, 0x5C: 2, 0x56: 1, 0x7B: 1, 0x70: 3,
    0x65: 1, 0x69: 0, 0x6D: 0, 0x3D: 1, 0x55: 1, 0x72: 1, 0x4C: 0, 0x53: 0, 0x54: 1, 0x57: 8,
    0x42: 2, 0x43: 1, 0x63: 2, 0x25: 1, 0x3F: 1,
}
_FS_FIXED = {0x26: 0, 0x2E: 0, 0x21: 1, 0x2D: 1, 0x57: 1, 0x43: 1, 0x53: 2, 0x32: 74, 0x70: 2}
_GS_FIXED = {
    0x21: 1, 0x42: 1, 0x48: 1, 0x4C: 2, 0x57: 2, 0x68: 1, 0x77: 1, 0x66: 1, 0x72: 1, 0x61: 1,
    0x49: 1, 0x50: 2, 0x62: 1, 0x2F: 1, 0x3A: 0, 0x54: 1, 0x7C: 1, 0x24: 2, 0x5C: 2,
}


@dataclass(frozen=True)
class Token:
    """One unit of the stream.

    Attributes:
        kind: ``text`` (a run of bytes ≥ 0x20), ``lf``, ``cr``, ``ht``, ``ff``, ``esc``, ``fs``,
            ``gs`` (commands; ``code`` is the letter byte), ``dle_eot`` (real-time status request,
            ``params`` = (n,)), ``dle`` (other real-time command) or ``unknown`` (skipped bytes).
        raw: the exact bytes of the token.
        code: the command letter after ESC / FS / GS (or the GS ( / GS v sub-letter), else 0.
        params: the fixed parameter bytes.
        data: a command's variable data block (raster bits, QR payload, …).
    """

    kind: str
    raw: bytes
    code: int = 0
    params: tuple[int, ...] = ()
    data: bytes = b""


class _Incomplete(Exception):
    """The buffer ends inside a command."""


class Tokenizer:
    """Feed bytes, get tokens. Keeps an incomplete trailing command until more bytes come."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Token]:
        """Add bytes; return every token now complete."""
        self._buf += data
        tokens: list[Token] = []
        pos = 0
        buf = self._buf
        while pos < len(buf):
            try:
                token = self._one(buf, pos)
            except _Incomplete:
                break
            tokens.append(token)
            pos += len(token.raw)
        del buf[:pos]
        return tokens

    def flush(self) -> list[Token]:
        """End of stream: return what is left as ``unknown`` tokens, one per byte."""
        rest = bytes(self._buf)
        self._buf.clear()
        return [Token("unknown", rest[i : i + 1]) for i in range(len(rest))]

    @staticmethod
    def _need(buf: bytearray, end: int) -> None:
        if end > len(buf):
            raise _Incomplete

    def _one(self, buf: bytearray, pos: int) -> Token:
        b = buf[pos]
        if b >= 0x20 and b != 0x7F:
            end = pos + 1
            while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
                end += 1
            return Token("text", bytes(buf[pos:end]))
        simple = {0x0A: "lf", 0x0D: "cr", 0x09: "ht", 0x0C: "ff"}
        if b in simple:
            return Token(simple[b], bytes([b]))
        if b in (0x1B, 0x1C, 0x1D):
            self._need(buf, pos + 2)
            return self._command(buf, pos)
        if b == 0x10:
            self._need(buf, pos + 2)
            if buf[pos + 1] == 0x04:
                self._need(buf, pos + 3)
                return Token("dle_eot", bytes(buf[pos : pos + 3]), 0x04, (buf[pos + 2],))
            if buf[pos + 1] == 0x14:  # DLE DC4 fn m t (pulse, power-off, clear buffer)
                self._need(buf, pos + 5)
                return Token("dle", bytes(buf[pos : pos + 5]), 0x14, tuple(buf[pos + 2 : pos + 5]))
            if buf[pos + 1] == 0x05:  # DLE ENQ n
                self._need(buf, pos + 3)
                return Token("dle", bytes(buf[pos : pos + 3]), 0x05, (buf[pos + 2],))
        return Token("unknown", bytes([b]))

    def _fixed(self, buf: bytearray, pos: int, kind: str, code: int, count: int) -> Token:
        self._need(buf, pos + 2 + count)
        params = tuple(buf[pos + 2 : pos + 2 + count])
        return Token(kind, bytes(buf[pos : pos + 2 + count]), code, params)

    def _block(self, buf: bytearray, pos: int, kind: str, code: int, head: int, size: int) -> Token:
        """A command of ``head`` bytes followed by ``size`` data bytes."""
        if size > MAX_BLOCK:
            return Token("unknown", bytes(buf[pos : pos + 2]))
        end = pos + head + size
        self._need(buf, end)
        params = tuple(buf[pos + 2 : pos + head])
        return Token(kind, bytes(buf[pos:end]), code, params, bytes(buf[pos + head : end]))

    def _command(self, buf: bytearray, pos: int) -> Token:
        prefix, code = buf[pos], buf[pos + 1]
        if prefix == 0x1B:
            if code in _ESC_FIXED:
                return self._fixed(buf, pos, "esc", code, _ESC_FIXED[code])
            if code == 0x2A:  # ESC * m nL nH d…
                self._need(buf, pos + 5)
                m, n = buf[pos + 2], buf[pos + 3] | buf[pos + 4] << 8
                return self._block(buf, pos, "esc", code, 5, n * (1 if m in (0, 1) else 3))
            return Token("unknown", bytes([prefix, code]))
        if prefix == 0x1C:
            if code in _FS_FIXED:
                return self._fixed(buf, pos, "fs", code, _FS_FIXED[code])
            return Token("unknown", bytes([prefix, code]))
        # GS
        if code in _GS_FIXED:
            return self._fixed(buf, pos, "gs", code, _GS_FIXED[code])
        if code == 0x56:  # GS V m [n]
            self._need(buf, pos + 3)
            m = buf[pos + 2]
            return self._fixed(buf, pos, "gs", code, 2 if m in (0x41, 0x42, 0x61, 0x62, 0x67, 0x68) else 1)
        if code == 0x76:  # GS v 0 m xL xH yL yH d…
            self._need(buf, pos + 8)
            if buf[pos + 2] != 0x30:
                return Token("unknown", bytes([prefix, code]))
            x = buf[pos + 4] | buf[pos + 5] << 8
            y = buf[pos + 6] | buf[pos + 7] << 8
            return self._block(buf, pos, "gs", code, 8, x * y)
        if code == 0x28:  # GS ( fn pL pH d…
            self._need(buf, pos + 5)
            n = buf[pos + 3] | buf[pos + 4] << 8
            return self._block(buf, pos, "gs", code, 5, n)
        if code == 0x38 or code == 0x44:  # GS 8 L p1 p2 p3 p4 d… / GS D (same shape)
            self._need(buf, pos + 7)
            n = buf[pos + 3] | buf[pos + 4] << 8 | buf[pos + 5] << 16 | buf[pos + 6] << 24
            return self._block(buf, pos, "gs", code, 7, n)
        if code == 0x2A:  # GS * x y d… (x·y·8 bytes)
            self._need(buf, pos + 4)
            return self._block(buf, pos, "gs", code, 4, buf[pos + 2] * buf[pos + 3] * 8)
        if code == 0x6B:  # GS k m … (barcode)
            self._need(buf, pos + 3)
            m = buf[pos + 2]
            if m <= 6:
                end = buf.find(b"\x00", pos + 3)
                if end < 0:
                    if len(buf) - pos > 4096:
                        return Token("unknown", bytes([prefix, code]))
                    raise _Incomplete
                return Token("gs", bytes(buf[pos : end + 1]), code, (m,), bytes(buf[pos + 3 : end]))
            self._need(buf, pos + 4)
            return self._block(buf, pos, "gs", code, 4, buf[pos + 3])
        return Token("unknown", bytes([prefix, code]))


def tokenize(data: bytes) -> list[Token]:
    """All tokens of a complete stream (a trailing incomplete command becomes ``unknown`` bytes)."""
    tokenizer = Tokenizer()
    tokens = tokenizer.feed(data)
    rest = tokenizer.flush()
    while rest:  # re-scan what followed a truncated command
        tokens.append(rest[0])
        tail = b"".join(t.raw for t in rest[1:])
        tokens += tokenizer.feed(tail)
        rest = tokenizer.flush()
    return tokens
