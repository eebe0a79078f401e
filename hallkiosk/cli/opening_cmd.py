"""``hall-kiosk opening``: an opening's state and its record, for scripts and the archive.

    hall-kiosk opening list [--json]                       today's openings and their stages
    hall-kiosk opening status --session S-20261127-001 [--json]
    hall-kiosk opening record --session S-… --out record.pdf   (the 开标记录表 as it stands;
                                                               the signed one when closed, with
                                                               record.pdf.receipts.json beside it:
                                                               hall-kiosk recording verify record.pdf
                                                               --platform-key-file KEY checks it offline)

Exit codes: 0 done, 2 no such opening / bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hallkiosk.cli.common import config_from_args, print_json
from kiosk import receipts
from kiosk.hall import Hall
from kiosk.opening import STAGE_ZH, OpeningError, OpeningService
from kiosk.timeutil import beijing, rfc3339


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    op = subparsers.add_parser("opening", help="bid openings (开标)").add_subparsers(dest="sub", metavar="SUB")
    p = op.add_parser("list", parents=[common], help="today's openings and their stages")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_list)
    p = op.add_parser("status", parents=[common], help="one opening: stage, bidders, decryption, objections")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_status)
    p = op.add_parser("record", parents=[common], help="write the 开标记录表 PDF")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--out", required=True, type=Path)
    p.set_defaults(func=_record)


def _list(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        svc = OpeningService(hall)
        rows: list[dict[str, Any]] = []
        for s in svc.openings_today():
            v = svc.view(s.session_id)
            rows.append({"session_id": s.session_id, "starts_at": rfc3339(s.starts_at), "room": s.room_name,
                         "title": s.title, "stage": v.stage, "outcome": v.outcome})
    finally:
        hall.close()
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['session_id']}  {r['starts_at'][11:16]}  {r['room']}  {STAGE_ZH.get(r['stage'], r['stage'])}  {r['title']}")
    return 0


def _status(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        v = OpeningService(hall).view(args.session)
    except OpeningError as exc:
        print(f"{exc.zh} {exc.en}", file=sys.stderr)
        return 2
    finally:
        hall.close()
    bidders = [{"order": b.order, "registration_id": b.registration_id, "name": b.name, "attendance": b.attendance,
                "absent_reason": b.absent_reason, "decrypt_status": b.decrypt_status, "price": b.price if b.read else None,
                "capitals": b.capitals if b.read else None, "confirmation": b.confirmation,
                "ca_serial": b.ca_serial or None, "confirmation_source": b.confirmation_source or None} for b in v.bidders]
    doc = {
        "session_id": v.session_id, "title": v.title, "room": v.room_name, "starts_at": rfc3339(v.starts_at),
        "stage": v.stage, "paused": v.paused, "pause_reason": v.pause_reason, "outcome": v.outcome, "quorum": v.quorum,
        "valid": v.valid_count, "decrypt_progress": list(v.decrypt_progress), "reading_index": v.reading_index,
        "durations": v.durations, "record_sha256": v.record_sha256,
        "bidders": bidders,
        "late": [b["registration_id"] for b in v.late],
        "objections": [{"no": o.no, "by": o.by, "content": o.content, "answer": o.answer, "source": o.source}
                       for o in v.objections],
        # 不见面开标 (issue 19): how the bidders attend, and how fresh the platform's online events are
        "remote": v.remote, "attendance_counts": v.attendance_counts,
        "remote_synced_at": rfc3339(v.remote_synced_at) if v.remote_synced_at else None,
    }
    if args.json:
        print_json(doc)
    else:
        print(f"{v.title}  {beijing(v.starts_at):%Y-%m-%d %H:%M}  {v.stage_zh}{'（暂停）' if v.paused else ''}")
        if v.remote:
            c = v.attendance_counts
            age = f"{int(v.remote_age_s)} 秒前" if v.remote_age_s is not None else "从未"
            print(f"不见面开标：现场 {c['present']} · 在线 {c['online']} · 未到 {c['absent']}；在线事件同步于 {age}")
        for b in bidders:
            print(f"{b['order']:>2} {b['name']}  {b['attendance']}  {b['decrypt_status'] or '-'}  {b['price'] or ''}")
    return 0


def _record(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        svc = OpeningService(hall)
        v = svc.view(args.session)
        signed = None
        if v.record_sha256:
            signed = next((hall.config.data_dir / "opening").glob(f"{v.session_id}-{v.record_sha256[:12]}.pdf"), None)
        carried = None
        if signed is not None:
            data, sha = signed.read_bytes(), v.record_sha256
            with hall.reading() as s:  # the platform's receipts that cover it, for an offline check (issue 20)
                carried = receipts.document_bundle(s, hall.journal.journal_id, str(sha), args.out.name)
        else:
            data, sha = svc.record_pdf(args.session)
    except OpeningError as exc:
        print(f"{exc.zh} {exc.en}", file=sys.stderr)
        return 2
    finally:
        hall.close()
    args.out.write_bytes(data)
    print(f"{args.out}  sha256 {sha}  {'signed' if signed else 'draft (not signed)'}")
    if carried is not None:
        beside = args.out.with_name(args.out.name + ".receipts.json")
        beside.write_text(json.dumps(carried, ensure_ascii=False, indent=1), "utf-8")
        note = "尚无平台回执覆盖 not yet covered by a platform receipt" if carried["uncovered_seqs"] else "平台回执 receipts"
        print(f"{beside}  ({note}; check: hall-kiosk recording verify {args.out} --platform-key-file KEY)")
    return 0
