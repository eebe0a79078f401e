"""A simulated GSM modem speaking the AT/PDU dialogue of docs/devices.md §10 on ``socket://`` or a pty.

It answers ``AT``, ``ATE0/1``, ``AT+CMEE``, ``AT+CMGF``, ``AT+CNMI``, ``AT+CPMS``, ``AT+CSQ``,
``AT+CMGS=<n>`` (prompt, PDU, Ctrl-Z), ``AT+CMGR``, ``AT+CMGL``, ``AT+CMGD`` as a modem does, and
refuses what a modem refuses: a PDU that is not hex, does not decode, or whose length is not the
``<n>`` given → ``+CMS ERROR: 304``; PDU commands in text mode → ``+CMS ERROR: 302``; an index with
no message → ``+CMS ERROR: 321``; a full memory → ``+CMS ERROR: 322``; anything else → ``ERROR``.

Replies are scripted per number (``script``)::

    {"13904710000": {"reply": "1", "after_s": 2}, "13904710001": {"reply": "2"}, "13904710002": null}

— once a whole message (all its parts) to a scripted number has been sent, the reply is stored
as an SMS-DELIVER after ``after_s`` seconds and announced with ``+CMTI: "SM",<index>``; ``null``
(or a number not in the script) never answers; the key ``"*"`` is the rule for every number not
listed. Numbers match on their last 11 digits, so ``+8613904710000`` and ``13904710000`` are the
same phone.

Faults: ``mute`` (reads, never answers), ``fail_next`` (the next ``AT+CMGS`` ends in
``+CMS ERROR: <n>``, e.g. 331 no network), ``send_delay`` (seconds the "network" takes a part),
:meth:`unplug` / :meth:`replug`. ``hall-kiosk devices simulate modem --script FILE.json`` runs it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from devices.simport import PortSimulator, SimulatedPort
from devices.sms.pdu import Concat, DecodedSms, PduError, decode_submit, encode_deliver, from_hex

log = logging.getLogger(__name__)

CAPACITY = 30  #: messages the simulated SIM holds
CHINA = dt.timezone(dt.timedelta(hours=8))


def phone_key(number: str) -> str:
    """The last 11 digits: how the simulator (and a caller matching replies) compares numbers."""
    return "".join(c for c in number if c.isdigit())[-11:]


@dataclass(frozen=True)
class SentSms:
    """A whole message the simulator accepted (parts put together)."""

    number: str
    text: str
    alphabet: str
    parts: int
    refs: tuple[int, ...]


class ModemSimulator(PortSimulator):
    """A GSM modem on a simulated serial line.

    Args:
        listen: ``socket://127.0.0.1:PORT``, ``pty`` or ``pty:/path/link``.
        script: replies per number (module doc).
        baud: line speed in bit/s, both ways: output is paced at it and input is taken only after
            its wire time (None = unpaced).
        send_delay: seconds between the PDU and ``+CMGS`` (the network's time).
    """

    def __init__(self, listen: str = "socket://127.0.0.1:0", *, script: dict[str, Any] | None = None,
                 baud: int | None = 115200, send_delay: float = 0.0) -> None:
        self._port = SimulatedPort(listen, on_data=self._on_data, baud=baud, on_connect=self._on_connect, what="modem")
        self._lock = threading.RLock()
        self.script: dict[str, dict[str, Any] | None] = {
            (k if k == "*" else phone_key(k)): v for k, v in (script or {}).items()
        }
        self.send_delay = send_delay
        self.mute = False
        self.fail_next: int | None = None
        self.echo = True
        self.pdu_mode = False  # a modem starts in text mode (AT+CMGF=1); the driver switches
        self.storage: dict[int, tuple[str, str]] = {}  #: index → (stat "REC UNREAD"/"REC READ", PDU hex)
        self.sent: list[SentSms] = []  #: whole messages sent through the simulator
        self.commands: list[str] = []  #: every command line received
        self.refused = 0  #: PDUs refused with +CMS ERROR: 304
        self._buf = bytearray()
        self._cmgs_len: int | None = None  # waiting for a PDU of this many TPDU octets
        self._mr = 0
        self._parts: dict[tuple[str, int], dict[int, tuple[DecodedSms, int]]] = {}
        self._timers: list[threading.Timer] = []
        self._sent_cond = threading.Condition(self._lock)

    def stop(self) -> None:
        with self._lock:
            for t in self._timers:
                t.cancel()
            self._timers.clear()
        super().stop()

    # --- the dialogue -------------------------------------------------------------------------

    def _on_connect(self) -> None:
        with self._lock:
            self._buf.clear()
            self._cmgs_len = None

    def _on_data(self, data: bytes) -> None:
        if self._port.baud:  # the driver's bytes take their wire time to arrive, as on a real line
            time.sleep(len(data) * 10 / self._port.baud)
        with self._lock:
            if self.mute:
                return
            for b in data:
                if self._cmgs_len is not None:
                    if b in (0x1A, 0x1B):
                        body = bytes(self._buf).decode("ascii", errors="replace")
                        self._buf.clear()
                        length, self._cmgs_len = self._cmgs_len, None
                        if b == 0x1A:
                            self._submit(body.strip(), length)
                        else:
                            self._reply("OK")  # ESC: the command is cancelled
                    elif len(self._buf) < 1024:
                        self._buf.append(b)
                    continue
                if b == 0x0D:
                    line = bytes(self._buf).decode("ascii", errors="replace").strip()
                    self._buf.clear()
                    if line:
                        if self.echo:
                            self._port.write(line.encode() + b"\r")
                        self._command(line)
                elif b == 0x1B:
                    self._buf.clear()
                elif b != 0x0A and len(self._buf) < 1024:
                    self._buf.append(b)

    def _reply(self, *lines: str) -> None:
        self._port.write(b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines))

    def _command(self, line: str) -> None:
        self.commands.append(line)
        up = line.upper()
        if up in ("AT", "ATZ") or up.startswith(("AT+CNMI=", "AT+CPMS=", "AT+CSCS=", "AT+CMEE=")):
            self._reply("OK")
        elif up in ("ATE0", "ATE1"):
            self.echo = up == "ATE1"
            self._reply("OK")
        elif up.startswith("AT+CMGF="):
            value = up.split("=", 1)[1]
            if value not in ("0", "1"):
                self._reply("ERROR")
                return
            self.pdu_mode = value == "0"
            self._reply("OK")
        elif up == "AT+CSQ":
            self._reply("+CSQ: 21,99", "OK")
        elif up == "AT+CGMM":
            self._reply("HALL-KIOSK SIMULATED MODEM", "OK")
        elif up.startswith("AT+CMGS="):
            if not self.pdu_mode:
                self._reply("+CMS ERROR: 302")
                return
            value = up.split("=", 1)[1]
            if not value.isdigit() or not 7 <= int(value) <= 164:
                self._reply("+CMS ERROR: 304")
                return
            self._cmgs_len = int(value)
            self._port.write(b"\r\n> ")
        elif up.startswith("AT+CMGR="):
            index = up.split("=", 1)[1]
            stored = self.storage.get(int(index)) if index.isdigit() else None
            if stored is None:
                self._reply("+CMS ERROR: 321")
                return
            stat, pdu = stored
            self.storage[int(index)] = ("REC READ", pdu)
            self._reply(f"+CMGR: {0 if stat == 'REC UNREAD' else 1},,{len(pdu) // 2 - 1 - int(pdu[:2], 16)}", pdu)
            self._reply("OK")
        elif up.startswith("AT+CMGL="):
            lines: list[str] = []
            for i, (stat, pdu) in sorted(self.storage.items()):
                lines += [f"+CMGL: {i},{0 if stat == 'REC UNREAD' else 1},,{len(pdu) // 2 - 1 - int(pdu[:2], 16)}", pdu]
                self.storage[i] = ("REC READ", pdu)
            self._reply(*lines, "OK")
        elif up.startswith("AT+CMGD="):
            index = up.split("=", 1)[1].split(",")[0]
            if not index.isdigit():
                self._reply("+CMS ERROR: 321")
                return
            self.storage.pop(int(index), None)
            self._reply("OK")
        else:
            self._reply("ERROR")

    def _submit(self, body: str, length: int) -> None:
        try:
            data = from_hex(body)
            sca_len = 1 + data[0] if data else 0
            if len(data) - sca_len != length:
                raise PduError(f"length {len(data) - sca_len} is not the {length} announced")
            sms = decode_submit(data)
        except PduError as exc:
            self.refused += 1
            log.debug("simulated modem refused a PDU: %s", exc.en)
            self._reply("+CMS ERROR: 304")
            return
        if self.fail_next is not None:
            code, self.fail_next = self.fail_next, None
            self._reply(f"+CMS ERROR: {code}")
            return
        if self.send_delay:
            time.sleep(self.send_delay)  # the network's time, on the port thread like a busy modem
        self._mr = (self._mr + 1) & 0xFF
        self._reply(f"+CMGS: {self._mr}", "OK")
        self._collect(sms, self._mr)

    def _collect(self, sms: DecodedSms, mr: int) -> None:
        if sms.concat is None or sms.concat.total == 1:
            whole = SentSms(sms.number, sms.text, sms.alphabet, 1, (mr,))
        else:
            key = (phone_key(sms.number), sms.concat.reference)
            parts = self._parts.setdefault(key, {})
            parts[sms.concat.seq] = (sms, mr)
            if len(parts) < sms.concat.total:
                return
            del self._parts[key]
            ordered = [parts[i] for i in sorted(parts)]
            whole = SentSms(sms.number, "".join(p.text for p, _ in ordered), sms.alphabet, len(ordered),
                            tuple(m for _, m in ordered))
        self.sent.append(whole)
        self._sent_cond.notify_all()
        phone = phone_key(whole.number)
        rule = self.script[phone] if phone in self.script else self.script.get("*")
        if rule and rule.get("reply") is not None:
            self.inject(whole.number, str(rule["reply"]), after_s=float(rule.get("after_s", 0.5)))

    # --- test and demo controls ------------------------------------------------------------

    def inject(self, number: str, text: str, *, after_s: float = 0.0, when: dt.datetime | None = None) -> None:
        """An SMS from ``number`` arrives after ``after_s`` seconds (concatenated if long)."""
        def arrive() -> None:
            stamp = (when or dt.datetime.now(CHINA)).replace(microsecond=0)
            pdus = _deliver_pdus(number, text, stamp, self._mr)
            with self._lock:
                for pdu in pdus:
                    free = next((i for i in range(1, CAPACITY + 1) if i not in self.storage), None)
                    if free is None:
                        log.debug("simulated modem: memory full, message dropped")
                        return
                    self.storage[free] = ("REC UNREAD", pdu)
                    if not self.mute:
                        self._reply(f'+CMTI: "SM",{free}')

        if after_s <= 0:
            arrive()
            return
        timer = threading.Timer(after_s, arrive)
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def wait_sent(self, n: int, timeout: float = 5.0) -> list[SentSms]:
        """Wait until ``n`` whole messages were sent; return them all."""
        with self._lock:
            self._sent_cond.wait_for(lambda: len(self.sent) >= n, timeout)
            return list(self.sent)

    def send_raw(self, data: bytes) -> bool:
        """Bytes to the driver as they are (noise, a stray indication)."""
        return self._port.write(data)


def _deliver_pdus(number: str, text: str, when: dt.datetime, reference: int) -> list[str]:
    from devices.sms.pdu import gsm7_encodable

    ucs2 = not gsm7_encodable(text)
    per = 67 if ucs2 else 153
    single = 70 if ucs2 else 160
    if len(text) <= single:
        return [encode_deliver(number, text, when)]
    chunks = [text[i : i + per] for i in range(0, len(text), per)]
    return [encode_deliver(number, c, when, concat=Concat(reference, len(chunks), i + 1)) for i, c in enumerate(chunks)]
