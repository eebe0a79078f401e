"""The demo hall: seed a day into a data dir, then open the launcher — or tour it headless.

Seeding goes through the same path as a real pull (``kiosk.feeds.apply_page`` with the sandbox
platform's ``demo_day`` records), so the demo shows exactly what a hall shows after its first sync.
The headless tour builds every role's window offscreen, logs operators in through the real login
panel, and writes PNG screenshots (1920×1080 and 1080×1920) and a report into ``--out``.
Demo operators and PINs are in ``DEMO_OPERATORS`` (and the README); never use them in a hall.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hallkiosk.failures import (
    EXIT_DAMAGED,
    EXIT_INTERNAL,
    EXIT_PORT,
    Failure,
    check_database,
    ctrl_c_stops,
    damaged_failure,
    ensure_writable_dir,
    explain,
    secure_files,
    stop_if_interrupted,
)
from hallkiosk.logs import setup_logging
from kiosk.config import ROLES, Config, DevicesConfig, load_config
from kiosk.db.models import PfSession, Room
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import FEED_KEY, demo_day
from ui.theme import LANDSCAPE, PORTRAIT

log = logging.getLogger(__name__)

#: username, display name, role, PIN — demo only
DEMO_OPERATORS = (
    ("admin", "系统管理员", "admin", "123456"),
    ("host", "王主持", "host", "111111"),
    ("auctioneer", "李拍卖", "auctioneer", "222222"),
    ("clerk", "赵窗口", "clerk", "333333"),
    ("supervisor", "孙监督", "supervisor", "444444"),
)
LOGIN_AS = {"admin": "admin", "host": "host", "auctioneer": "auctioneer", "counter": "clerk", "extraction": "clerk"}
ROOMS = (("KB-03", "第三开标室", "opening"), ("KB-01", "第一开标室", "opening"), ("PM-01", "拍卖大厅", "auction"), ("FW-01", "交易服务大厅", "service"))


def seed_demo(cfg: Config, *, today: dt.date | None = None) -> dict[str, int]:
    """Seed rooms, the demo day's feeds and the demo operators into ``cfg``'s database (once).

    ``today``: the demo day (default: today on the hall clock, Beijing time); the tests pin it for a
    whole run, so a run that crosses midnight in Beijing (16:00 UTC) seeds the day its modules expect.
    """
    hall = Hall.open(cfg)
    counts: dict[str, int] = {}
    try:
        with hall.unit() as s:
            if (s.scalar(select(func.count()).select_from(PfSession)) or 0) == 0:
                for code, name, kind in ROOMS:
                    if s.get(Room, code) is None:
                        s.add(Room(code=code, name=name, kind=kind))
                today = today or hall.clock.now().astimezone(BEIJING).date()
                day = demo_day(today)
                now = hall.clock.now()
                for feed in ("sessions", "registrations", "blacklist", "experts", "evaluations"):
                    items = [
                        {"op": "upsert", "key": rec[FEED_KEY[feed]], "version": i + 1, "data": rec}
                        for i, rec in enumerate(day[feed])
                    ]
                    # No cursor: a real pull later lists every feed from the beginning.
                    counts[feed] = apply_page(s, feed, items, None, rfc3339(now), hall.vault, caught_up=True, now=now)
        from hallkiosk.wiring_queue import seed_demo_queue

        seed_demo_queue(hall)  # services A–D and counters 1–4, once
        existing = {o.username for o in hall.list_operators()}
        with hall.unit() as s:
            for username, name, role, pin in DEMO_OPERATORS:
                if username not in existing:
                    hall.operators.add(s, username, name, role, pin, by="demo")
    finally:
        hall.close()
    return counts


DEMO_JOURNAL = "NM-HHHT-DEMO"
SIMULATORS = (("id_reader", "id-reader"), ("printer", "printer"), ("scanner", "scanner"), ("keypads", "keypads"))
#: The evaluation area's modem replies (docs/devices.md §10.5): every invited expert accepts after 2 s
#: unless the tour's script names their number ("2" declines, null never answers).
DEMO_SMS_SCRIPT: dict[str, Any] = {"*": {"reply": "1", "after_s": 2}}
EVALUATION_DEVICE_KEYS = ("modem", "door", "lockers")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise _ExitedAtStart(proc.returncode)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"demo {what} did not listen on port {port} within {timeout:.0f} s")


def _die_with_parent() -> None:
    """In a demo service's child process: end it (SIGTERM) when the demo dies, even by SIGKILL.

    Without this, a demo killed hard leaves its sandbox and simulators running on their ports.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


class _ExitedAtStart(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"exited at start (code {code})")
        self.code = code


