"""The GSM/4G modem driver (短信猫): SMS out and in with AT commands in PDU mode (docs/devices.md §10).

:class:`GsmModem` implements :class:`kiosk.ports.SmsPort`. One thread owns the serial line: the
composition root runs :meth:`GsmModem.run`, which opens the URL, sets the modem up —

    ATE0 · AT+CMEE=1 · AT+CMGF=0 · AT+CNMI=2,1,0,0,0 · AT+CMGL=4 (messages stored while we were away)

— and then alternates between the jobs other threads queue (:meth:`GsmModem.send`) and the lines
the modem sends on its own. A send is, per PDU part (devices/sms/pdu.py)::

    → AT+CMGS=<TPDU octets>\\r      ← \\r\\n> (the prompt)
    → <PDU hex> Ctrl-Z             ← \\r\\n+CMGS: <mr>\\r\\n\\r\\nOK\\r\\n | +CMS ERROR: <n> | ERROR

and an incoming message is ``+CMTI: "SM",<i>`` → ``AT+CMGR=<i>`` (``+CMGR: <stat>,,<len>`` and
the SMS-DELIVER PDU) → ``AT+CMGD=<i>``. Concatenated parts are put together before delivery;
each complete message becomes a :class:`kiosk.ports.SmsReply` (the originator's digits, the text,
the service centre's time stamp in UTC) that :meth:`GsmModem.replies` hands over (and forgets) and
that :meth:`run` also passes to its optional ``on_reply`` on its own thread.

Deadlines: the prompt must come within ``command_timeout`` (else ESC cancels the command), and
the whole of :meth:`send` — waiting for the line, every part — ends within ``send_timeout`` or
raises a :class:`~devices.sms.errors.ModemError` ``no-answer``. Three unanswered commands in a
row close the port and open it again (the modem was reset or unplugged). Phone numbers and texts
are personal data: only masked numbers and lengths reach the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from devices.sms import errors
from devices.sms.errors import ModemError
from devices.sms.pdu import Concat, PduError, decode_deliver, encode_submit
from devices.urls import PORT_ERRORS, PortError, close_quietly, open_url
from kiosk.pii import mask_phone
from kiosk.ports import DeviceError, DeviceState, SmsReply

log = logging.getLogger(__name__)

PROMPT = "> "
CTRL_Z = b"\x1a"
ESC = b"\x1b"
INIT_COMMANDS = ("ATE0", "AT+CMEE=1", "AT+CMGF=0", "AT+CNMI=2,1,0,0,0")
_FINAL_OK = "OK"
_OnReply = Callable[[SmsReply], None] | None
_UNSOLICITED = ("+CMTI:", "RING", "+CREG:", "+CDSI:", "^", "+CIEV:", "NO CARRIER")


class _LineReader:
    """Splits what the modem sends into lines and the bare ``> `` prompt; never raises."""

    def __init__(self, max_line: int = 1024) -> None:
        self._buf = bytearray()
        self.max_line = max_line

    def clear(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[str]:
        out: list[str] = []
        for b in data:
            if b in (0x0D, 0x0A):
                if self._buf:
                    out.append(self._buf.decode("ascii", errors="replace").strip())
                self._buf.clear()
            elif len(self._buf) < self.max_line:
                self._buf.append(b)
            if self._buf in (b"> ", b">") and b == 0x20:
                out.append(PROMPT)
                self._buf.clear()
        return [line for line in out if line]


@dataclass
class _Job:
    number: str
    text: str
    deadline: float
    done: threading.Event = field(default_factory=threading.Event)
    refs: list[int] = field(default_factory=list)
    error: DeviceError | None = None
    abandoned: bool = False


class GsmModem:
    """An AT-command modem on a serial URL, in PDU mode.

    Args:
        url: ``/dev/ttyUSB2``, ``COM5``, ``socket://127.0.0.1:7005`` (the simulator) …
        baudrate: line speed (115200 for most USB 4G modules; 9600 for old GSM ones).
        command_timeout: seconds for an ordinary command's final result, and for the ``>`` prompt.
        send_timeout: seconds :meth:`send` may take in all (the network can take a few seconds a part).
        reconnect_interval: seconds between attempts to reopen a vanished port.
        on_state: called with every state change and the error that caused it.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        command_timeout: float = 5.0,
        send_timeout: float = 30.0,
        reconnect_interval: float = 1.0,
        on_state: Callable[[DeviceState, DeviceError | None], None] | None = None,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.command_timeout = command_timeout
        self.send_timeout = send_timeout
        self.reconnect_interval = reconnect_interval
        self.on_state = on_state
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None
        self.rejected = 0  #: stored messages that could not be decoded (deleted)
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._reader = _LineReader()
        self._pending: list[str] = []  # unsolicited lines seen while a command ran
        self._parts: dict[tuple[str, int, int], dict[int, tuple[str, dt.datetime]]] = {}
        self._reference = 0
        self._silent = 0
        self._inbox: list[SmsReply] = []
        self._inbox_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GsmModem({self.url!r}, state={self.state.value})"

    # --- the port protocol ------------------------------------------------------------------

    def send(self, number: str, text: str, *, timeout: float | None = None) -> str:
        """Send ``text`` to ``number``; the modem's message references, comma-separated (``"12,13"``).

        Blocks until every part was accepted. Call it from a job lane, never the UI thread.

        Raises:
            PduError: the number or text cannot be encoded (nothing was sent).
            ModemError: the modem refused a part (``+CMS ERROR`` mapped), did not answer within
                the deadline (``no-answer``) or is not connected (``offline``).
        """
        encode_submit(number, text)  # refuse a bad number or text before queueing
        limit = self.send_timeout if timeout is None else timeout
        if self.state != DeviceState.ONLINE:
            raise errors.offline(self.url)
        job = _Job(number, text, time.monotonic() + limit)
        self._jobs.put(job)
        if not job.done.wait(limit):
            job.abandoned = True
            raise errors.no_answer("AT+CMGS", limit)
        if job.error is not None:
            raise job.error
        return ",".join(str(r) for r in job.refs)

    def replies(self) -> list[SmsReply]:
        """The messages received since the last call, oldest first (and forget them)."""
        with self._inbox_lock:
            out, self._inbox = self._inbox, []
        return out

    def wait_online(self, timeout: float) -> bool:
        """Wait until :meth:`run` has set the modem up; True if it is online."""
        deadline = time.monotonic() + timeout
        while self.state != DeviceState.ONLINE and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.state == DeviceState.ONLINE

    def run(self, stop: threading.Event, on_reply: Callable[[SmsReply], None] | None = None) -> None:
        """Own the line until ``stop``: set up, send queued messages, deliver received ones."""
        while not stop.is_set():
            try:
                port = open_url(self.url, baudrate=self.baudrate, timeout=0.05)
            except PortError as exc:
                if self.state not in (DeviceState.OFFLINE, DeviceState.RECONNECTING):
                    self._set_state(DeviceState.OFFLINE, exc)
                self._set_state(DeviceState.RECONNECTING)
                self._fail_queued(errors.offline(self.url))
                stop.wait(self.reconnect_interval)
                continue
            try:
                self._session(port, stop, on_reply)
            except PortError as exc:
                self._set_state(DeviceState.OFFLINE, exc)
            except ModemError as exc:  # set-up failed or the modem went silent: start over
                self._set_state(DeviceState.OFFLINE if exc.code == "no-answer" else DeviceState.ERROR, exc)
                log.warning("modem %s: %s", self.url, exc.en)
                stop.wait(self.reconnect_interval)
            finally:
                close_quietly(port)
                self._fail_queued(errors.offline(self.url))
        self._set_state(DeviceState.OFFLINE)

    # --- one session on an open port --------------------------------------------------------

    def _session(self, port: serial.Serial, stop: threading.Event, on_reply: _OnReply) -> None:
        self._reader.clear()
        self._pending.clear()
        self._silent = 0
        self._write(port, b"\x1b\r")  # leave a prompt a previous run may have left open
        time.sleep(0.05)
        self._drain(port)
        for command in INIT_COMMANDS:
            self._command(port, command)
        for index, pdu_hex in self._list_stored(port):
            self._take(port, index, pdu_hex, on_reply)
        self._set_state(DeviceState.ONLINE, None)
        while not stop.is_set():
            self._handle_unsolicited(port, on_reply)
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                self._pending += [line for line in self._read_lines(port) if line != PROMPT]
                continue
            if job.abandoned:
                continue
            try:
                self._send_job(port, job)
            except PduError as exc:
                job.error = exc
            except ModemError as exc:
                job.error = exc
                if exc.code == "no-answer":
                    self._silent += 1
                    if self._silent >= 3:
                        job.done.set()
                        raise
            finally:
                job.done.set()

    def _send_job(self, port: serial.Serial, job: _Job) -> None:
        # a late answer to an earlier, timed-out command must not be taken for this one's
        try:
            waiting = port.in_waiting
        except PORT_ERRORS as exc:
            raise PortError(self.url, str(exc) or type(exc).__name__) from exc
        if waiting:
            self._pending += [line for line in self._read_lines(port) if line != PROMPT]
        self._reference = (self._reference + 1) & 0xFF
        parts = encode_submit(job.number, job.text, reference=self._reference)
        for part in parts:
            remaining = job.deadline - time.monotonic()
            if remaining <= 0 or job.abandoned:
                raise errors.no_answer("AT+CMGS", self.send_timeout)
            lines = self._command(port, f"AT+CMGS={part.tpdu_length}", prompt=True,
                                  timeout=min(self.command_timeout, remaining))
            if PROMPT not in lines:
                raise ModemError("modem", "短信猫未给出输入提示符", "the modem gave no > prompt")
            lines = self._command(port, part.hex, raw_end=CTRL_Z, timeout=max(0.0, job.deadline - time.monotonic()))
            refs = [line for line in lines if line.startswith("+CMGS:")]
            if not refs:
                raise ModemError("modem", "短信猫未返回短信参考号", "the modem gave no +CMGS reference")
            try:
                job.refs.append(int(refs[0].split(":", 1)[1].split(",")[0]))
            except ValueError:
                raise ModemError("modem", "短信猫返回的参考号无法识别", "the modem's +CMGS reference is unreadable") from None
            self._silent = 0
        log.info("SMS sent to %s: %d chars in %d part(s), refs %s", mask_phone(job.number), len(job.text),
                 len(parts), job.refs)

    # --- incoming ---------------------------------------------------------------------------

    def _handle_unsolicited(self, port: serial.Serial, on_reply: _OnReply) -> None:
        while self._pending:
            line = self._pending.pop(0)
            if not line.startswith("+CMTI:"):
                continue
            try:
                index = int(line.rsplit(",", 1)[1])
            except (IndexError, ValueError):
                log.warning("modem %s: unreadable indication %r", self.url, line[:40])
                continue
            lines = self._command(port, f"AT+CMGR={index}", tolerate_error=True)
            pdu_lines = [ln for ln in lines if not ln.startswith("+CMGR:")]
            if lines and pdu_lines:
                self._take(port, index, pdu_lines[0], on_reply)

    def _list_stored(self, port: serial.Serial) -> list[tuple[int, str]]:
        lines = self._command(port, "AT+CMGL=4", tolerate_error=True)
        out: list[tuple[int, str]] = []
        for head, body in zip(lines, lines[1:], strict=False):
            if head.startswith("+CMGL:"):
                try:
                    out.append((int(head.split(":", 1)[1].split(",")[0]), body))
                except ValueError:
                    continue
        return out

    def _take(self, port: serial.Serial, index: int, pdu_hex: str, on_reply: _OnReply) -> None:
        """Decode the message stored at ``index``, deliver it (when complete) and delete it."""
        try:
            sms = decode_deliver(pdu_hex)
        except PduError as exc:
            self.rejected += 1
            log.warning("modem %s: message %d could not be decoded (%s); deleted", self.url, index, exc.en)
            sms = None
        self._command(port, f"AT+CMGD={index}", tolerate_error=True)
        if sms is None:
            return
        stamp = (sms.timestamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        if sms.concat is not None and sms.concat.total > 1:
            text = self._assemble(sms.number, sms.concat, sms.text, stamp)
            if text is None:
                return
        else:
            text = sms.text
        log.info("SMS received from %s: %d chars", mask_phone(sms.number), len(text))
        reply = SmsReply(sms.number.lstrip("+"), text, stamp)
        with self._inbox_lock:
            self._inbox.append(reply)
        if on_reply is not None:
            try:
                on_reply(reply)
            except Exception:  # a consumer's bug must not stop the modem
                log.exception("SMS reply handler failed")

    def _assemble(self, number: str, concat: Concat, text: str, stamp: dt.datetime) -> str | None:
        key = (number, concat.reference, concat.total)
        parts = self._parts.setdefault(key, {})
        parts[concat.seq] = (text, stamp)
        if len(parts) < concat.total:
            return None
        del self._parts[key]
        return "".join(parts[i][0] for i in sorted(parts))

    # --- commands ---------------------------------------------------------------------------

    def _write(self, port: serial.Serial, data: bytes) -> None:
        try:
            port.write(data)
            port.flush()
        except PORT_ERRORS as exc:
            raise PortError(self.url, str(exc) or type(exc).__name__) from exc

    def _read_lines(self, port: serial.Serial) -> list[str]:
        try:
            chunk = port.read(port.in_waiting or 1)
        except PORT_ERRORS as exc:
            raise PortError(self.url, str(exc) or type(exc).__name__) from exc
        return self._reader.feed(chunk) if chunk else []

    def _drain(self, port: serial.Serial) -> None:
        for _ in range(20):
            if not self._read_lines(port) and not port.in_waiting:
                return

    def _command(self, port: serial.Serial, command: str, *, prompt: bool = False, raw_end: bytes = b"\r",
                 timeout: float | None = None, tolerate_error: bool = False) -> list[str]:
        """Send one command; its intermediate lines until the final result (or the prompt).

        Raises:
            ModemError: ``ERROR`` / ``+CMS ERROR`` / ``+CME ERROR`` (unless ``tolerate_error``,
                which returns ``[]`` instead), or nothing within ``timeout`` (``no-answer``).
            PortError: the port vanished.
        """
        limit = self.command_timeout if timeout is None else timeout
        name = command if raw_end == b"\r" else "PDU"
        self._write(port, command.encode("ascii") + raw_end)
        deadline = time.monotonic() + limit
        lines: list[str] = []
        while time.monotonic() < deadline:
            for line in self._read_lines(port):
                if line == PROMPT:
                    if prompt:
                        return [PROMPT]
                    continue
                if line.startswith(_UNSOLICITED):
                    self._pending.append(line)
                elif line == command:
                    continue  # the echo, before ATE0 took effect
                elif line == _FINAL_OK:
                    self._silent = 0
                    if prompt and any(ln.startswith("+CMGS:") for ln in lines):
                        lines = []  # the late end of a send that timed out: keep waiting for our prompt
                        continue
                    return lines
                elif line == "ERROR" or line.startswith(("+CMS ERROR:", "+CME ERROR:")):
                    self._silent = 0
                    if tolerate_error:
                        return []
                    raise _error_for(line, name)
                else:
                    lines.append(line)
        if prompt:
            self._write(port, ESC)  # cancel the half-open command
        raise errors.no_answer(name if len(name) < 20 else "PDU", limit)

    # --- state --------------------------------------------------------------------------------

    def _set_state(self, state: DeviceState, err: DeviceError | None = None) -> None:
        if err is not None:
            self.last_error = err
        if state == self.state:
            return
        self.state = state
        if self.on_state is not None:
            self.on_state(state, err)

    def _fail_queued(self, err: DeviceError) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            job.error = err
            job.done.set()


def _error_for(line: str, command: str) -> ModemError:
    if line.startswith(("+CMS ERROR:", "+CME ERROR:")):
        value = line.split(":", 1)[1].strip()
        if value.isdigit():
            return errors.cms_error(int(value)) if line.startswith("+CMS") else errors.cme_error(int(value))
        return ModemError("modem", f"短信猫报错：{value[:40]}", f"the modem reported: {value[:40]}")
    return errors.plain_error(command if len(command) < 20 else "PDU")


def probe(url: str, *, baudrate: int = 115200, timeout: float = 0.5) -> ModemError | None:
    """Open ``url`` and ask ``AT``: None when the modem answers ``OK``, else what went wrong.

    Only for a modem whose :meth:`GsmModem.run` is not holding the port (``devices list``).
    """
    modem = GsmModem(url, baudrate=baudrate, command_timeout=timeout)
    try:
        port = open_url(url, baudrate=baudrate, timeout=0.05)
    except PortError as exc:
        return errors.offline(f"{url} ({exc.reason})")
    try:
        modem._write(port, b"\x1b\r")
        time.sleep(0.05)
        modem._drain(port)
        modem._command(port, "AT")
        return None
    except ModemError as exc:
        return exc
    except PortError as exc:
        return errors.offline(f"{url} ({exc.reason})")
    finally:
        close_quietly(port)
