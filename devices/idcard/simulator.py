"""A simulated SAM ID card reader that speaks the exact protocol (docs/devices.md §1).

It listens on ``socket://127.0.0.1:PORT`` or a pty (see :class:`devices.simport.SimulatedPort`),
answers find/select/read/status/reset/SAM-ID/address/baud commands with the real frames, paces
its output at the configured baud, and injects faults on command:

* :meth:`IdReaderSimulator.remove_card` / :meth:`place_card` — no card (SW3 80) / a card;
* ``bad_checksum`` — the next N answers carry a wrong XOR byte;
* ``noise`` — random bytes (never a preamble) before every answer;
* ``split`` — answers written in pieces with pauses between them;
* ``mute`` — the reader reads commands and stops answering;
* ``force_sw3`` — answer a command with a chosen SW3 (e.g. read → 41, status → 60);
* :meth:`unplug` / :meth:`replug` — the device vanishes and comes back under the same URL.

:class:`CardFile` lets another process choose the card (the demo launcher's card panel writes it).

``hall-kiosk devices simulate id-reader`` runs it standalone; tests use it as a context manager.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

from devices.idcard import frames
from devices.idcard.frames import FrameError, FrameReassembler
from devices.idcard.text import PHOTO_LEN, encode_text
from devices.simport import PortSimulator, SimulatedPort
from kiosk.ports import IdCard


def demo_card() -> IdCard:
    """A made-up resident card with a valid check digit (for the demo and tests)."""
    return IdCard(
        card_type="resident",
        name="张小三",
        gender="男",
        nation="汉",
        birth_date="1980-01-01",
        address="内蒙古自治区呼和浩特市新城区示例路1号",
        id_number="150102198001011236",
        authority="呼和浩特市公安局新城分局",
        valid_from="2015-06-01",
        valid_until="长期",
        photo=bytes(range(256)) * 4,
    )


def card_from_json(data: dict[str, object]) -> IdCard:
    """An :class:`IdCard` from ``IdCard.to_json()`` fields (unknown members ignored; no photo in JSON)."""
    fields = set(IdCard.__dataclass_fields__) - {"photo", "fingerprint"}
    return IdCard(**{k: v for k, v in data.items() if k in fields})  # type: ignore[arg-type]


class CardFile:
    """The card on a simulated reader, as a file says (the demo launcher's "place card" buttons).

    The file holds ``IdCard.to_json()`` fields; absent, empty or ``{}`` means no card. :meth:`poll`
    reads it only when its modification time or size changed, and returns the card when something
    changed (``(True, card_or_None)``); a half-written or malformed file is ignored until it is whole
    (writers replace it atomically).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._seen: tuple[int, int] | None = None

    def poll(self) -> tuple[bool, IdCard | None]:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp == self._seen:
            return False, None
        try:
            text = self.path.read_text(encoding="utf-8").strip() if stamp != (0, 0) else ""
            data = json.loads(text) if text else {}
            card = card_from_json(data) if data else None
        except (OSError, ValueError, TypeError):
            return False, None  # not whole yet: look again at the next poll
        self._seen = stamp
        return True, card

    def apply(self, sim: IdReaderSimulator) -> tuple[bool, IdCard | None]:
        """Place or remove the file's card on ``sim`` when the file changed; returns :meth:`poll`'s answer."""
        changed, card = self.poll()
        if changed:
            if card is None:
                sim.remove_card()
            else:
                sim.place_card(card)
        return changed, card


class IdReaderSimulator(PortSimulator):
    """A SAM reader on a simulated serial line.

    Args:
        listen: ``socket://127.0.0.1:PORT`` (0 = any free port), ``pty`` or ``pty:/path/link``.
        card: the card on the reader at start (None = no card).
        baud: output pacing in bit/s (None = unpaced).
        fingerprint: bytes returned as the fingerprint block by ``30 10`` (0, 512 or 1024 long).
        seed: seed of the noise generator.
    """

    def __init__(
        self,
        listen: str = "socket://127.0.0.1:0",
        *,
        card: IdCard | None = None,
        baud: int | None = 115200,
        fingerprint: bytes = b"",
        seed: int = 0,
    ) -> None:
        self._port = SimulatedPort(listen, on_data=self._on_data, baud=baud, on_connect=self._on_connect, what="id-reader")
        self._reasm = FrameReassembler(frames.MIN_REQUEST_LEN)
        self._lock = threading.Lock()
        self._card = card
        self._selected = False
        self._rng = random.Random(seed)
        self.fingerprint = fingerprint
        # faults
        self.mute = False
        self.noise = False
        self.split: tuple[int, float] | None = None  #: (pieces, pause seconds)
        self.bad_checksum = 0  #: corrupt this many of the next answers
        self.force_sw3: dict[tuple[int, int], int] = {}
        self.requests: list[frames.Request] = []  #: every command received, in order
        self.bad_requests = 0

    # --- the card -----------------------------------------------------------------------

    def place_card(self, card: IdCard) -> None:
        with self._lock:
            self._card = card
            self._selected = False

    def remove_card(self) -> None:
        with self._lock:
            self._card = None
            self._selected = False

    @property
    def card(self) -> IdCard | None:
        return self._card

    def commands(self) -> list[tuple[int, int]]:
        """(CMD, PARA) of every command received so far."""
        return [(r.cmd, r.para) for r in self.requests]

    # --- protocol -----------------------------------------------------------------------

    def _on_connect(self) -> None:
        self._reasm.clear()

    def _on_data(self, data: bytes) -> None:
        for item in self._reasm.feed(data):
            if isinstance(item, FrameError):
                self.bad_requests += 1
                self._send(frames.encode_response(0x10))
                continue
            try:
                req = frames.decode_request(item)
            except FrameError:
                self.bad_requests += 1
                self._send(frames.encode_response(0x11))
                continue
            self.requests.append(req)
            answer = self.answer(req)
            if answer is not None:
                self._send(answer)

    def answer(self, req: frames.Request) -> bytes | None:
        """The response frame to ``req`` (None when muted)."""
        if self.mute:
            return None
        key = (req.cmd, req.para)
        if key in self.force_sw3:
            return frames.encode_response(self.force_sw3[key])
        with self._lock:
            card, selected = self._card, self._selected
            if key == frames.CMD_FIND:
                self._selected = False
                return frames.encode_response(0x9F, bytes(4)) if card else frames.encode_response(0x80)
            if key == frames.CMD_SELECT:
                if card is None:
                    return frames.encode_response(0x81)
                self._selected = True
                return frames.encode_response(0x90, bytes(8))
        if key in (frames.CMD_RESET_SAM, frames.CMD_SAM_STATUS) or req.cmd == 0x60 or req.cmd == 0x61:
            return frames.encode_response(0x90)
        if key == frames.CMD_SAM_ID:
            return frames.encode_response(0x90, bytes([5, 0, 1, 0]) + (2023).to_bytes(4, "little") * 3)
        if key in (frames.CMD_READ, frames.CMD_READ_FP):
            if card is None or not selected:
                return frames.encode_response(0x41)
            text = encode_text(card)
            photo = (card.photo or bytes(PHOTO_LEN))[:PHOTO_LEN].ljust(PHOTO_LEN, b"\x00")
            if key == frames.CMD_READ:
                head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
                return frames.encode_response(0x90, head + text + photo)
            fp = self.fingerprint
            head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + len(fp).to_bytes(2, "big")
            return frames.encode_response(0x90, head + text + photo + fp)
        if key == frames.CMD_READ_ADDRESS:
            return frames.encode_response(0x91)
        return frames.encode_response(0x21)

    def _noise(self) -> bytes:
        raw = bytes(self._rng.randrange(256) for _ in range(self._rng.randrange(3, 24)))
        return raw.replace(b"\xaa", b"\x55")  # never a preamble, never half of one

    def _send(self, frame: bytes) -> None:
        if self.bad_checksum > 0:
            self.bad_checksum -= 1
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        out = (self._noise() + frame + self._noise()) if self.noise else frame
        if self.split:
            pieces, pause = self.split
            step = max(1, -(-len(out) // max(1, pieces)))
            for i in range(0, len(out), step):
                if not self._port.write(out[i : i + step]):
                    return
                if i + step < len(out):
                    time.sleep(pause)
            return
        self._port.write(out)
