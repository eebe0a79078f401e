"""``hall-kiosk supervision …``: replay a moment and the witness's record from the shell.

* ``supervision replay --room R --at T [--camera C] [--minutes N] [--json]`` — the segment file and the
  offset that show instant ``T`` in room ``R`` (or, in a gap, the next recording from its start) and the
  room's journal entries ``N`` minutes either side (default 5), the entry the video is at marked ``▶``.
* ``supervision replay --export DIR [--at T] [--json]`` — the same from an exported folder
  (``recording export``), its markers as the entries; no database needed.
* ``supervision notes SESSION [--json]`` — the witness's notes of a session, in journal order.
* ``supervision witness-record SESSION --out FILE.pdf`` — the session's 见证记录 page as a PDF (what a
  record appends), with its SHA-256.

Times: RFC 3339, or ``YYYY-MM-DD HH:MM[:SS]`` in Beijing time. Nothing here changes the hall.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hallkiosk.cli.common import config_from_args, print_json
from hallkiosk.cli.recording_cmd import _time
from kiosk.hall import Hall
from kiosk.supervision import Replay, SupervisionService
from kiosk.supervision import replay as rp
from kiosk.timeutil import beijing_text, rfc3339


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sup = subparsers.add_parser("supervision", help="supervision: replay a moment, the witness's record").add_subparsers(
        dest="sub", metavar="SUB", required=True)
    p = sup.add_parser("replay", parents=[common], help="the recording and the entries of a room at a moment")
    p.add_argument("--room", help="room code (with --at)")
    p.add_argument("--at", type=_time, help="the moment: RFC 3339 or 'YYYY-MM-DD HH:MM[:SS]' Beijing time")
    p.add_argument("--export", type=Path, help="an exported folder (recording export) instead of the hall")
    p.add_argument("--camera", help="camera name (default: the room's first)")
    p.add_argument("--minutes", type=float, default=5.0, help="entries this many minutes either side (default 5)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_replay)
    p = sup.add_parser("notes", parents=[common], help="the witness's notes of a session")
    p.add_argument("session_id", metavar="SESSION")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_notes)
    p = sup.add_parser("witness-record", parents=[common], help="the session's 见证记录 page as a PDF")
    p.add_argument("session_id", metavar="SESSION")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=_witness_record)


def _load(args: argparse.Namespace) -> Replay | None:
    if args.export is not None:
        return SupervisionService.replay_export(args.export, args.at)
    if not args.room or args.at is None:
        print("需要 --room 和 --at，或 --export DIR / give --room and --at, or --export DIR")
        return None
    hall = Hall.open(config_from_args(args))
    try:
        window = args.minutes * 60
        return SupervisionService(hall).replay(args.room, args.at, before_s=window, after_s=window)
    finally:
        hall.close()


def _replay(args: argparse.Namespace) -> int:
    r = _load(args)
    if r is None:
        return 2
    found = rp.locate(r.clips, r.at, args.camera)
    here = rp.cursor(r.moments, r.at)
    doc = {
        "room_code": r.room_code, "at": rfc3339(r.at), "source": r.source, "cameras": list(r.cameras),
        "segment": None if found is None else {
            "camera": found[0].camera, "file": found[0].path, "segment_no": found[0].segment_no,
            "started_at": rfc3339(found[0].started_at), "offset_s": round(found[1], 3),
            "shows": rfc3339(found[0].time_at(found[1])), "gap": found[0].started_at > r.at},
        "entries": [{"seq": m.seq, "at": rfc3339(m.at), "kind": m.kind, "zh": m.zh, "en": m.en, "here": i == here}
                    for i, m in enumerate(r.moments)],
    }
    if args.json:
        print_json(doc)
    else:
        print(f"{r.room_code}  {beijing_text(r.at)}  ({r.source})")
        if found is None:
            print("此时刻之后没有录像 / no recording from this moment")
        else:
            clip, offset = found
            gap = "（此时刻无录像，下一段 / nothing recorded then: the next recording）" if clip.started_at > r.at else ""
            print(f"摄像机 camera {clip.camera} · 第 {clip.segment_no} 段 segment: {clip.path} @ {offset:.1f} s{gap}")
        for i, m in enumerate(r.moments):
            print(f"{'▶' if i == here else ' '} {beijing_text(m.at, '%H:%M:%S')}  {m.zh}")
    return 0 if found is not None else 1


def _notes(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        notes = SupervisionService(hall).notes(args.session_id)
    finally:
        hall.close()
    if args.json:
        print_json([{"seq": n.seq, "at": rfc3339(n.at), "room_code": n.room_code, "step": n.step, "step_zh": n.step_zh,
                     "irregular": n.irregular, "text": n.text, "witness": n.witness} for n in notes])
    else:
        for n in notes:
            mark = "异常 irregular" if n.irregular else "已见证 seen"
            print(f"{beijing_text(n.at, '%m-%d %H:%M:%S')}  {n.step_zh}  {mark}  {n.text}  ({n.witness})")
    return 0


def _witness_record(args: argparse.Namespace) -> int:
    from kiosk.supervision.witness_record import witness_pdf

    hall = Hall.open(config_from_args(args))
    try:
        notes = SupervisionService(hall).notes(args.session_id)
        title = next((x.title for x in hall.sessions_on(notes[0].at.date()) if x.session_id == args.session_id), "") \
            if notes else ""
        site = hall.config.site.name
    finally:
        hall.close()
    data, sha = witness_pdf(notes, session_id=args.session_id, title=title, site=site)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}  {len(notes)} 条见证记录 notes  sha256 {sha}")
    return 0
