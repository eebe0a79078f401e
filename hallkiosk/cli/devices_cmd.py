"""``hall-kiosk devices …`` and ``hall-kiosk validate …``: device checks, simulators, number checks.

* ``devices list`` — configured devices, their state, and the serial ports present;
* ``devices read-id --port URL [--timeout S] [--json]`` — wait for an ID card and print it
  (the number masked unless ``--json``, which prints exactly ``IdCard.to_json()``); ``--device`` is
  the same option, and an ``sdk:///…/libtermb.so?port=1001`` URL reads through the vendor SDK
  (docs/devices.md §1.8);
* ``devices scan --port URL [--count N] [--timeout S]`` — print codes from a scanner;
* ``devices print-test --port URL [--preview out.png] [--width 58|80]`` — the printer test slip;
* ``devices simulate KIND [--listen socket://127.0.0.1:PORT | --pty] [--card FILE.json]`` — run a
  simulator (id-reader, scanner, keypads, printer, modem, access) in the foreground until Ctrl-C;
* ``devices sms-send``, ``devices door open``, ``devices locker open|status`` — the evaluation
  area's modem, door and lockers (``hallkiosk/cli/devices_eval.py``);
* ``validate id-number X [--json]`` / ``validate uscc X [--json]`` — exit 0 valid, 1 invalid.

Errors print one line in Chinese and English on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from hallkiosk.cli.common import config_from_args, print_json
from kiosk.pii import mask_id_number, mask_name
from kiosk.ports import DeviceError, IdCard


def _fail(err: DeviceError, code: int = 1) -> int:
    print(f"错误 error [{err.code}]: {err.zh} / {err.en}", file=sys.stderr)
    return code


def _cmd_list(args: argparse.Namespace) -> int:
    from serial.tools import list_ports

    from devices.registry import DeviceRegistry

    cfg = config_from_args(args)
    reg = DeviceRegistry.from_config(cfg.devices)
    statuses = reg.statuses(probe=not args.no_probe, timeout=args.timeout)
    ports = [(p.device, p.description or "") for p in list_ports.comports()]
    if args.json:
        print_json({
            "devices": [
                {"name": s.name, "url": s.url, "state": s.state.value, "detail_zh": s.detail_zh, "detail_en": s.detail_en}
                for s in statuses
            ],
            "serial_ports": [{"device": d, "description": desc} for d, desc in ports],
        })
        return 0
    print("设备 devices:")
    for s in statuses:
        detail = f"{s.detail_zh} / {s.detail_en}" if s.detail_en else ""
        print(f"  {s.name:<10} {s.state.value:<15} {s.url or '-':<32} {detail}")
    print("串口 serial ports present:")
    for device, desc in ports or [("(none 无)", "")]:
        print(f"  {device}  {desc}")
    return 0


def _print_card(card: IdCard) -> None:
    rows = [
        ("证件类型 type", card.card_type),
        ("姓名 name", mask_name(card.name)),
        ("英文名 English name", mask_name(card.name_en) if card.name_en else None),
        ("性别 gender", card.gender),
        ("民族 nation", card.nation),
        ("出生 birth", card.birth_date[:4] + "-**-**" if card.birth_date else None),
        ("号码 number", mask_id_number(card.id_number)),
        ("国籍 nationality", card.nationality),
        ("签发机关 authority", card.authority),
        ("有效期 valid", f"{card.valid_from} – {card.valid_until}"),
        ("照片 photo", f"{len(card.photo)} B WLT" if card.photo else None),
        ("解码照片 decoded photo", f"{len(card.photo_image)} B BMP" if card.photo_image else None),
    ]
    for label, value in rows:
        if value:
            print(f"{label}: {value}")


def _cmd_read_id(args: argparse.Namespace) -> int:
    from devices.idcard.driver import SamIdReader
    from devices.idcard.sdk import SdkIdReader, is_sdk_url

    try:
        reader: SamIdReader | SdkIdReader = (
            SdkIdReader(args.port) if is_sdk_url(args.port)
            else SamIdReader(args.port, baudrate=args.baud, with_fingerprint=args.fingerprint)
        )
        card = reader.read_once(args.timeout)
    except DeviceError as exc:
        return _fail(exc)
    photo_error = getattr(reader, "photo_error", None)
    if photo_error is not None:
        print(f"注意 note [{photo_error.code}]: {photo_error.zh} / {photo_error.en}", file=sys.stderr)
    if args.json:
        print_json(card.to_json())
    else:
        _print_card(card)
    return 0


def _cmd_scan(args: argparse.Namespace) -> int:
    from devices.scanner import LineScanner

    scanner = LineScanner(args.port, baudrate=args.baud, debounce_s=args.debounce)
    try:
        codes = scanner.read_codes(args.count, args.timeout)
    except DeviceError as exc:
        return _fail(exc)
    for code in codes:
        print(code, flush=True)
    if len(codes) < args.count:
        print(f"超时：{args.timeout:g} 秒内收到 {len(codes)}/{args.count} 个码 / timeout: {len(codes)}/{args.count} codes "
              f"in {args.timeout:g} s", file=sys.stderr)
        return 1
    return 0


def _cmd_print_test(args: argparse.Namespace) -> int:
    try:
        from devices.printer.testslip import print_test
    except ImportError as exc:
        return _fail(DeviceError("driver-missing", f"打印机模块不可用：{exc}", f"printer module not available: {exc}"), 2)
    return int(print_test(args.port, args.preview, args.width))


def _load_card(path: str) -> IdCard:
    from devices.idcard.simulator import card_from_json

    return card_from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def _cmd_simulate(args: argparse.Namespace) -> int:
    listen = args.listen
    if args.pty:
        listen = f"pty:{args.pty_link}" if args.pty_link else "pty"
    sim: object
    kind = args.kind
    card_file = None
    if kind == "printer":
        try:
            from devices.printer.simulator import PrinterSimulator
        except ImportError as exc:
            return _fail(DeviceError("driver-missing", f"打印机模拟器不可用：{exc}", f"printer simulator not available: {exc}"), 2)
        host, _, port_text = listen.removeprefix("socket://").rpartition(":") if listen.startswith("socket://") else ("", "", "0")
        sim = PrinterSimulator(host=host or "127.0.0.1", port=int(port_text or 0), pty=args.pty,
                               pty_link=args.pty_link or None, preview_dir=args.preview_dir)
    elif kind == "id-reader":
        from devices.idcard.simulator import IdReaderSimulator, demo_card

        try:
            # with --card-file the reader starts with the file's card (none when it says none), not the demo card
            card = _load_card(args.card) if args.card else None if args.card_file else demo_card()
        except (OSError, ValueError, TypeError) as exc:
            print(f"卡片文件错误 card file error: {exc}", file=sys.stderr)
            return 2
        sim = IdReaderSimulator(listen, card=card, baud=args.baud or None)
        if args.card_file:  # the card follows this file (the demo launcher's card panel writes it)
            from devices.idcard.simulator import CardFile

            card_file = CardFile(args.card_file)
            card_file.apply(sim)
    elif kind in ("modem", "access"):
        from hallkiosk.cli.devices_eval import make_simulator

        try:
            sim = make_simulator(kind, args)
        except (OSError, ValueError) as exc:
            print(f"模拟器参数错误 simulator option error: {exc}", file=sys.stderr)
            return 2
    elif kind == "scanner":
        from devices.scanner import ScannerSimulator

        sim = ScannerSimulator(listen, baud=args.baud or None)
    else:
        from devices.keypads import KeypadSimulator

        sim = KeypadSimulator(listen, baud=args.baud or None)
    stop = threading.Event()
    with sim:
        url = sim.pty_path if kind == "printer" and args.pty else sim.url  # type: ignore[union-attr]  # printer's
        print(f"模拟器运行中 simulator {kind} listening: {url}", flush=True)
        if kind == "access":
            from hallkiosk.cli.devices_eval import describe

            for line in describe(sim):
                print(line, flush=True)
        print("Ctrl-C 结束 / Ctrl-C to stop", flush=True)
        try:
            deadline = time.monotonic() + args.duration if args.duration else None
            while not stop.wait(0.2):
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if card_file is not None:
                    changed, placed = card_file.apply(sim)  # type: ignore[arg-type]
                    if changed:
                        print(f"读卡器上的证件 card on the reader: {mask_name(placed.name) if placed else '—'}", flush=True)
        except KeyboardInterrupt:
            pass
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from devices.validators import validate_id_number, validate_uscc

    result = validate_id_number(args.value) if args.what == "id-number" else validate_uscc(args.value)
    if args.json:
        print_json(result.to_json())
    else:
        print(("有效 valid: " if result.ok else "无效 invalid: ") + result.reason)
    return 0 if result.ok else 1


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``devices …`` and ``validate …``."""
    dev = subparsers.add_parser("devices", parents=[common], help="设备：列表、读证、扫码、打印测试、模拟器 devices")
    dsub = dev.add_subparsers(dest="devices_command", metavar="DEVICES_COMMAND")

    p = dsub.add_parser("list", parents=[common], help="configured devices, their state, serial ports present")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.add_argument("--no-probe", action="store_true", help="do not open ports to check them")
    p.add_argument("--timeout", type=float, default=0.5, help="seconds per probe (default 0.5)")
    p.set_defaults(func=_cmd_list)

    p = dsub.add_parser("read-id", parents=[common], help="wait for an ID card and print it")
    p.add_argument("--port", "--device", dest="port", required=True, metavar="URL",
                   help="/dev/ttyUSB0, COM3, socket://host:port …, or sdk:///path/libtermb.so?port=1001")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait (default 10)")
    p.add_argument("--json", action="store_true", help="print IdCard.to_json() (unmasked: personal data)")
    p.add_argument("--baud", type=int, default=115200)
    p.add_argument("--fingerprint", action="store_true", help="read with 30 10 (text + photo + fingerprint)")
    p.set_defaults(func=_cmd_read_id)

    p = dsub.add_parser("scan", parents=[common], help="print codes read by a QR/barcode scanner")
    p.add_argument("--port", required=True, metavar="URL")
    p.add_argument("--count", type=int, default=1, metavar="N", help="codes to read (default 1)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait (default 30)")
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--debounce", type=float, default=2.0, metavar="S", help="ignore the same code within S seconds")
    p.set_defaults(func=_cmd_scan)

    p = dsub.add_parser("print-test", parents=[common], help="print the test slip")
    p.add_argument("--port", required=True, metavar="URL")
    p.add_argument("--preview", metavar="OUT.png", help="also write a preview image")
    p.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width in mm")
    p.set_defaults(func=_cmd_print_test)

    p = dsub.add_parser("simulate", parents=[common], help="run a device simulator until Ctrl-C")
    p.add_argument("kind", choices=("id-reader", "scanner", "keypads", "printer", "modem", "access"))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--listen", default="socket://127.0.0.1:0", metavar="socket://127.0.0.1:PORT")
    where.add_argument("--pty", action="store_true", help="serve a pseudo-terminal (POSIX)")
    p.add_argument("--pty-link", metavar="PATH", help="stable symlink to the pty")
    p.add_argument("--card", metavar="FILE.json", help="id-reader: the card to present (IdCard.to_json() fields)")
    p.add_argument("--card-file", metavar="FILE.json",
                   help="id-reader: the card on the reader follows this file (absent or {} = no card)")
    p.add_argument("--baud", type=int, default=115200, help="output pacing in bit/s (0 = none)")
    p.add_argument("--preview-dir", metavar="DIR", help="printer: write job previews here")
    p.add_argument("--script", metavar="FILE.json", help='modem: replies per number, {"139…": {"reply": "1", "after_s": 2}}')
    p.add_argument("--lockers", type=int, default=12, help="access: lockers in the bank (default 12)")
    p.add_argument("--auto-close", type=float, metavar="S", help="access: a released locker shuts itself S seconds later")
    p.add_argument("--duration", type=float, default=0.0, help=argparse.SUPPRESS)  # for tests
    p.set_defaults(func=_cmd_simulate)

    from hallkiosk.cli import devices_eval

    devices_eval.register(dsub, common)

    val = subparsers.add_parser("validate", parents=[common], help="校验身份证号码/统一社会信用代码 check numbers")
    vsub = val.add_subparsers(dest="validate_command", metavar="WHAT")
    for what, help_text in (("id-number", "resident ID / permit / 2023 foreigner number"),
                            ("uscc", "unified social credit code 统一社会信用代码")):
        p = vsub.add_parser(what, parents=[common], help=help_text)
        p.add_argument("value")
        p.add_argument("--json", action="store_true", help="one JSON object")
        p.set_defaults(func=_cmd_validate, what=what)
