"""``hall-kiosk recording …``: the recording catalogue and recorder from the shell.

* ``recording verify DIR [--decode] [--platform-key-file KEY]`` — check an exported clip (manifest,
  SHA-256s, sizes, journal entry hashes, chain per camera); exit 0 intact, 1 naming the first bad file.
  With the platform's public key it also checks, offline, the receipts the export carries
  (``receipts.json``): a file a receipt covers that was replaced and re-chained fails; files no receipt
  covers yet are listed. ``--decode`` also opens every file as a player would (streams, key frame at 0).
  Given a FILE instead (a document exported as a file, ``opening record --out``), it checks the file
  against the journal entry and receipts in ``FILE.receipts.json`` beside it.
* ``recording list [--room R] [--json]`` — segments per room and session, with markers.
* ``recording export --room R --from T --to T --out DIR`` — whole segments covering the range (plain
  MP4, decrypted from the sealed store) plus ``manifest.json`` and ``receipts.json`` (times: RFC 3339,
  or ``YYYY-MM-DD HH:MM[:SS]`` in Beijing time).
* ``recording start|stop --room R --reason … --operator NAME`` — an admin's manual start or stop
  (journalled ``recording.requested``; the room's recorder carries it out and journals
  ``recording.started``/``stopped`` with the reason and operator).
* ``recording microphone on|off --room R --reason … --operator ADMIN`` — sound is recorded by default in
  opening and auction rooms (财政部令第87号 §39); turning it off takes an admin's PIN and a reason, journalled.
* ``recording hold --room R --from T --to T --reason … --operator NAME`` — a dispute hold.
* ``recording retention [--apply --operator ADMIN] [--json]`` — what retention and the quota would delete (or,
  with an admin's PIN on stdin, do it now; the recorder applies the same rules on its own schedule).
* ``recording run [--seconds N] [--start REASON]`` — a dedicated recorder in the foreground:
  recover, record, follow the journal; stops on SIGTERM/SIGINT (or after N seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from hallkiosk.cli.auth import admin
from hallkiosk.cli.common import config_from_args, print_json
from kiosk.hall import Hall
from kiosk.recording import ReasonRequired, Recordings, verify_export
from kiosk.timeutil import BEIJING, beijing, parse_rfc3339, rfc3339


def _time(text: str) -> dt.datetime:
    try:
        return parse_rfc3339(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a time: {text!r} (RFC 3339 or 'YYYY-MM-DD HH:MM[:SS]' Beijing time)")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("recording", parents=[common], help="recordings: verify, list, export, start/stop, run")
    sub = p.add_subparsers(dest="recording_command", metavar="ACTION", required=True)

    v = sub.add_parser("verify", parents=[common],
                       help="check an exported clip folder, or a document file with FILE.receipts.json beside it")
    v.add_argument("dir", metavar="DIR|FILE")
    v.add_argument("--decode", action="store_true", help="also decode every file (slow)")
    v.add_argument("--against-journal", action="store_true",
                   help="also hold each file's entry against this hall's journal and the platform's signed receipts")
    v.add_argument("--platform-key-file", "--platform-key", dest="platform_key", metavar="FILE",
                   help="the platform's public key: check the export's receipts offline (default: [platform] public_key_file)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_verify)

    ls = sub.add_parser("list", parents=[common], help="segments per room and session")
    ls.add_argument("--room")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    ex = sub.add_parser("export", parents=[common], help="export a clip with a manifest")
    ex.add_argument("--room", required=True)
    ex.add_argument("--from", dest="from_", required=True, type=_time)
    ex.add_argument("--to", required=True, type=_time)
    ex.add_argument("--out", required=True)
    ex.add_argument("--camera", action="append", help="only this camera (repeatable)")
    ex.set_defaults(func=cmd_export)

    for action in ("start", "stop"):
        a = sub.add_parser(action, parents=[common], help=f"{action} recording by hand (admins, with a reason)")
        a.add_argument("--room", required=True)
        a.add_argument("--reason", required=True)
        a.add_argument("--operator", required=True, help="an admin's user name; the PIN is read from stdin")
        a.add_argument("--session")
        a.set_defaults(func=cmd_request, action=action)

    m = sub.add_parser("microphone", parents=[common],
                       help="turn a room's microphone off (an admin, with a reason) or back on; on by default")
    m.add_argument("state", choices=("on", "off"))
    m.add_argument("--room", required=True)
    m.add_argument("--reason", default="")
    m.add_argument("--operator", required=True, help="an admin's user name; the PIN is read from stdin")
    m.set_defaults(func=cmd_microphone)

    h = sub.add_parser("hold", parents=[common], help="dispute hold: retention keeps this span")
    h.add_argument("--room", required=True)
    h.add_argument("--from", dest="from_", required=True, type=_time)
    h.add_argument("--to", required=True, type=_time)
    h.add_argument("--reason", required=True)
    h.add_argument("--operator", required=True, help="an admin's user name; the PIN is read from stdin")
    h.add_argument("--session")
    h.set_defaults(func=cmd_hold)

    r = sub.add_parser("retention", parents=[common], help="plan (or --apply) retention and the quota")
    r.add_argument("--apply", action="store_true",
                   help="delete now (an admin's act: --operator, PIN on stdin); the recorder applies it on its own schedule")
    r.add_argument("--operator", help="with --apply: an admin's user name; the PIN is read from stdin")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_retention)

    run = sub.add_parser("run", parents=[common], help="a dedicated recorder in the foreground")
    run.add_argument("--seconds", type=float, default=0.0, help="stop after this long (0 = until a signal)")
    run.add_argument("--start", metavar="REASON", help="start recording at once, with this reason")
    run.set_defaults(func=cmd_run)


def _platform_key(args: argparse.Namespace) -> Any:
    """The platform's public key from ``--platform-key-file`` or the config; None when neither names one."""
    from sync.client import PlatformKeyError, read_public_key

    path = args.platform_key
    if not path:
        try:
            path = config_from_args(args).platform.public_key_file
        except SystemExit:
            path = None
    try:
        return read_public_key(path) if path else None
    except PlatformKeyError as exc:
        print(f"平台公钥不可用 platform key unusable: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_verify(args: argparse.Namespace) -> int:
    key = _platform_key(args)
    if Path(args.dir).is_file():
        return _verify_document(Path(args.dir), key, args.json)
    check = verify_export(Path(args.dir), key)
    decode_problems: list[str] = []
    if args.decode and check.ok:
        from devices.recording import probe

        for f in sorted(Path(args.dir).glob("*.mp4")):
            info = probe(f)
            if not info["first_key"] or not info["frames"]:
                decode_problems.append(f"{f.name}: does not start with a key frame")
    if decode_problems:
        check.fail(decode_problems[0].split(":")[0], "does not start with a key frame")
    anchor = _anchor(args) if args.against_journal and check.ok else None
    ok = check.ok and (anchor is None or anchor.ok)
    if args.json:
        doc: dict[str, Any] = {"ok": ok, "files": check.files, "bad_file": check.bad_file, "problems": check.problems,
                               "receipts": {"checked": check.signed, "covered": check.covered,
                                            "uncovered": check.uncovered, "receipt_seqs": check.receipt_seqs}}
        if anchor is not None:
            doc["journal"] = {"ok": anchor.ok, "matched": anchor.matched, "receipted": anchor.receipted,
                              "receipt_seq": anchor.receipt_seq, "signed": anchor.signed, "problems": anchor.problems}
        print_json(doc)
    elif not check.ok:
        print(f"录像校验失败 FAILED: {check.bad_file}", file=sys.stderr)
        for p in check.problems:
            print(f"  {p}", file=sys.stderr)
    else:
        print(f"录像完整 intact: {check.files} files, hashes and chain verified")
        _print_coverage(check)
        if anchor is not None and anchor.ok:
            signed = "平台签名已验证 signatures verified" if anchor.signed else "未配置平台公钥，仅比对哈希 no platform key: hashes only"
            print(f"与本厅日志一致 matches this hall's journal: {anchor.matched} entries; "
                  f"平台回执覆盖 receipted by the platform: {anchor.receipted}/{check.files} (up to seq {anchor.receipt_seq}; {signed})")
        elif anchor is not None:
            print("与本厅日志或平台回执不符 does NOT match this hall's journal or the platform's receipts:", file=sys.stderr)
            for p in anchor.problems:
                print(f"  {p}", file=sys.stderr)
    return 0 if ok else 1


def _verify_document(path: Path, key: Any, as_json: bool) -> int:
    """A document exported as a file (``opening record --out``) with ``<file>.receipts.json`` beside it."""
    from kiosk import receipts

    beside = path.with_name(path.name + ".receipts.json")
    try:
        doc = json.loads(beside.read_text("utf-8")) if beside.is_file() else None
    except (OSError, ValueError):
        doc = None
    res = receipts.check_document(path.read_bytes(), path.name, doc, key)
    if as_json:
        print_json({"ok": res.ok, "covered": res.covered, "signed": res.signed, "receipt_seq": res.receipt_seq,
                    "problems": res.problems})
    elif not res.ok:
        print(f"文件校验失败 FAILED: {path.name}", file=sys.stderr)
        for p in res.problems:
            print(f"  {p}", file=sys.stderr)
    elif not res.signed:
        print(f"与日志记录一致 matches its journal entry: {path.name}; 未核对平台回执 platform receipts NOT checked "
              "(no platform key: --platform-key-file)")
    elif res.covered:
        print(f"文件完整 intact and covered by the platform's signed receipt (seq {res.receipt_seq}): {path.name}")
    else:
        print(f"与日志记录一致 matches its journal entry, but 尚无回执覆盖 NOT covered by any receipt yet: {path.name}")
    return 0 if res.ok else 1


def _print_coverage(check: Any) -> None:
    if not check.signed:
        print("未核对平台回执 platform receipts NOT checked: no platform key (--platform-key-file); "
              "this proves only that the export agrees with itself")
        return
    print(f"平台回执覆盖 covered by the platform's signed receipts: {len(check.covered)}/{check.files} files"
          + (f" (receipts up to seq {max(check.receipt_seqs)})" if check.receipt_seqs else ""))
    if check.uncovered:
        print(f"尚无回执覆盖 NOT covered by any receipt yet ({len(check.uncovered)} files: their entries came after "
              "the last receipt the export carries; export again once the platform has acknowledged them):")
        for name in check.uncovered:
            print(f"  {name}")


def _anchor(args: argparse.Namespace) -> Any:
    from kiosk.recording.manifest import check_against_journal
    from sync.client import PlatformKeyError, read_public_key

    hall = Hall.open(config_from_args(args))
    try:
        path = args.platform_key or hall.config.platform.public_key_file
        try:
            key = read_public_key(path) if path else None
        except PlatformKeyError as exc:
            print(f"平台公钥不可用 platform key unusable: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        with hall.reading() as s:
            return check_against_journal(Path(args.dir), s, hall.journal.journal_id, key)
    finally:
        hall.close()


def _open(args: argparse.Namespace) -> tuple[Hall, Recordings]:
    hall = Hall.open(config_from_args(args))
    return hall, Recordings(hall)


def cmd_list(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        rooms = [args.room] if args.room else rec.rooms()
        out: list[dict[str, Any]] = []
        for room in rooms:
            for sess in rec.sessions(room):
                segs = [s for s in rec.segments(room, include_deleted=False) if s.session_id == sess.session_id]
                marks = [m for m in rec.markers(room) if m.session_id == sess.session_id]
                out.append({
                    "room_code": room, "session_id": sess.session_id, "title": sess.title,
                    "started_at": rfc3339(sess.started_at), "ended_at": rfc3339(sess.ended_at), "bytes": sess.bytes,
                    "segments": [{"camera": s.camera, "segment_no": s.segment_no, "started_at": rfc3339(s.started_at),
                                  "ended_at": rfc3339(s.ended_at), "bytes": s.bytes, "sha256": s.sha256,
                                  "uploaded": s.uploaded, "journal_seq": s.journal_seq, "path": s.path} for s in segs],
                    "markers": [{"at": rfc3339(m.at), "kind": m.kind, "label": m.label, "source_seq": m.source_seq}
                                for m in marks],
                })
        if args.json:
            print_json(out)
        else:
            for item in out:
                print(f"{item['room_code']}  {item['session_id'] or '（无场次）'}  {item['title']}  "
                      f"{item['started_at'][:19]} → {item['ended_at'][11:19]}  {len(item['segments'])} segments, "
                      f"{item['bytes'] / 1e6:.1f} MB, {len(item['markers'])} markers")
                for m in item["markers"]:
                    print(f"    {m['at'][11:19]}  {m['kind']}  {m['label']}")
        return 0
    finally:
        hall.close()


def cmd_export(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        try:
            res = rec.export_clip(args.room, args.from_, args.to, Path(args.out), cameras=args.camera)
        except LookupError:
            print(f"没有录像 no recording in {args.room} between {beijing(args.from_):%H:%M:%S} and {beijing(args.to):%H:%M:%S}",
                  file=sys.stderr)
            return 1
        except ValueError as exc:  # a stored segment that does not decrypt or does not match its catalogue row
            print(f"导出失败 export failed: {getattr(exc, 'zh', '')} {exc}", file=sys.stderr)
            return 1
        print(f"已导出 exported {res.files} files ({res.bytes / 1e6:.1f} MB), {res.markers} markers → {res.directory}")
        if res.uncovered:
            print(f"其中 {res.uncovered} 个文件尚无平台回执 {res.uncovered} file(s) not yet covered by a platform receipt "
                  "(receipts.json says which; export again after the next sync to cover them)")
        return 0
    finally:
        hall.close()


def cmd_request(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        admin(hall, args.operator, "--operator")  # the admin's PIN from stdin; exits 1 when refused
        try:
            seq = rec.request(args.room, args.action, args.reason, args.operator, args.session)
        except ReasonRequired:
            print(f"{ReasonRequired.zh} {ReasonRequired.en}", file=sys.stderr)
            return 2
        print(f"已请求 requested {args.action} in {args.room} (journal seq {seq})")
        return 0
    finally:
        hall.close()


def cmd_microphone(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        who = admin(hall, args.operator, "--operator")
        try:
            seq = rec.set_microphone(args.room, args.state == "on", args.reason, who.username)
        except ReasonRequired:
            print("关闭麦克风必须填写原因 / turning the microphone off needs a reason", file=sys.stderr)
            return 2
        print(f"已{'开启' if args.state == 'on' else '关闭'}麦克风 microphone {args.state} in {args.room} (journal seq {seq})")
        return 0
    finally:
        hall.close()


def cmd_hold(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        admin(hall, args.operator, "--operator")
        h = rec.add_hold(args.room, args.from_, args.to, args.reason, args.operator, args.session)
        print(f"已保全 hold {h.id}: {args.room} {beijing(h.from_at):%Y-%m-%d %H:%M:%S} → {beijing(h.to_at):%H:%M:%S}")
        return 0
    finally:
        hall.close()


def cmd_retention(args: argparse.Namespace) -> int:
    hall, rec = _open(args)
    try:
        if args.apply:
            admin(hall, args.operator, "--operator")  # deleting recordings by hand: the admin's PIN from stdin, or exit 1
            plan, done = rec.apply_retention()
        else:
            plan, done = rec.plan_retention(), []
        disk = rec.disk()
        alarm = disk.alarm()
        doc = {"delete": list(plan.delete), "deleted": len(done), "total_bytes": plan.total_bytes,
               "bytes_after": plan.bytes_after, "pending_upload_bytes": plan.pending_upload_bytes,
               "held_bytes": plan.held_bytes, "over_quota": plan.over_quota, "free_bytes": disk.free_bytes,
               "alarm": alarm[1] if alarm else None, "by_age": plan.by_age}
        if args.json:
            print_json(doc)
        else:
            print(f"{'deleted' if args.apply else 'would delete'} {len(plan.delete)} segments; "
                  f"{plan.bytes_after / 1e6:.1f} MB after; not uploaded {plan.pending_upload_bytes / 1e6:.1f} MB; "
                  f"held {plan.held_bytes / 1e6:.1f} MB" + (f"\nALARM: {doc['alarm']}" if doc["alarm"] else "")
                  + ("" if plan.by_age else "\n时钟自上次清除以来移动过，未按保留期删除任何录像；核实时钟后用 pii purge --confirm-clock 确认"
                     " / the clock moved since the last purge: nothing deleted for its age; check the clock, then confirm"
                     " with pii purge --confirm-clock"))
        return 3 if plan.over_quota else 0
    finally:
        hall.close()


def cmd_run(args: argparse.Namespace) -> int:
    from hallkiosk.logs import setup_logging
    from hallkiosk.threads import Threads
    from hallkiosk.wiring_recording import RoomRecorder, camera_urls

    cfg = config_from_args(args)
    if not camera_urls(cfg) or not cfg.site.room_code:
        print("配置缺少 [recording] cameras 或 [site] room_code / missing cameras or room_code", file=sys.stderr)
        return 2
    setup_logging(cfg.data_dir)
    hall = Hall.open(cfg)
    hall.register_terminal("recorder")
    threads = Threads()
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    try:
        rec = RoomRecorder.from_config(hall)
        found = rec.recover()
        print(f"recovered: {found}", flush=True)
        for name, loop in rec.loops():
            threads.start(name, loop)
        if args.start:
            rec.start(None, args.start)
        print(f"recording ready in {cfg.site.room_code}", flush=True)
        done.wait(args.seconds or None)
        rec.stop("录像进程退出")
        threads.stop(10.0)
        return 0
    finally:
        hall.close()
