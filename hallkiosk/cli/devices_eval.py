"""``hall-kiosk devices …`` for the evaluation area's devices: the SMS modem, the door, the lockers.

* ``devices sms-send --device URL NUMBER TEXT [--wait-reply S] [--json]`` — send one SMS (UCS-2 or
  GSM 7-bit, concatenated when long) and optionally wait for replies; the number is masked in the
  output unless ``--json``;
* ``devices door open --device URL [--hold S]`` — release the door for S seconds and relock it;
* ``devices locker open --device URL N [--wait-closed S] [--alert S]`` — release locker N, and wait
  until it is shut again (exit 1 if it is not within S seconds);
* ``devices locker status --device URL [--json]`` — each locker: shut or open, occupied;
* ``devices simulate modem [--script FILE.json]`` / ``devices simulate access [--lockers N]`` — the
  simulators (:func:`make_simulator`, called by ``devices_cmd``).

Errors print one line in Chinese and English on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hallkiosk.cli.common import print_json
from kiosk.pii import mask_phone
from kiosk.ports import AccessEvent, DeviceError

if TYPE_CHECKING:
    from devices.access.simulator import AccessSimulator
    from devices.sms.simulator import ModemSimulator


def _fail(err: DeviceError) -> int:
    print(f"错误 error [{err.code}]: {err.zh} / {err.en}", file=sys.stderr)
    return 1


def _event_line(ev: AccessEvent) -> str:
    bits: list[str] = [ev.kind]
    if ev.locker is not None:
        bits.append(f"locker={ev.locker}")
    if ev.seconds is not None:
        bits.append(f"seconds={ev.seconds:g}")
    if ev.occupied is not None:
        bits.append(f"occupied={'yes' if ev.occupied else 'no'}")
    bits.append(f"door={ev.door}")
    line = "事件 event: " + " ".join(bits)
    if ev.error is not None:
        line += f" — {ev.error.zh} / {ev.error.en}"
    return line


# --- SMS ------------------------------------------------------------------------------------


def _cmd_sms_send(args: argparse.Namespace) -> int:
    from devices.sms.errors import no_answer
    from devices.sms.modem import GsmModem

    modem = GsmModem(args.device, baudrate=args.baud, send_timeout=args.timeout, command_timeout=min(5.0, args.timeout))
    stop = threading.Event()
    thread = threading.Thread(target=modem.run, args=(stop,), name="sms-send", daemon=True)
    thread.start()
    try:
        if not modem.wait_online(args.timeout):
            return _fail(modem.last_error or no_answer("AT", args.timeout))
        try:
            refs = modem.send(args.number, args.text)
        except DeviceError as exc:
            return _fail(exc)
        replies: list[dict[str, str]] = []
        deadline = time.monotonic() + args.wait_reply
        while time.monotonic() < deadline and not replies:
            replies = [{"number": r.number, "text": r.text, "at": r.at.isoformat()} for r in modem.replies()]
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(5)
    if args.json:
        print_json({"refs": refs, "replies": replies})
    else:
        print(f"已发送 sent to {mask_phone(args.number)}: {len(args.text)} 字 chars, 参考号 refs {refs}")
        for r in replies:
            print(f"回复 reply from {mask_phone(r['number'])} at {r['at']}: {r['text']}")
        if args.wait_reply and not replies:
            print(f"{args.wait_reply:g} 秒内无回复 / no reply within {args.wait_reply:g} s")
    return 0


# --- door and lockers ---------------------------------------------------------------------------


def _controller(args: argparse.Namespace, *, door: bool) -> Any:
    from devices.access.controller import AccessController

    alert = getattr(args, "alert", 30.0)
    return AccessController(args.device if door else "", "" if door else args.device, alert_s=alert, poll_s=0.1)


def _run_until(ctl: Any, done: Any, timeout: float) -> list[AccessEvent]:
    events: list[AccessEvent] = []
    deadline = time.monotonic() + timeout
    while True:
        fresh = ctl.tick()
        for ev in fresh:
            print(_event_line(ev), flush=True)
        events += fresh
        if done(events) or time.monotonic() >= deadline:
            return events
        time.sleep(ctl.poll_s)


def _cmd_door_open(args: argparse.Namespace) -> int:
    ctl = None
    try:
        ctl = _controller(args, door=True)
        first = ctl.tick()
        for ev in first:
            print(_event_line(ev))
        if any(e.kind == "link-lost" for e in first):
            return _fail(ctl.last_error)
        ctl.open_door(args.hold)
        events = _run_until(ctl, lambda evs: any(e.kind in ("door-relocked", "link-lost") for e in evs), args.hold + 5)
    except DeviceError as exc:
        return _fail(exc)
    finally:
        if ctl is not None:
            ctl.close()
    return 0 if any(e.kind == "door-relocked" for e in events) else 1


def _cmd_locker_open(args: argparse.Namespace) -> int:
    ctl = None
    try:
        ctl = _controller(args, door=False)
        first = ctl.tick()
        if any(e.kind == "link-lost" for e in first):
            return _fail(ctl.last_error)
        ctl.open_locker(args.number)
        want = args.number

        def done(evs: list[AccessEvent]) -> bool:
            if any(e.kind == "link-lost" for e in evs):
                return True
            if args.wait_closed <= 0:
                return not ctl.busy  # the pulse is over
            return any(e.kind == "locker-closed" and e.locker == want for e in evs)

        events = _run_until(ctl, done, args.wait_closed if args.wait_closed > 0 else ctl.pulse_s + 1)
    except DeviceError as exc:
        return _fail(exc)
    finally:
        if ctl is not None:
            ctl.close()
    if args.wait_closed > 0 and not any(e.kind == "locker-closed" and e.locker == want for e in events):
        print(f"{args.number} 号柜 {args.wait_closed:g} 秒内未关闭 / locker {args.number} not shut within {args.wait_closed:g} s",
              file=sys.stderr)
        return 1
    return 0 if not any(e.kind == "link-lost" for e in events) else 1


def _cmd_locker_status(args: argparse.Namespace) -> int:
    try:
        ctl = _controller(args, door=False)
        events = ctl.tick()
        ctl.close()
    except DeviceError as exc:
        return _fail(exc)
    if any(e.kind == "link-lost" for e in events):
        return _fail(ctl.last_error)
    rows = [{"locker": st.number, "closed": st.closed, "occupied": st.occupied} for st in ctl.lockers]
    if args.json:
        print_json({"lockers": rows})
        return 0
    for r in rows:
        occupied = "" if r["occupied"] is None else ("  有物 occupied" if r["occupied"] else "  空 empty")
        print(f"{r['locker']:>3} 号柜 locker  {'关 shut' if r['closed'] else '开 open'}{occupied}")
    return 0


# --- simulators -----------------------------------------------------------------------------------


def make_simulator(kind: str, args: argparse.Namespace) -> ModemSimulator | AccessSimulator:
    """The ``modem`` or ``access`` simulator for ``devices simulate`` (not started).

    Raises:
        ValueError: a malformed ``--script`` file or ``--listen`` address.
    """
    if kind == "modem":
        from devices.sms.simulator import ModemSimulator

        script = json.loads(Path(args.script).read_text(encoding="utf-8")) if args.script else {}
        if not isinstance(script, dict):
            raise ValueError("the script must be a JSON object: number → {reply, after_s} or null")
        listen = f"pty:{args.pty_link}" if args.pty and args.pty_link else ("pty" if args.pty else args.listen)
        return ModemSimulator(listen, script=script, baud=args.baud or None)
    from devices.access.simulator import AccessSimulator

    listen = args.listen
    if listen.startswith("socket://"):
        listen = "modbus-rtu+socket://" + listen.removeprefix("socket://")
    return AccessSimulator(listen, lockers=args.lockers, auto_close_s=getattr(args, "auto_close", None))


def describe(sim: Any) -> list[str]:
    """Lines ``devices simulate`` prints once a simulator runs: the door's and lockers' URLs."""
    if not hasattr(sim, "lockers_url"):
        return []
    return [f"门禁 door: {sim.door_url}", f"手机柜 lockers: {sim.lockers_url}"]


def register(dsub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``devices sms-send``, ``devices door …`` and ``devices locker …``."""
    p = dsub.add_parser("sms-send", parents=[common], help="send one SMS through the GSM modem 发短信")
    p.add_argument("--device", required=True, metavar="URL", help="/dev/ttyUSB2, socket://127.0.0.1:PORT …")
    p.add_argument("number", help="13904710000 or +8613904710000")
    p.add_argument("text")
    p.add_argument("--baud", type=int, default=115200)
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds for the modem and the send (default 30)")
    p.add_argument("--wait-reply", type=float, default=0.0, metavar="S", help="then wait up to S seconds for a reply")
    p.add_argument("--json", action="store_true", help="one JSON object (numbers unmasked: personal data)")
    p.set_defaults(func=_cmd_sms_send)

    door = dsub.add_parser("door", parents=[common], help="the evaluation area's door relay 门禁")
    door_sub = door.add_subparsers(dest="door_command", metavar="DOOR_COMMAND")
    p = door_sub.add_parser("open", parents=[common], help="release the door for --hold seconds, then relock")
    p.add_argument("--device", required=True, metavar="URL", help="modbus-rtu:///dev/ttyUSB1?unit=1&coil=0 …")
    p.add_argument("--hold", type=float, default=5.0, metavar="S")
    p.set_defaults(func=_cmd_door_open)

    locker = dsub.add_parser("locker", parents=[common], help="the phone lockers 手机柜")
    locker_sub = locker.add_subparsers(dest="locker_command", metavar="LOCKER_COMMAND")
    p = locker_sub.add_parser("open", parents=[common], help="release locker N")
    p.add_argument("--device", required=True, metavar="URL", help="modbus-rtu:///dev/ttyUSB1?unit=2&count=12 …")
    p.add_argument("number", type=int, metavar="N")
    p.add_argument("--wait-closed", type=float, default=0.0, metavar="S", help="wait until it is shut again (exit 1 if not)")
    p.add_argument("--alert", type=float, default=30.0, metavar="S", help="alert when still open after S seconds")
    p.set_defaults(func=_cmd_locker_open)
    p = locker_sub.add_parser("status", parents=[common], help="each locker: shut or open, occupied")
    p.add_argument("--device", required=True, metavar="URL")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_locker_status)