def _start_on_free_port(args: Callable[[int], list[str]], what: str, procs: list[subprocess.Popen[bytes]]) -> int:
    """Start a demo service on a free port; another port if the one picked was taken meanwhile.

    The child says why it stopped on the terminal itself (``hall-kiosk`` prints plain lines).

    Raises:
        Failure: it would not start; the child's own exit code when it is one of
            :mod:`hallkiosk.failures`' causes.
    """
    code = EXIT_INTERNAL
    for _ in range(3):
        port = _free_port()
        procs.append(subprocess.Popen(args(port), stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent))
        try:
            _wait_port(port, procs[-1], what)
            return port
        except _ExitedAtStart as exc:
            code = exc.code
            if code != EXIT_PORT:  # only a port taken between picking and binding is worth another try
                break
    raise Failure(
        code if 10 <= code < 20 else EXIT_INTERNAL,
        f"演示的{what}没有启动（退出码 {code}），原因见上方。",
        f"the demo's {what} did not start (exit code {code}): the lines above say why.",
    )


def _evaluation_simulators(hk: list[str], data: Path, procs: list[subprocess.Popen[bytes]]) -> dict[str, str]:
    """Start the modem and door/locker simulators; their ``[devices]`` URLs (none before the keys exist)."""
    if not set(EVALUATION_DEVICE_KEYS) <= {f.name for f in dataclasses.fields(DevicesConfig)}:
        return {}
    script = data / "sms-script.json"
    script.write_text(json.dumps(DEMO_SMS_SCRIPT), encoding="utf-8")
    modem = _start_on_free_port(
        lambda p: [*hk, "devices", "simulate", "modem", "--listen", f"socket://127.0.0.1:{p}", "--script", str(script)],
        "modem 模拟器 simulator", procs)
    access = _start_on_free_port(
        lambda p: [*hk, "devices", "simulate", "access", "--listen", f"socket://127.0.0.1:{p}", "--lockers", "12"],
        "access 模拟器 simulator", procs)
    line = f"modbus-rtu+socket://127.0.0.1:{access}"
    return {
        "modem": f"socket://127.0.0.1:{modem}",
        "door": f"{line}?unit=1&coil=0&baud=115200",
        "lockers": f"{line}?unit=2&count=12&coil=0&closed=0&occupied=100&baud=115200",
    }


