"""``hall-kiosk sync …`` and ``hall-kiosk platform-sandbox``: the platform link from the shell.

* ``sync pull`` — pull every feed once; exit 0 when all are caught up.
* ``sync push`` — push the journal (and files) until caught up; exit 0 only then,
  3 when the alarm is raised, 4 when it gave up (``--give-up-after``; files are retried as
  records are, and the message says how many are still missing).
* ``sync run [--once]`` — the sync loop in the foreground (``--once``: pull, push, files, exit).
* ``sync status [--json]`` — backlog, last delivered seq, dead letters, alarm, feed ages, whether
  the platform's answers verify (``platform_key``), the clock offset and the highest receipted seq.
* ``sync clear-alarm --by ADMIN`` — an administrator (PIN on stdin) has looked at the alarm (the push
  alarm and the clock alarm); pushing may go on. Journalled (``sync.alarm_cleared``).
* ``platform-sandbox`` — run the sandbox platform until Ctrl-C (``--public-key-file`` writes its key).

Platform options (``--platform-url``, ``--journal-id``, ``--secret-file``, ``--platform-key-file``)
override the config. With a platform key every answer must carry a valid platform signature
(docs/platform-api.md §7.5); without one the client works as v1 and ``sync status`` says so.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from hallkiosk.cli.common import config_from_args, print_json
from kiosk import feed_dead_letters, feeds
from kiosk.clock import PlatformClock
from kiosk.config import Config
from kiosk.db.engine import make_engine, read_only_session, session_factory
from kiosk.db.migrate import upgrade
from kiosk.journal import ensure_head
from kiosk.keys import open_vault
from kiosk.pii import PiiVault
from kiosk.timeutil import utcnow

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_ALARM = 3
EXIT_GAVE_UP = 4


@dataclass
class SyncTarget:
    """What the sync commands work on, built from the configuration (not the core's ``Hall``)."""

    cfg: Config
    engine: Engine
    vault: PiiVault
    url: str
    journal_id: str
    secret_file: str
    timeout: float
    key_file: str = ""  #: the platform's public key ("" = none: answers are not verified)


def _platform_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("platform")
    g.add_argument("--platform-url", metavar="URL", help="platform base URL (overrides [platform] url)")
    g.add_argument("--journal-id", metavar="ID", help="journal id (overrides [platform] journal_id)")
    g.add_argument("--secret-file", metavar="FILE", help="base64 journal secret (overrides [platform] secret_file)")
    g.add_argument("--timeout", type=float, metavar="S", help="seconds per read (overrides the config)")
    g.add_argument("--platform-key-file", metavar="FILE",
                   help="the platform's Ed25519 public key, base64 (overrides [platform] public_key_file)")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``sync …`` and ``platform-sandbox`` to the CLI."""
    sync = subparsers.add_parser("sync", help="sync with the central platform (pull feeds, push the journal)")
    sub = sync.add_subparsers(dest="sync_command", metavar="SYNC_COMMAND")

    p = sub.add_parser("pull", parents=[common], help="pull every feed once")
    _platform_options(p)
    p.set_defaults(func=cmd_pull)

    p = sub.add_parser("push", parents=[common], help="push the journal and files until caught up")
    _platform_options(p)
    p.add_argument("--give-up-after", type=float, default=120.0, metavar="S",
                   help="stop retrying after S seconds of failures (default 120)")
    p.add_argument("--no-blobs", action="store_true", help="records only, no files")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("run", parents=[common], help="the sync loop in the foreground")
    _platform_options(p)
    p.add_argument("--once", action="store_true", help="pull, push until caught up, upload files, exit")
    p.add_argument("--pull-interval", type=float, default=60.0, metavar="S")
    p.add_argument("--give-up-after", type=float, default=120.0, metavar="S", help="with --once")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", parents=[common], help="backlog, alarm, dead letters, feed ages")
    _platform_options(p)
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("clear-alarm", parents=[common], help="clear the push alarm after checking the journal")
    _platform_options(p)
    p.add_argument("--by", metavar="ADMIN", help="the admin who clears it; their PIN is read from stdin's first line")
    p.set_defaults(func=cmd_clear_alarm)

    p = subparsers.add_parser("platform-sandbox", parents=[common],
                              help="run the sandbox platform (demo, training, tests) until Ctrl-C")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 = any free port")
    p.add_argument("--seed", default="demo", choices=["demo", "none"])
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the demo's business day (default: today, Beijing)")
    p.add_argument("--journal-id", default="NM-HHHT-HALL1", metavar="ID", help="journal to provision")
    p.add_argument("--secret-file", metavar="FILE", help="where to write (or read) its base64 secret")
    p.add_argument("--public-key-file", metavar="FILE", help="where to write its Ed25519 public key (base64)")
    p.add_argument("--faults", metavar="JSON", help='initial faults, e.g. \'{"error_rate": 0.3}\'')
    p.set_defaults(func=cmd_sandbox)


# --- building -------------------------------------------------------------------------------


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def open_target(args: argparse.Namespace, *, need_platform: bool = True) -> SyncTarget:
    """Database (migrated), journal head, vault and platform settings from config and options."""
    cfg = config_from_args(args)
    url = args.platform_url or cfg.platform.url
    journal_id = args.journal_id or cfg.platform.journal_id
    secret_file = args.secret_file or cfg.platform.secret_file
    if need_platform and not (url and journal_id and secret_file):
        _err("同步配置不全 sync not configured: need --platform-url, --journal-id and --secret-file "
             "(or [platform] url, journal_id, secret_file)")
        raise SystemExit(EXIT_CONFIG)
    if not journal_id:
        _err("no journal id: --journal-id or [platform] journal_id")
        raise SystemExit(EXIT_CONFIG)
    engine = make_engine(cfg.database_url)
    upgrade(engine, data_dir=cfg.data_dir)
    with session_factory(engine)() as s, s.begin():
        ensure_head(s, journal_id)
    vault = open_vault(cfg, engine)  # the hall's data key (kiosk.keys), as Hall.open takes it
    timeout = args.timeout if getattr(args, "timeout", None) else cfg.platform.timeout_seconds
    key_file = getattr(args, "platform_key_file", None) or cfg.platform.public_key_file
    return SyncTarget(cfg, engine, vault, url, journal_id, secret_file, timeout, key_file)


def read_secret(path: str) -> bytes:
    """The journal secret from its base64 file."""
    try:
        return base64.b64decode(Path(path).read_bytes().strip(), validate=True)
    except FileNotFoundError:
        _err(f"secret file {path} does not exist")
        raise SystemExit(EXIT_CONFIG) from None
    except ValueError:
        _err(f"secret file {path} is not base64")
        raise SystemExit(EXIT_CONFIG) from None


@contextlib.contextmanager
def platform_client(hall: SyncTarget) -> Iterator[Any]:
    """A client for the hall's platform, closed afterwards."""
    from kiosk.journal import Journal
    from sync.client import InsecurePlatformURL, PlatformKeyError, client_from_config
    from sync.trust import TrustRecorder, restore_offset

    try:
        client = client_from_config(hall.cfg.platform, hall.journal_id, read_secret(hall.secret_file), PlatformClock(),
                                    url=hall.url, key_file=hall.key_file, timeout=hall.timeout)
    except (InsecurePlatformURL, PlatformKeyError) as exc:
        _err(str(exc))
        raise SystemExit(EXIT_CONFIG) from None
    restore_offset(hall.engine, client)
    recorder = TrustRecorder(hall.engine, client, Journal(hall.journal_id, hall.cfg.site.terminal_id, client.clock))
    try:
        yield client
    finally:
        try:
            alarm = recorder.record()
            if alarm is not None:
                _err(f"时钟告警 clock alarm: {alarm.message()}")
        finally:
            client.close()


# --- commands -------------------------------------------------------------------------------


def cmd_pull(args: argparse.Namespace) -> int:
    """``sync pull``."""
    from sync.pull import Puller

    hall = open_target(args)
    try:
        with platform_client(hall) as client:
            report = Puller(hall.engine, client, hall.vault).pull_all()
        for feed, r in report.feeds.items():
            state = f"error: {r.error}" if r.error else f"{r.items} items in {r.pages} page(s)" + (
                " (full listing)" if r.relisted else "") + (f", {r.dead_lettered} dead-lettered" if r.dead_lettered else "")
            print(f"{feed}: {state}")
        if not report.ok:
            _err("拉取未完成 pull incomplete: " + "; ".join(f"{f}: {e}" for f, e in report.errors.items()))
            return EXIT_FAILED
        return EXIT_OK
    finally:
        hall.engine.dispose()


def _still_missing(n: int) -> str:
    return f"仍有 {n} 个文件未上传 {n} file(s) still missing"


def _push(hall: SyncTarget, client: Any, give_up_after: float, blobs: bool, stop: threading.Event | None, *,
          sleep: Callable[[float], Any] = time.sleep, clock: Callable[[], float] = time.monotonic) -> int:
    from sync.blobs import BlobUploader
    from sync.errors import PlatformError
    from sync.push import Outcome, Pusher

    pusher = Pusher(hall.engine, client, hall.journal_id, sleep=sleep, clock=clock)
    step = pusher.push_until_caught_up(stop, give_up_after_s=give_up_after)
    if step.outcome is Outcome.ALARM:
        _err(f"推送已停止 push stopped (alarm): {step.error}")
        return EXIT_ALARM
    if step.outcome is not Outcome.CAUGHT_UP:
        _err(f"推送未完成 push gave up at seq {step.last_delivered_seq}: {step.error}")
        return EXIT_GAVE_UP
    print(f"journal delivered up to seq {step.last_delivered_seq} ({step.delivered} now)")
    if blobs:
        uploader = BlobUploader(hall.engine, client, hall.vault, data_dir=hall.cfg.data_dir, sleep=sleep, clock=clock)
        try:
            report = uploader.reconcile(stop, give_up_after_s=give_up_after)
        except PlatformError as exc:
            _err(f"文件上传未完成 file upload incomplete: {exc}; {_still_missing(uploader.count_pending())}")
            return EXIT_GAVE_UP
        print(f"files: {report.uploaded} uploaded, {report.present} already there")
        if report.failed or report.missing_here:
            _err(f"files not uploadable: {len(report.failed)}; wanted but absent here: {len(report.missing_here)}")
        if report.gave_up or report.retrying:
            _err(f"文件上传未完成 file upload incomplete: {_still_missing(report.still_missing)} "
                 f"(last error: {report.error})")
            return EXIT_GAVE_UP
        if report.failed or report.missing_here:
            return EXIT_FAILED
    return EXIT_OK


def cmd_push(args: argparse.Namespace, *, sleep: Callable[[float], Any] = time.sleep,
             clock: Callable[[], float] = time.monotonic) -> int:
    """``sync push`` (``sleep`` and ``clock`` time the retries; tests inject fast ones)."""
    hall = open_target(args)
    try:
        with platform_client(hall) as client:
            return _push(hall, client, args.give_up_after, not args.no_blobs, None, sleep=sleep, clock=clock)
    finally:
        hall.engine.dispose()


def cmd_run(args: argparse.Namespace) -> int:
    """``sync run``."""
    from sync.pull import Puller
    from sync.worker import SyncWorker

    hall = open_target(args)
    try:
        with platform_client(hall) as client:
            if args.once:
                report = Puller(hall.engine, client, hall.vault).pull_all()
                code = _push(hall, client, args.give_up_after, True, None)
                if not report.ok:
                    _err("拉取未完成 pull incomplete: " + "; ".join(f"{f}: {e}" for f, e in report.errors.items()))
                    return code or EXIT_FAILED
                return code
            stop = threading.Event()
            previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
            worker = SyncWorker(hall.engine, client, hall.vault, hall.journal_id, pull_interval_s=args.pull_interval,
                                data_dir=hall.cfg.data_dir)
            try:
                worker.run(stop)
            except KeyboardInterrupt:
                stop.set()
            finally:
                signal.signal(signal.SIGTERM, previous)
            return EXIT_OK
    finally:
        hall.engine.dispose()


def status_document(hall: SyncTarget) -> dict[str, Any]:
    """The ``sync status --json`` document."""
    from kiosk import receipts
    from sync import trust
    from sync.push import backlog

    now = utcnow()
    with read_only_session(hall.engine) as s:
        b = backlog(s, hall.journal_id, now)
        t = trust.read(s, hall.journal_id, key_configured=bool(hall.key_file))
        receipt_seq = receipts.latest_seq(s, hall.journal_id)
        ages = feeds.feed_ages(s, now)
        counts = feeds.feed_counts(s)
        dead = feed_dead_letters.open_counts(s)
        relists = {}
        from kiosk.db.models import FeedState

        for feed in feeds.FEEDS:
            st = s.get(FeedState, feed)
            relists[feed] = st.relists if st else 0
    return {
        "journal_id": hall.journal_id,
        "head_seq": b.head_seq,
        "backlog": b.backlog,
        "last_delivered_seq": b.last_delivered_seq,
        "oldest_undelivered_age_s": b.oldest_undelivered_age_s,
        "dead_letters": b.dead_letters,
        "alarm": b.alarm,
        "last_error": b.last_error,
        "feed_dead_letters": sum(dead.values()),
        "feeds": {f: {"count": counts[f], "age_s": ages[f], "relists": relists[f], "dead_letters": dead.get(f, 0)}
                  for f in feeds.FEEDS},
        "clock_offset_s": round(t.clock_offset_s, 3),
        "clock_alarm": t.clock_alarm,
        "platform_key": t.key_state,
        "platform_key_error": t.key_error,
        "receipt_seq": receipt_seq,
    }


KEY_STATE_TEXT = {
    "verified": "平台签名已校验 platform signatures verified",
    "absent": "未配置平台公钥，应答未校验 no platform key configured: answers are not verified (v1)",
    "failing": "平台应答签名校验失败 platform answers FAIL verification",
}


def cmd_status(args: argparse.Namespace) -> int:
    """``sync status``."""
    hall = open_target(args, need_platform=False)
    try:
        doc = status_document(hall)
    finally:
        hall.engine.dispose()
    if args.json:
        print_json(doc)
        return EXIT_OK
    print(f"journal {doc['journal_id']}: head {doc['head_seq']}, delivered {doc['last_delivered_seq']}, "
          f"backlog {doc['backlog']}, dead letters {doc['dead_letters']}")
    if doc["feed_dead_letters"]:
        print(f"未应用的平台数据 feed items not applied (dead letters): {doc['feed_dead_letters']} "
              "(管理界面“平台同步” the admin console's sync tab lists them)")
    if doc["alarm"]:
        print(f"ALARM 告警: {doc['alarm']}")
    elif doc["last_error"]:
        print(f"last error: {doc['last_error']}")
    key = KEY_STATE_TEXT[doc["platform_key"]]
    print(f"{key}" + (f": {doc['platform_key_error']}" if doc["platform_key_error"] else ""))
    receipted = "none" if doc["receipt_seq"] is None else f"up to seq {doc['receipt_seq']}"
    print(f"clock offset {doc['clock_offset_s']:+.1f} s; receipts 平台回执 {receipted}")
    if doc["clock_alarm"]:
        print(f"CLOCK ALARM 时钟告警: {doc['clock_alarm']}")
    for feed, f in doc["feeds"].items():
        age = "never" if f["age_s"] is None else f"{f['age_s']:.0f} s ago"
        bad = f", {f['dead_letters']} dead letter(s)" if f["dead_letters"] else ""
        print(f"  {feed:14s} {f['count']:6d} records, synced {age}{bad}")
    return EXIT_OK


def cmd_clear_alarm(args: argparse.Namespace) -> int:
    """``sync clear-alarm --by ADMIN``: an administrator's act (their PIN on stdin), journalled
    (``sync.alarm_cleared``: who, and the alarms cleared) in the transaction that clears them."""
    from hallkiosk.cli.auth import admin
    from kiosk.hall import Hall
    from sync.push import clear_alarm_in
    from sync.trust import clear_clock_alarm_in

    hall = Hall.open(config_from_args(args))
    try:
        by = admin(hall, args.by)  # exits 1 with the reason, before anything is cleared
        journal_id = args.journal_id or hall.journal.journal_id
        with hall.unit() as s:
            old = clear_alarm_in(s, journal_id)
            old_clock = clear_clock_alarm_in(s, journal_id)
            if old or old_clock:
                hall.journal.append(s, "sync.alarm_cleared", {
                    "by": by.username, "alarm": (old or "")[:500], "clock_alarm": (old_clock or "")[:500]})
    finally:
        hall.close()
    print(f"alarm cleared: {old}" if old else "no alarm was set")
    if old_clock:
        print(f"clock alarm cleared: {old_clock}")
    return EXIT_OK


def verify_receipts(cfg: Config, engine: Engine, journal_id: str, key_file: str | None) -> Any:
    """``journal verify``'s receipt part: every stored receipt against the key and the journal.

    Returns a :class:`kiosk.receipts.ReceiptCheck`. Exits 2 when the key file is unusable.
    """
    from kiosk import receipts
    from sync.client import PlatformKeyError, read_public_key

    path = key_file or cfg.platform.public_key_file
    try:
        key = read_public_key(path) if path else None
    except PlatformKeyError as exc:
        _err(str(exc))
        raise SystemExit(EXIT_CONFIG) from None
    with read_only_session(engine) as s:
        return receipts.check(s, journal_id, key)


def cmd_sandbox(args: argparse.Namespace) -> int:
    """``platform-sandbox``."""
    from sync.sandbox.server import ADMIN_TOKEN_FILE, SandboxServer

    cfg = config_from_args(args)
    data_dir = Path(args.data_dir) if args.data_dir else cfg.data_dir / "sandbox"
    faults = json.loads(args.faults) if args.faults else None
    today = dt.date.fromisoformat(args.today) if args.today else None
    server = SandboxServer(data_dir, host=args.host, port=args.port, seed=args.seed, today=today, faults=faults)
    secret_file = args.secret_file or str(data_dir / f"{args.journal_id}.secret")
    server.provision(args.journal_id, secret_file=secret_file)
    key_file = server.write_public_key(args.public_key_file or data_dir / "platform.pub")
    server.bind()
    print_json({"url": server.url, "journal_id": args.journal_id, "secret_file": secret_file,
                "public_key_file": str(key_file),
                "admin": f"http://{server.host}:{server.port}/_sandbox/faults",
                "admin_token_file": str(data_dir / ADMIN_TOKEN_FILE)})  # send its token as X-Sandbox-Token
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return EXIT_OK
