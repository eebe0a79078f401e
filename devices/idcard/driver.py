"""The ID card reader driver: find → select → read over a serial URL (docs/devices.md §1).

:class:`SamIdReader` implements :class:`kiosk.ports.IdReader`:

* ``run(stop, on_event)`` sends ``20 01`` (find) ``poll_interval`` (50 ms) after the previous
  answer while the reader is empty; on a card it sends ``20 02`` (select) and ``30 01`` (or
  ``30 10`` when ``with_fingerprint``), parses the text block and reports ``CardEvent("card")``
  once per card — debounced on the ID number, so a card left on the reader is reported once —
  then ``CardEvent("removed")`` when it has not been found for ``removal_polls`` polls and
  ``debounce_s`` seconds. While a card stays on the reader, and after a repeated fault, it backs
  off to ``present_interval`` (0.5 s). Commands never overlap: the next one is sent only after
  the answer to the last (or its timeout), so the reader gets at most ``1 / poll_interval``
  commands a second (20/s, ~420 bytes/s, under 4 % of a 115200-baud line) while empty and
  3 per ``present_interval`` (6/s) while a card is on it (docs/devices.md §1.7).
  When the reader goes offline a present card is reported removed, and reported again once the
  reader is back.
  Reader faults become ``CardEvent("error")`` (once per fault, not once per poll) and state
  changes ``CardEvent("state")``: ONLINE, ERROR (module fault), OFFLINE (no answer or port gone),
  RECONNECTING (retrying to open a vanished port, every ``reconnect_interval``).
* ``read_once(timeout)`` opens the port, waits for one card and closes the port.

Each command waits ``response_timeout`` for its answer; answers are reassembled from noise and
split reads, and an answer with a bad checksum is asked for once more before it is an error.
The photo stays the raw 1024-byte WLT block; a vendor decoder can be plugged in as
``photo_decoder`` (bytes → BMP bytes or None) and is used by :meth:`SamIdReader.decode_photo`.

Personal data never reaches the log: only masked numbers and names are logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from devices.idcard import frames
from devices.idcard.frames import FrameError, FrameReassembler
from devices.idcard.status import (
    BadAnswerError,
    ChecksumError,
    NoAnswerError,
    ReadTimeoutError,
    SamStatusError,
    error_for_sw3,
    is_success,
)
from devices.idcard.text import PHOTO_LEN, TEXT_LEN, parse_text
from devices.idcard.tracking import CardTracker
from devices.urls import PORT_ERRORS, PortError, close_quietly, open_url
from kiosk.pii import mask_id_number, mask_name
from kiosk.ports import CardEvent, DeviceError, DeviceState, IdCard

log = logging.getLogger(__name__)

PhotoDecoder = Callable[[bytes], bytes | None]


class SamIdReader:
    """A SAM-protocol resident ID card reader on a serial URL.

    Args:
        url: the port (``/dev/ttyUSB0``, ``COM3``, ``socket://host:port`` …).
        baudrate: line speed; the reader's default is 115200 8N1.
        poll_interval: seconds from an answer to the next find while no card is on the reader
            (bounds the wait a newly placed card adds to its read).
        present_interval: seconds between polls while a card stays on the reader (each one is a
            whole find → select → read, ~118 ms of wire at 115200) and after a second fault in a row.
        response_timeout: seconds to wait for each answer.
        with_fingerprint: read with ``30 10`` (text + photo + fingerprint) instead of ``30 01``.
        reconnect_interval: seconds between attempts to reopen a vanished port.
        removal_polls: consecutive "no card" polls before a card counts as removed …
        debounce_s: … and at least this many seconds since it was last seen, so a card that
            flickers out of the field and back is neither "removed" nor reported twice.
        reopen_after: consecutive unanswered polls after which the port is closed and reopened.
        photo_decoder: a vendor WLT decoder (1024 bytes → BMP bytes), or None.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        poll_interval: float = 0.05,
        present_interval: float = 0.5,
        response_timeout: float = 1.0,
        with_fingerprint: bool = False,
        reconnect_interval: float = 1.0,
        removal_polls: int = 2,
        debounce_s: float = 1.0,
        reopen_after: int = 3,
        photo_decoder: PhotoDecoder | None = None,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.poll_interval = poll_interval
        self.present_interval = max(poll_interval, present_interval)
        self.response_timeout = response_timeout
        self.with_fingerprint = with_fingerprint
        self.reconnect_interval = reconnect_interval
        self.removal_polls = max(1, removal_polls)
        self.debounce_s = debounce_s
        self.reopen_after = max(1, reopen_after)
        self.photo_decoder = photo_decoder
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None
        self._reasm = FrameReassembler(frames.MIN_RESPONSE_LEN)

    def __repr__(self) -> str:
        return f"SamIdReader({self.url!r}, state={self.state.value})"

    # --- one command ----------------------------------------------------------------------

    def _open(self) -> serial.Serial:
        return open_url(self.url, baudrate=self.baudrate, timeout=0.05)

    def transact(self, port: serial.Serial, cmd: tuple[int, int], data: bytes = b"") -> frames.Response:
        """Send one command and return its decoded answer (any SW3).

        Raises:
            NoAnswerError: nothing (or only noise) came back in ``response_timeout``.
            ChecksumError: the answer was damaged twice.
            PortError: the port vanished.
        """
        request = frames.encode_request(cmd[0], cmd[1], data)
        for _attempt in range(2):
            damaged = False
            try:
                port.reset_input_buffer()
                self._reasm.clear()
                port.write(request)
                port.flush()
                deadline = time.monotonic() + self.response_timeout
                while not damaged and time.monotonic() < deadline:
                    chunk = port.read(port.in_waiting or 1)
                    if not chunk:
                        continue
                    for item in self._reasm.feed(chunk):
                        if isinstance(item, FrameError):
                            damaged = True  # ask again once
                            break
                        return frames.decode_response(item)
            except PORT_ERRORS as exc:
                raise PortError(self.url, str(exc) or type(exc).__name__) from exc
            if not damaged:
                raise NoAnswerError()
        raise ChecksumError()

    def _expect(self, port: serial.Serial, cmd: tuple[int, int]) -> frames.Response:
        resp = self.transact(port, cmd)
        if not is_success(resp.sw3):
            raise error_for_sw3(resp.sw3)
        return resp

    def sam_status(self, port: serial.Serial) -> None:
        """Ask the SAM module for its status (``11 FF``); raises its error if it is not 90."""
        self._expect(port, frames.CMD_SAM_STATUS)

    def poll(self, port: serial.Serial) -> IdCard | None:
        """One find → select → read cycle: the card, or None when there is none (SW3 80/81).

        Raises:
            DeviceError: the reader reported a fault, did not answer, or the port vanished.
        """
        resp = self.transact(port, frames.CMD_FIND)
        if resp.sw3 == 0x80:
            return None
        if resp.sw3 != 0x9F:
            raise error_for_sw3(resp.sw3)
        resp = self.transact(port, frames.CMD_SELECT)
        if resp.sw3 == 0x81:
            return None
        if resp.sw3 != 0x90:
            raise error_for_sw3(resp.sw3)
        cmd = frames.CMD_READ_FP if self.with_fingerprint else frames.CMD_READ
        resp = self._expect(port, cmd)
        card = parse_read_answer(resp.data, with_fingerprint=self.with_fingerprint)
        log.info("ID card read: %s %s", mask_name(card.name), mask_id_number(card.id_number))
        return card

    # --- the port protocol ----------------------------------------------------------------

    def read_once(self, timeout: float) -> IdCard:
        """Wait up to ``timeout`` seconds for a card.

        Raises:
            ReadTimeoutError: no card in time (``code == "timeout"``).
            NoAnswerError: the reader never answered.
            PortError: the port cannot be opened or vanished.
            SamStatusError: the reader module reported a fault.
        """
        deadline = time.monotonic() + timeout
        port = self._open()
        last: DeviceError | None = None
        try:
            while True:
                try:
                    card = self.poll(port)
                    last = None
                    if card is not None:
                        return card
                except (NoAnswerError, ChecksumError) as exc:
                    last = exc
                except SamStatusError as exc:
                    if not exc.card_level:
                        raise
                    last = None  # the card is moving: keep trying, then "timeout"
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if last is not None:
                        raise last
                    raise ReadTimeoutError(timeout)
                time.sleep(min(self.poll_interval, remaining))
        finally:
            close_quietly(port)

    def run(self, stop: threading.Event, on_event: Callable[[CardEvent], None]) -> None:
        """Poll until ``stop`` is set, reporting cards, removals, errors and state (see module doc)."""
        port: serial.Serial | None = None
        silent = 0
        faults = 0  # polls in a row that ended in a fault
        t = CardTracker(self, on_event, removal_polls=self.removal_polls, debounce_s=self.debounce_s)
        set_state, report, lose_card = t.set_state, t.report, t.lose_card

        try:
            while not stop.is_set():
                if port is None:
                    try:
                        port = self._open()
                    except PortError as exc:
                        if self.state not in (DeviceState.OFFLINE, DeviceState.RECONNECTING):
                            set_state(DeviceState.OFFLINE)
                        report(exc)
                        set_state(DeviceState.RECONNECTING)
                        stop.wait(self.reconnect_interval)
                        continue
                wait = self.poll_interval
                faults += 1  # back to 0 below when the poll goes well
                try:
                    card = self.poll(port)
                except PortError as exc:
                    close_quietly(port)
                    port = None
                    lose_card()
                    set_state(DeviceState.OFFLINE)
                    report(exc)
                    continue  # reopen at once; the reconnect loop paces retries
                except NoAnswerError as exc:
                    silent += 1
                    lose_card()
                    set_state(DeviceState.OFFLINE)
                    report(exc)
                    if silent >= self.reopen_after:
                        close_quietly(port)
                        port = None
                        silent = 0
                except ChecksumError as exc:
                    report(exc)
                except SamStatusError as exc:
                    report(exc)
                    if not exc.card_level:
                        set_state(DeviceState.ERROR)
                    else:
                        set_state(DeviceState.ONLINE)
                except DeviceError as exc:  # a malformed read block
                    report(exc)
                else:
                    silent = 0
                    faults = 0
                    if t.polled(card):
                        wait = self.present_interval  # read; re-read only to see a swap or a removal
                if faults >= 2:  # a fault (a card moved, a module error) is retried at once, then backed off
                    wait = self.present_interval
                stop.wait(wait)
        finally:
            close_quietly(port)

    # --- photo ----------------------------------------------------------------------------

    def decode_photo(self, card: IdCard) -> bytes | None:
        """The photo as an image through the vendor plug-in; None without one or when it fails."""
        if self.photo_decoder is None or not card.photo:
            return None
        try:
            return self.photo_decoder(card.photo)
        except Exception as exc:  # noqa: BLE001 - a vendor binary may fail in any way
            log.warning("WLT photo decoder failed: %s", type(exc).__name__)
            return None


def parse_read_answer(data: bytes, *, with_fingerprint: bool = False) -> IdCard:
    """Split the data of a ``30 01``/``30 10`` answer into text, photo (and fingerprint) and parse it.

    Raises:
        BadAnswerError: the lengths in the header do not match the data.
        TextBlockError: the text block cannot be parsed.
    """
    head = 6 if with_fingerprint else 4
    if len(data) < head:
        raise BadAnswerError("read answer too short", "读卡应答过短")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    fp_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if text_len != TEXT_LEN or photo_len > PHOTO_LEN * 2 or len(data) != head + text_len + photo_len + fp_len:
        raise BadAnswerError(
            f"read answer lengths do not add up (text {text_len}, photo {photo_len}, fp {fp_len}, data {len(data)})",
            "读卡应答长度不符",
        )
    text = data[head : head + text_len]
    photo = data[head + text_len : head + text_len + photo_len]
    fp = data[head + text_len + photo_len :]
    return parse_text(text, photo, fp)