@contextlib.contextmanager
def demo_services(cfg: Config, out: Path) -> Iterator[Config]:
    """Run the sandbox platform and the device simulators as separate processes.

    Yields the configuration of a terminal of this demo hall: the platform URL, journal, secret and
    public key (so the hall verifies the sandbox's signed answers), and the simulators' ``socket://``
    URLs (also written to ``<data_dir>/demo.toml`` so every process the launcher starts uses the
    same). The processes are ended on exit.
    """
    data = cfg.data_dir
    data.mkdir(parents=True, exist_ok=True)
    hk = [sys.executable, "-m", "hallkiosk"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        secret = data / "journal.secret"
        # The sandbox writes its Ed25519 public key before it listens: the hall verifies its answers.
        public_key = data / "platform.pub"
        port = _start_on_free_port(
            lambda port: [*hk, "platform-sandbox", "--port", str(port), "--seed", "demo", "--data-dir", str(data / "platform"),
                          "--journal-id", DEMO_JOURNAL, "--secret-file", str(secret), "--public-key-file", str(public_key),
                          # the remote opening's online bidders act as the hall's records arrive (不见面开标, issue 19)
                          "--faults", '{"online_bidders": true}'],
            "沙箱平台 sandbox platform", procs,
        )
        urls = {"platform": f"http://127.0.0.1:{port}/hall-api/v1"}
        for key, kind in SIMULATORS:
            extra = ["--preview-dir", str(out / "printed")] if kind == "printer" else []

            def simulator(p: int, kind: str = kind, extra: list[str] = extra) -> list[str]:
                return [*hk, "devices", "simulate", kind, "--listen", f"socket://127.0.0.1:{p}", *extra]

            p = _start_on_free_port(simulator, f"{kind} 模拟器 simulator", procs)
            urls[key] = f"socket://127.0.0.1:{p}"
        evaluation = _evaluation_simulators(hk, data, procs)  # once [devices] declares their keys
        toml = data / "demo.toml"
        toml.write_text(
            "# Written by `hall-kiosk demo`: the demo hall's platform sandbox and device simulators.\n"
            f'data_dir = "{data}"\n[site]\nterminal_id = "DEMO-01"\n'
            f'[platform]\nurl = "{urls["platform"]}"\njournal_id = "{DEMO_JOURNAL}"\nsecret_file = "{secret}"\n'
            f'public_key_file = "{public_key}"\n'
            f'[devices]\nid_reader = "{urls["id_reader"]}"\nprinter = "{urls["printer"]}"\n'
            f'scanner = "{urls["scanner"]}"\nkeypads = "{urls["keypads"]}"\n'
            + "".join(f'{key} = "{url}"\n' for key, url in evaluation.items()),
            encoding="utf-8",
        )
        yield load_config(toml, db_url=cfg.database.url or None)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def has_display() -> bool:
    """Whether a window can be shown: not offscreen and, on Linux, an X or Wayland display that answers.

    A ``DISPLAY`` left over from a closed session (no X server behind it) counts as none: Qt would
    abort at start instead of showing anything.
    """
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if not sys.platform.startswith("linux"):
        return True
    wayland = os.environ.get("WAYLAND_DISPLAY", "")
    if wayland:
        runtime = Path(os.environ.get("XDG_RUNTIME_DIR", f"/run/user/{os.getuid()}"))
        if (Path(wayland) if wayland.startswith("/") else runtime / wayland).exists():
            return True
    return _x_display_answers(os.environ.get("DISPLAY", ""))


def _x_display_answers(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if not display or not number.isdigit():
        return False
    if host in ("", "unix"):
        return Path(f"/tmp/.X11-unix/X{number}").exists()
    try:
        socket.create_connection((host, 6000 + int(number)), timeout=1.0).close()
        return True
    except OSError:
        return False


#: written into an empty data dir when the demo starts there, and once its hall is seeded: a dir
#: with the first and not the second was left by a run stopped before seeding, and is started afresh
DEMO_STARTED, DEMO_SEEDED = "demo.started", "demo.seeded"


def prepare_demo_dir(data: Path, *, fresh: bool = False, local_db: bool = True) -> str | None:
    """Make ``data`` ready for a demo run; why it was cleared (``"interrupted"``, ``"again"``), or None.

    A dir the demo began in empty (it holds ``demo.started``) is cleared, its logs kept, when a run
    stopped before seeding it, and — with ``fresh`` (the tour: its openings and lots must start
    from the beginning) — when an earlier run used it. Only while its database is the SQLite file
    in it (``local_db``): clearing the key of a shared database's data would lose it. A dir with
    other contents and no marker (an older demo, or a real hall's) is used as it is.

    Raises:
        Failure: the old files could not be removed (the lines say what to delete).
    """
    if not (data / DEMO_STARTED).exists():
        if not any(entry.name != "logs" for entry in data.iterdir()):
            (data / DEMO_STARTED).touch()
        return None
    seeded = (data / DEMO_SEEDED).exists()
    if not local_db or (seeded and not fresh):
        return None
    try:
        for entry in data.iterdir():
            if entry.name == "logs":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        (data / DEMO_STARTED).touch()
    except OSError as exc:
        raise damaged_failure(data, f"an earlier demo's files: {exc.strerror or exc}", delete=data) from exc
    return "again" if seeded else "interrupted"


def _used_hall_failure(cfg: Config, exc: BaseException) -> Failure:
    """The tour failed in a hall seeded by an earlier run (not one it may clear): say how to start afresh."""
    if cfg.database.url:
        from hallkiosk.failures import safe_url

        db = safe_url(cfg.database_url)
        return Failure(
            EXIT_DAMAGED,
            f"演示巡览需要全新的演示数据，而数据库 {db} 已被上次演示用过（{type(exc).__name__}）。请换一个空数据库（--db），或删除重建它。",
            f"the tour needs a freshly seeded hall, and the database {db} was used by an earlier demo "
            f"({type(exc).__name__}): pass --db an empty database, or drop and recreate this one.",
        )
    return damaged_failure(cfg.data_dir, f"the tour needs a freshly seeded hall; an earlier run used this one "
                                         f"({type(exc).__name__})", delete=cfg.data_dir)


def _say_speech_notes(cfg: Config) -> None:
    """Print once what this machine lacks for the hall's announcements (espeak-ng, a player).

    The log file gets the same line as a warning; the engines made later log it at debug only,
    so the terminal says it once.
    """
    from devices.speech import claim_notice, speech_notes

    for note in speech_notes(cfg.queue.speech_engine):
        if claim_notice(note):
            print(f"注意 note: {note}", flush=True)
            log.warning("%s", note, extra={"console": False})


def run_demo(cfg: Config, *, headless: bool, out: str) -> int:
    """``hall-kiosk demo``: seed, then the launcher (with a display) or the headless tour.

    What a newcomer can get wrong fails before anything starts, each with its own lines and exit
    code (:mod:`hallkiosk.failures`): a data dir or ``--out`` that cannot be written, a database
    that does not answer. A data dir left by a run stopped before seeding is cleared and seeded
    again, and so is one an earlier run toured when the tour runs again (:func:`prepare_demo_dir`);
    one that cannot be seeded or toured names itself for deletion.
    """
    ensure_writable_dir(cfg.data_dir)
    ensure_writable_dir(Path(out), option="--out")
    setup_logging(cfg.data_dir)
    check_database(cfg.database_url)
    touring = headless or not has_display()
    local_db = not cfg.database.url
    cleared = prepare_demo_dir(cfg.data_dir, fresh=touring, local_db=local_db)
    secure_files(cfg)  # after clearing: a half-made demo dir is cleared, not refused (kiosk/filemodes.py)
    if cleared == "interrupted":
        print(f"上次演示在准备数据时被中断，已清理 {cfg.data_dir} 重新开始。", flush=True)
        print(f"the last demo run stopped before its hall was seeded: cleared {cfg.data_dir} and starting again.", flush=True)
    elif cleared == "again":
        print(f"演示从新的一天开始：已清空上次演示的数据 {cfg.data_dir}（日志保留）。", flush=True)
        print(f"the tour starts from a freshly seeded hall: cleared the last demo's data in {cfg.data_dir} (logs kept).", flush=True)
    with demo_services(cfg, Path(out)) as demo_cfg:
        _say_speech_notes(demo_cfg)
        try:
            counts = seed_demo(demo_cfg)
        except Failure:
            raise
        except Exception as exc:
            failure = explain(exc, data_dir=cfg.data_dir, db_url=cfg.database_url)
            raise (failure or damaged_failure(cfg.data_dir, f"{type(exc).__name__}: {exc}"[:200], delete=cfg.data_dir)) from exc
        if (cfg.data_dir / DEMO_STARTED).exists():
            (cfg.data_dir / DEMO_SEEDED).touch()
        log.info("demo seeded: %s", counts)
        if touring:
            try:
                with ctrl_c_stops():  # the tour checks between its steps (grab, login, links)
                    report = tour(demo_cfg, Path(out))
            except Failure:
                raise
            except Exception as exc:
                failure = explain(exc, data_dir=cfg.data_dir, db_url=cfg.database_url)
                if failure is None and not counts:  # a hall an earlier run had toured, that this run could not clear
                    failure = _used_hall_failure(cfg, exc)
                raise (failure or exc) from exc
            print(f"演示完成 headless tour: {len(report['screenshots'])} screenshots in {out}/ (report.md)")
            return 0 if report["journal"]["verified"] and report["platform"]["delivered_all"] else 1
        from hallkiosk.app import run_app

        return run_app(demo_cfg, role=None, demo=True)


def _login(term, username: str, pin: str | None = None) -> None:
    """Log in through the terminal's login panel and wait for its answer (the PIN is checked off the UI thread)."""
    from PySide6.QtWidgets import QApplication

    pin = pin or next(p for u, _n, _r, p in DEMO_OPERATORS if u == username)
    panel = term.window.page.login
    panel.user.setText(username)
    panel.pin.setText(pin)
    panel.submit()
    deadline = time.monotonic() + 10
    while panel.checking and time.monotonic() < deadline:
        stop_if_interrupted()
        QApplication.processEvents()
        time.sleep(0.005)


def _wait_for_links(term, timeout: float = 8.0) -> None:
    """Let the terminal's devices and platform link report before a screenshot (demo only)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stop_if_interrupted()
        QApplication.processEvents()
        sync = term.ctx.sync_status()
        # Line devices (scanner, keypads) never answer a query: "unknown" until their first line.
        devices_known = all(
            s.state.value != "unknown" for s in term.ctx.device_statuses() if s.url and s.name in ("id_reader", "printer")
        )
        if (sync is None or sync.online) and devices_known:
            break
        time.sleep(0.1)
    term.window.status_items.refresh()


def _wait_delivered(hall: Hall, timeout: float = 20.0) -> dict[str, object]:
    """Push what the tour journalled and report how far the platform acknowledged it."""
    from sync.worker import read_status

    p = hall.config.platform
    if not p.url:
        return {"last_delivered_seq": 0, "delivered_all": True}
    from hallkiosk.sync_wiring import read_secret
    from sync.client import PlatformClient
    from sync.push import Pusher

    client = PlatformClient(p.url, p.journal_id, read_secret(p.secret_file), timeout=p.timeout_seconds)
    try:
        Pusher(hall.engine, client, p.journal_id).push_until_caught_up(give_up_after_s=timeout)
        status = read_status(hall.engine, p.journal_id, online=True, last_error=None)
    finally:
        client.close()
    return {"last_delivered_seq": status.last_delivered_seq, "delivered_all": status.backlog == 0 and status.alarm is None}


def tour(cfg: Config, out: Path) -> dict:
    """Screenshot every role (landscape and portrait, Chinese; the kiosk also in English)."""
    from devices.speech import speech_notes
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from ui.stall import StallMeter

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[dict[str, str]] = []
    meter = StallMeter.active = StallMeter().start()
    for role in ROLES:
        meter.phase = f"{role} window"
        role_cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id=f"{role.upper()}-DEMO"))
        term = build_terminal(role_cfg, role, follow=False)
        try:
            _wait_for_links(term)
            if role in LOGIN_AS:
                for w, h in (LANDSCAPE,):
                    path = out / f"{role}-login-{w}x{h}.png"
                    grab(term.window, str(path), (w, h))
                    shots.append({"role": role, "screen": "login", "file": path.name})
                _login(term, LOGIN_AS[role])
            langs = ("zh_CN", "en") if role == "kiosk" else ("zh_CN",)
            for lang in langs:
                term.ctx.languages.set(lang)
                for w, h in (LANDSCAPE, PORTRAIT):
                    suffix = "" if lang == "zh_CN" else "-en"
                    path = out / f"{role}-main-{w}x{h}{suffix}.png"
                    grab(term.window, str(path), (w, h))
                    shots.append({"role": role, "screen": "main", "lang": lang, "file": path.name})
            term.ctx.languages.set("zh_CN")
        finally:
            term.stop()
    from hallkiosk.app import capability_modules

    for module in capability_modules():
        cap = module.__name__.removeprefix("hallkiosk.wiring_")
        try:
            tour_module = importlib.import_module(f"hallkiosk.tours.{cap}")
        except ModuleNotFoundError as exc:
            if exc.name != f"hallkiosk.tours.{cap}":
                raise
            continue  # a capability without a demo tour (tours live in hallkiosk/tours/, never in wiring)
        if hasattr(tour_module, "tour"):
            meter.phase = f"{cap} tour"
            shots.extend(tour_module.tour(cfg, out))
    meter.stop()
    StallMeter.active = None
    hall = Hall.open(cfg)
    try:
        delivered = _wait_delivered(hall)
        result = hall.verify_journal()
        stats = hall.journal_stats()
        sessions = hall.sessions_on()
    finally:
        hall.close()
    report: dict[str, Any] = {
        "generated_at": dt.datetime.now(BEIJING).isoformat(timespec="seconds"),
        "data_dir": str(cfg.data_dir),
        "sessions_today": [{"time": s.starts_at.astimezone(BEIJING).strftime("%H:%M"), "room": s.room_name, "kind": s.kind, "title": s.title} for s in sessions],
        "screenshots": shots,
        "journal": {**stats, "verified": result.ok, "problem": result.problem},
        "platform": {"url": cfg.platform.url, "journal_id": cfg.platform.journal_id, **delivered},
        "machine_notes": speech_notes(cfg.queue.speech_engine),
        "ui_stalls": {"ticks": meter.ticks, "over_30ms": len(meter.stalls), "longest": [dataclasses.asdict(s) for s in meter.longest(8)]},
    }
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = [
        "# Hall Kiosk — demo tour", "", f"Generated {report['generated_at']}; data dir `{cfg.data_dir}`.", "",
    ]
    if report["machine_notes"]:
        lines += ["## This machine", "", *[f"- {note}" for note in report["machine_notes"]], ""]
    lines += ["## UI thread", "", f"{len(meter.stalls)} stalls of 30 ms or more in {meter.ticks} ticks of 10 ms (screenshots excluded); longest:"]
    lines += [f"- {s.ms:.0f} ms — {s.phase}" for s in meter.longest(8)]
    lines += ["", "## Today's sessions", ""]
    lines += [f"- {s['time']} {s['room']} {s['kind']}: {s['title']}" for s in report["sessions_today"]]
    lines += ["", "## Screenshots", ""] + [f"- `{s['file']}` — {s['role']} {s['screen']} {s.get('lang', '')}" for s in shots]
    lines += ["", "## Journal", "", f"{stats['count']} entries, last seq {stats['last_seq']}, chain {'verified' if result.ok else 'BROKEN: ' + result.problem}."]
    lines += [f"Delivered to the sandbox platform up to seq {delivered['last_delivered_seq']} ({'all' if delivered['delivered_all'] else 'NOT all'})."]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report
