"""What a person is told when a command cannot go on: what happened and what to do, never a traceback.

Every cause a newcomer can hit has its own exit code and one or two plain lines (Chinese, then
English) on stderr; the full traceback goes to ``<data_dir>/logs/hall-kiosk.log`` when that can be
written. An internal error (no known cause) keeps its traceback there or, failing that, in a file
in the temporary directory, and its lines name where.

Commands keep 0–4 for their own outcomes (1 refused, 2 usage or configuration, 3–4 the sync
commands' alarm and give-up); the causes below are outside that range, so a script can tell them
apart:

========  ====================================================================================
exit      cause
========  ====================================================================================
10        the database cannot be reached (PostgreSQL not running, wrong host or port, refused login)
11        the data dir cannot be created or written
12        a port to listen on is taken
13        the data dir is damaged or half-created (a key of the wrong size, an interrupted demo), or this
          terminal does not hold the hall's data key yet (``hall-kiosk keys add-terminal``)
14        no display for a window (``hall-kiosk run`` without DISPLAY / WAYLAND_DISPLAY)
15        a system library Qt needs is missing
16        a secret (journal secret, a key file under ``keys/``, ``hall.db``) may be read by others:
          the fix is ``chmod 600 …`` (``kiosk/filemodes.py``)
70        anything else (an internal error: its lines say where the traceback was kept)
130       interrupted (Ctrl-C)
========  ====================================================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config

EXIT_DATABASE = 10
EXIT_DATA_DIR = 11
EXIT_PORT = 12
EXIT_DAMAGED = 13
EXIT_NO_DISPLAY = 14
EXIT_SYSTEM_LIBRARY = 15
EXIT_FILE_MODES = 16
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class Failure(Exception):
    """A cause a person can act on.

    Args:
        code: the exit code (the table in this module's docstring).
        zh: what happened and what to do, in Chinese.
        en: the same in English.
    """

    def __init__(self, code: int, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en

    def lines(self) -> list[str]:
        return [self.zh, self.en]


# --- the causes ---------------------------------------------------------------------------------------


def data_dir_failure(path: Path | str, exc: BaseException | None = None, *, option: str = "--data-dir") -> Failure:
    """The data dir (or, with ``option="--out"``, the output dir) cannot be created or written."""
    why = _os_reason(exc) if exc is not None else "not writable"
    zh_what, en_what = ("数据目录", "the data dir") if option == "--data-dir" else ("输出目录", f"the output dir ({option})")
    also = " (or set data_dir in the config file)" if option == "--data-dir" else ""
    return Failure(
        EXIT_DATA_DIR,
        f"{zh_what}无法写入：{path}（{why}）。请用 {option} 指定一个可写的目录。",
        f"{en_what} {path} cannot be written ({why}): pass {option} a directory you can write{also}.",
    )


def database_failure(url: str, exc: BaseException | None = None) -> Failure:
    shown = safe_url(url)
    why = _db_reason(exc) if exc is not None else "unreachable"
    return Failure(
        EXIT_DATABASE,
        f"无法连接数据库 {shown}（{why}）。请先启动 PostgreSQL，或用 --db 改正地址；不加 --db 则使用数据目录里的 SQLite。",
        f"cannot reach the database {shown} ({why}): start PostgreSQL there or fix --db "
        "(or [database] url); without --db a terminal uses SQLite in its data dir.",
    )


def port_failure(address: str, what: str = "") -> Failure:
    port = address.rsplit(":", 1)[-1]
    for_what = f"（{what}）" if what else ""
    return Failure(
        EXIT_PORT,
        f"端口 {address} 已被占用{for_what}。请停止占用它的程序（ss -ltnp 'sport = :{port}' 可查），或换一个端口。",
        f"port {address} is already in use{f' ({what})' if what else ''}: stop the program listening there "
        f"(ss -ltnp 'sport = :{port}' shows it) or choose another port.",
    )


def damaged_failure(path: Path | str, why: str, *, delete: Path | str | None = None) -> Failure:
    if delete is not None:
        return Failure(
            EXIT_DAMAGED,
            f"数据目录不完整或已损坏：{path}（{why}）。若其中没有真实数据，删除 {delete} 后重试：rm -rf {delete}",
            f"the data dir is incomplete or damaged: {path} ({why}). If it holds no real data, delete it and "
            f"run again: rm -rf {delete}",
        )
    return Failure(
        EXIT_DAMAGED,
        f"数据目录中的文件已损坏：{path}（{why}）。请从备份恢复该文件；演示或测试用的目录可整个删除后重来。",
        f"a file of the data dir is damaged: {path} ({why}): restore it from a backup; a demo or test "
        "data dir can be deleted and made again.",
    )


def no_display_failure() -> Failure:
    return Failure(
        EXIT_NO_DISPLAY,
        "没有显示器：hall-kiosk run 需要屏幕（未设置 DISPLAY 或 WAYLAND_DISPLAY，或连不上）。无屏幕时可运行 "
        "hall-kiosk demo --headless（截图写入 demo-output/）。",
        "no display: hall-kiosk run needs a screen (DISPLAY or WAYLAND_DISPLAY is unset or unreachable); "
        "without one, hall-kiosk demo --headless tours the hall into demo-output/.",
    )


def file_modes_failure(paths: list[tuple[Path, int]]) -> Failure:
    """Secrets that group or others may read: refuse, naming them and the one command that fixes it."""
    import shlex

    listed = ", ".join(f"{p} ({mode:04o})" for p, mode in paths)
    fix = "chmod 600 " + " ".join(shlex.quote(str(p)) for p, _ in paths)
    return Failure(
        EXIT_FILE_MODES,
        f"密钥或数据库文件其他用户也能读取：{listed}。请先执行：{fix}",
        f"secret files are readable by other users: {listed}. Fix: {fix}",
    )


# --- checks that fail early --------------------------------------------------------------------------


def secure_files(cfg: Config, *, deep: bool = False) -> None:
    """At start: refuse (EXIT_FILE_MODES) when a secret is readable by others, then take group and
    other bits off the data dir (``deep``: off everything in it; ``kiosk/filemodes.py``)."""
    from kiosk.filemodes import tighten, too_open

    bad = too_open(cfg)
    if bad:
        raise file_modes_failure(bad)
    tighten(cfg.data_dir, deep=deep)


def ensure_writable_dir(path: Path, *, option: str = "--data-dir") -> None:
    """Create ``path`` if needed and prove it writable (a probe file is written and removed).

    Raises:
        Failure: EXIT_DATA_DIR, naming the directory, the reason and the option that sets it.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise data_dir_failure(path, exc, option=option) from exc


def check_database(url: str) -> None:
    """Connect to a PostgreSQL (or other server) database once; SQLite files are left to ``Hall.open``.

    Raises:
        Failure: EXIT_DATABASE, naming the address (no password) and the reason.
    """
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import make_engine

    if make_url(url).get_backend_name() == "sqlite":
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise database_failure(url, exc) from exc
    finally:
        engine.dispose()


# --- Ctrl-C in a long run ----------------------------------------------------------------------------

_CTRL_C: list[int] = []  #: SIGINTs received inside ``ctrl_c_stops``


@contextlib.contextmanager
def ctrl_c_stops() -> Iterator[None]:
    """Ctrl-C stops the block even where Python's KeyboardInterrupt lands in a place that swallows it
    (a garbage collector's weakref callback prints "Exception ignored", a Qt slot prints its traceback
    and Qt carries on): the signal is noted, and :func:`stop_if_interrupted`, called between the
    block's steps, raises it again. Main thread only (``signal.signal``)."""
    def on_sigint(signum: int, _frame: object) -> None:
        _CTRL_C.append(signum)
        raise KeyboardInterrupt

    earlier_hook = sys.unraisablehook

    def quiet_when_noted(unraisable: sys.UnraisableHookArgs) -> None:
        # Where it was swallowed (a weakref callback, a __del__) Python prints "Exception ignored in …"
        # with a traceback: the Ctrl-C is noted and raised at the next step, so it is said once, plainly.
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _CTRL_C:
            return
        earlier_hook(unraisable)

    previous = signal.signal(signal.SIGINT, on_sigint)
    sys.unraisablehook = quiet_when_noted
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = earlier_hook
        _CTRL_C.clear()


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came inside :func:`ctrl_c_stops` (even if it was swallowed)."""
    if _CTRL_C:
        raise KeyboardInterrupt


# --- turning any exception into lines and a code -----------------------------------------------------


def explain(exc: BaseException, *, data_dir: Path | None = None, db_url: str | None = None,
            address: str | None = None) -> Failure | None:
    """The :class:`Failure` an exception stands for, or None when it is an internal error.

    ``data_dir``, ``db_url`` and ``address`` (``host:port`` the command listens on) are what the
    command was given, so the lines can name them.
    """
    if isinstance(exc, Failure):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return Failure(EXIT_INTERRUPTED, "已中断。", "interrupted.")
    for e in _chain(exc):
        if isinstance(e, Failure):
            return e
        if type(e).__name__ == "HallKeyMissing":  # kiosk.keys: this terminal's KEK wraps no copy of the hall's key
            return Failure(EXIT_DAMAGED, getattr(e, "zh", str(e)), getattr(e, "en", str(e)))
        if type(e).__name__ == "PiiKeyError":  # kiosk.pii: the key file is of the wrong size or mode
            path = str(e).split(":", 1)[0]
            return damaged_failure(path, str(e).split(":", 1)[-1].strip(), delete=data_dir)
        if isinstance(e, ImportError) and "cannot open shared object file" in str(e):
            lib = str(e).split(":", 1)[0]
            return Failure(
                EXIT_SYSTEM_LIBRARY,
                f"缺少系统库 {lib}（Qt 需要）。Debian/Ubuntu：apt-get install libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3",
                f"the system library {lib} is missing (Qt needs it): on Debian/Ubuntu apt-get install libegl1 "
                "libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3",
            )
        if isinstance(e, OSError) and e.errno == errno.EADDRINUSE:
            return port_failure(str(e.filename) if e.filename else address or "?")
        if isinstance(e, OSError) and e.filename and data_dir is not None and _under(Path(str(e.filename)), data_dir):
            return data_dir_failure(data_dir, e)
    db = _db_error(exc)
    if db is not None:
        url = db_url or ""
        if url.startswith("sqlite") or not url:
            if data_dir is not None and ("unable to open database file" in str(db) or "readonly database" in str(db)):
                return data_dir_failure(data_dir, db)
            return None
        return database_failure(url, db)
    return None


def report(exc: BaseException, *, data_dir: Path | None = None, db_url: str | None = None,
           address: str | None = None) -> int:
    """Tell the person what happened (stderr) and keep the traceback in the log; the exit code.

    A known cause is told in its own words (the traceback only in the data dir's log, if there is
    one); anything else is an internal error whose lines say where its traceback was kept.
    """
    failure = explain(exc, data_dir=data_dir, db_url=db_url, address=address)
    if failure is not None:
        _keep_traceback(exc, data_dir, anywhere=False)
        lines = failure.lines()
    else:
        failure = Failure(
            EXIT_INTERNAL,
            f"内部错误：{type(exc).__name__}: {_one_line(exc)}",
            f"internal error: {type(exc).__name__}: {_one_line(exc)}",
        )
        lines = failure.lines()
        where = _keep_traceback(exc, data_dir, anywhere=True)
        if where is not None:
            lines[-1] += f" (traceback in {where})"
    for line in lines:
        print(line, file=sys.stderr)
    sys.stderr.flush()
    return failure.code


# --- helpers -----------------------------------------------------------------------------------------


def safe_url(url: str) -> str:
    """A database URL without its password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL too broken to parse is shown as nothing
        return "(database URL)"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in seen:
        seen.append(e)
        e = e.__cause__ or e.__context__
    return seen


def _db_error(exc: BaseException) -> BaseException | None:
    from sqlalchemy.exc import InterfaceError, OperationalError

    for e in _chain(exc):
        if isinstance(e, OperationalError | InterfaceError):
            return e
        if type(e).__module__.startswith("psycopg") and type(e).__name__ in ("OperationalError", "InterfaceError"):
            return e
    return None


def _db_reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    for marker in ("Connection refused", "could not translate host name", "timeout expired", "password authentication failed",
                   "does not exist", "No route to host", "Name or service not known", "unable to open database file",
                   "readonly database"):
        if marker in text:
            return marker
    return _one_line(orig)


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _one_line(exc)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] + ("…" if len(text) > 200 else "")


def _under(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=False).relative_to(root.resolve(strict=False))
        return True
    except (ValueError, OSError):
        return False


def _keep_traceback(exc: BaseException, data_dir: Path | None, *, anywhere: bool) -> Path | None:
    """Append the traceback to the data dir's log (else, if ``anywhere``, a temporary file); where it went."""
    text = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    candidates = []
    if data_dir is not None and data_dir.is_dir():  # never make a data dir just to say it could not be made
        candidates.append(data_dir / "logs" / "hall-kiosk.log")
    if anywhere:
        candidates.append(Path(tempfile.gettempdir()) / f"hall-kiosk-error-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log")
    for path in candidates:
        try:
            path.parent.mkdir(exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"{stamp} ERROR hallkiosk.failures command failed\n{text}")
            return path
        except OSError:
            continue
    return None
