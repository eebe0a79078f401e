"""What a newcomer can get wrong prints what to do, never a traceback (hallkiosk/failures.py).

The real CLI in a subprocess for each cause: no display, a database that does not answer, a port
that is taken, a data dir (or ``--out``) that cannot be written, a damaged data dir, a demo data
dir left half-made by an interrupted run, and Ctrl-C. Each asserts the plain lines, the cause's
own exit code and that no traceback reached the terminal. All of them fail (or are stopped) early:
none runs the demo's two-minute tour.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hallkiosk import failures
from hallkiosk.demo import DEMO_SEEDED, DEMO_STARTED, _start_on_free_port, has_display, prepare_demo_dir

ROOT = Path(__file__).resolve().parents[2]


def hall_kiosk(*args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = (), timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``hall-kiosk ARGS`` as a newcomer runs it (a fresh process, the environment given)."""
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "hallkiosk", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environ, timeout=timeout)


def assert_told(r: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, r.stderr  # one or two plain lines: Chinese, then English
    for word in words:
        assert word in r.stderr, (word, r.stderr)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def alive(pids: set[int]) -> set[int]:
    gone = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            gone.add(pid)
            continue
        if state == "Z":
            gone.add(pid)
    return pids - gone


def wait_gone(pids: set[int], timeout: float = 10.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


# --- no display ----------------------------------------------------------------------------------


def test_run_without_a_display_says_so_and_points_at_the_headless_demo(tmp_path: Path) -> None:
    r = hall_kiosk("run", "--role", "kiosk", "--data-dir", str(tmp_path / "hall"),
                   drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert_told(r, failures.EXIT_NO_DISPLAY, "没有显示器", "no display", "hall-kiosk demo --headless")


def test_a_display_with_no_server_behind_it_is_no_display(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":7931")  # a closed session's leftover: no /tmp/.X11-unix/X7931
    assert not has_display()  # so `make run` tours instead of Qt aborting on the display
    monkeypatch.setenv("DISPLAY", f"127.0.0.1:{closed_port() - 6000}")  # an X server over TCP that does not answer
    assert not has_display()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not has_display()


# --- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("demo", "--headless"),
    ("journal", "stats"),
])
def test_database_that_does_not_answer(tmp_path: Path, command: tuple[str, ...]) -> None:
    port = closed_port()
    data = tmp_path / "hall"
    r = hall_kiosk(*command, "--db", f"postgresql://hall:secret@127.0.0.1:{port}/hall", "--data-dir", str(data),
                   *(("--out", str(tmp_path / "out")) if command[0] == "demo" else ()),
                   env={"QT_QPA_PLATFORM": "offscreen"})
    assert_told(r, failures.EXIT_DATABASE, "无法连接数据库", "cannot reach the database", f"127.0.0.1:{port}",
                "Connection refused", "start PostgreSQL")
    assert "secret" not in r.stderr  # the password is never shown
    log = (data / "logs" / "hall-kiosk.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "OperationalError" in log  # the details are in the log, not on the terminal


def test_a_terminal_started_without_its_database_says_so_and_waits(tmp_path: Path) -> None:
    """``run`` does not exit (issue 21: nobody restarts a kiosk by hand): it says what is wrong once,
    in the same two lines, then waits on screen and starts by itself when the database answers."""
    port = closed_port()
    data = tmp_path / "hall"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "hallkiosk", "run", "--role", "counter", "--db",
                             f"postgresql://hall:secret@127.0.0.1:{port}/hall", "--data-dir", str(data)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            said.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("waiting for the database" in line for line in said):
            assert time.monotonic() < deadline and proc.poll() is None, said
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None  # still there, waiting
        proc.send_signal(signal.SIGINT)  # Ctrl-C while it waits: it ends, as any command does
        assert proc.wait(10) == failures.EXIT_INTERRUPTED
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        reader.join(10)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    text = "".join(said)
    for word in ("无法连接数据库", "cannot reach the database", f"127.0.0.1:{port}", "start PostgreSQL", "waiting for the database"):
        assert word in text, (word, text)
    assert "Traceback" not in text and "secret" not in text
    log = (data / "logs" / "hall-kiosk.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "OperationalError" in log  # the details are in the log, not on the terminal


# --- ports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("devices", "simulate", "id-reader", "--listen", "socket://127.0.0.1:{port}"),
    ("devices", "simulate", "printer", "--listen", "socket://127.0.0.1:{port}"),
    ("platform-sandbox", "--port", "{port}"),
])
def test_port_in_use_names_the_port(tmp_path: Path, taken_port: int, command: tuple[str, ...]) -> None:
    args = [a.format(port=taken_port) for a in command]
    r = hall_kiosk(*args, "--data-dir", str(tmp_path / "hall"), timeout=30)
    assert_told(r, failures.EXIT_PORT, f"端口 127.0.0.1:{taken_port} 已被占用", f"port 127.0.0.1:{taken_port} is already in use",
                f"sport = :{taken_port}")


def test_demo_service_whose_port_was_taken_meanwhile_gets_another(tmp_path: Path) -> None:
    """The demo picks free ports itself; one taken between picking and binding is picked again."""
    tries: list[int] = []
    listener = ("import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); "
                "time.sleep(30)")

    def args(port: int) -> list[str]:
        tries.append(port)
        if len(tries) == 1:  # as a simulator does when its port went to someone else
            return [sys.executable, "-c", f"import sys; sys.exit({failures.EXIT_PORT})"]
        return [sys.executable, "-c", listener, str(port)]

    procs: list[subprocess.Popen[bytes]] = []
    try:
        port = _start_on_free_port(args, "test service", procs)
        assert len(tries) == 2 and port == tries[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        for p in procs:
            p.kill()
            p.wait()


def test_demo_service_that_fails_otherwise_is_not_retried_and_keeps_its_cause() -> None:
    tries: list[int] = []

    def args(port: int) -> list[str]:
        tries.append(port)
        return [sys.executable, "-c", f"import sys; sys.exit({failures.EXIT_DATA_DIR})"]

    procs: list[subprocess.Popen[bytes]] = []
    with pytest.raises(failures.Failure) as exc:
        _start_on_free_port(args, "test service", procs)
    assert len(tries) == 1 and exc.value.code == failures.EXIT_DATA_DIR and "test service" in exc.value.en


# --- the data dir -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("demo", "--headless"),
    ("run", "--role", "kiosk"),
    ("operator", "list"),
])
def test_data_dir_that_cannot_be_written(tmp_path: Path, command: tuple[str, ...]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    bad = a_file / "hall"  # as /etc/passwd/x: root can write anywhere, but not under a file
    r = hall_kiosk(*command, "--data-dir", str(bad), *(("--out", str(tmp_path / "out")) if command[0] == "demo" else ()),
                   env={"QT_QPA_PLATFORM": "offscreen"})
    assert_told(r, failures.EXIT_DATA_DIR, f"数据目录无法写入：{bad}", f"the data dir {bad} cannot be written",
                "Not a directory", "--data-dir")


def test_demo_output_dir_that_cannot_be_written(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    r = hall_kiosk("demo", "--headless", "--data-dir", str(tmp_path / "hall"), "--out", str(a_file / "out"))
    assert_told(r, failures.EXIT_DATA_DIR, "输出目录无法写入", "--out", "Not a directory")


def test_damaged_key_file_says_what_to_delete(tmp_path: Path) -> None:
    data = tmp_path / "hall"
    assert hall_kiosk("operator", "list", "--data-dir", str(data)).returncode == 0
    (data / "keys" / "kek.key").write_bytes(b"")  # as a run killed between creating and writing it
    r = hall_kiosk("operator", "list", "--data-dir", str(data))
    assert_told(r, failures.EXIT_DAMAGED, "kek.key", "key must be 32 bytes", f"rm -rf {data}")


@pytest.mark.slow  # starts the demo hall (five processes) twice
def test_demo_left_half_made_by_an_interrupted_run_starts_afresh_and_ctrl_c_is_plain(tmp_path: Path) -> None:
    """A demo stopped before seeding (its marker, a half-written database and key) is cleared and
    seeded again; Ctrl-C then stops it with a plain line, exit 130, and no process left behind."""
    data, out = tmp_path / "hall", tmp_path / "out"
    (data / "keys").mkdir(parents=True)
    (data / DEMO_STARTED).touch()
    (data / "hall.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 80)  # a database cut off at its header
    (data / "keys" / "kek.key").write_bytes(b"")
    for made in (data / "hall.db", data / "keys" / "kek.key"):
        made.chmod(0o600)  # as the hall makes them (umask 077, os.open 0600), cut off before their bytes
    (data / "logs").mkdir()
    (data / "logs" / "hall-kiosk.log").write_text("the last run's log\n", encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.Popen([sys.executable, "-m", "hallkiosk", "demo", "--headless", "--data-dir", str(data), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=environ)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (data / DEMO_SEEDED).exists() and proc.poll() is None:
            time.sleep(0.1)
        assert (data / DEMO_SEEDED).exists(), proc.poll()
        services = children(proc.pid)
        # the sandbox platform, four device simulators, and the evaluation area's modem and door/locker simulators
        assert len(services) == 7
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "上次演示在准备数据时被中断" in stdout and "stopped before its hall was seeded" in stdout, stdout
    assert str(data) in stdout
    assert proc.returncode == failures.EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr and "已中断" in stderr and "interrupted" in stderr, stderr
    assert len((data / "keys" / "kek.key").read_bytes().strip()) == 44  # a new key, base64 of 32 bytes
    assert "the last run's log" in (data / "logs" / "hall-kiosk.log").read_text(encoding="utf-8")  # logs are kept
    assert not wait_gone(services)  # the sandbox and the simulators ended with the demo


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.slow  # starts the demo hall (five processes)
def test_demo_killed_hard_leaves_no_service_running(tmp_path: Path) -> None:
    """kill -9 of the demo (no finally runs): its services end too, so no port stays taken."""
    data = tmp_path / "hall"
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.Popen([sys.executable, "-m", "hallkiosk", "demo", "--headless", "--data-dir", str(data),
                             "--out", str(tmp_path / "out")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT, env=environ)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (data / "demo.toml").exists() and proc.poll() is None:
            time.sleep(0.1)
        assert (data / "demo.toml").exists(), proc.poll()  # written once every service listens
        services = children(proc.pid)
        assert len(services) == 7
    finally:
        proc.kill()
        proc.wait()
    left = wait_gone(services)
    for pid in left:  # do not leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_demo_dir_is_cleared_only_when_the_demo_made_it_and_its_hall_is_in_it(tmp_path: Path) -> None:
    """`make run` again: the tour starts from a fresh hall in the dir the demo made; never in another."""
    def dir_with(*markers: str) -> Path:
        d = tmp_path / "-".join(markers or ("plain",))
        (d / "logs").mkdir(parents=True)
        (d / "logs" / "hall-kiosk.log").write_text("kept\n", encoding="utf-8")
        (d / "opening").mkdir()
        (d / "opening" / "old-record.pdf").write_bytes(b"%PDF")
        (d / "hall.db").write_bytes(b"old")
        for m in markers:
            (d / m).touch()
        return d

    toured = dir_with(DEMO_STARTED, DEMO_SEEDED)
    assert prepare_demo_dir(toured, fresh=False) is None and (toured / "hall.db").exists()  # the launcher keeps it
    assert prepare_demo_dir(toured, fresh=True, local_db=False) is None and (toured / "hall.db").exists()  # --db: its key stays
    assert prepare_demo_dir(toured, fresh=True) == "again"
    assert sorted(p.name for p in toured.iterdir()) == [DEMO_STARTED, "logs"]
    assert (toured / "logs" / "hall-kiosk.log").read_text(encoding="utf-8") == "kept\n"

    interrupted = dir_with(DEMO_STARTED)
    assert prepare_demo_dir(interrupted) == "interrupted" and not (interrupted / "hall.db").exists()

    someone_elses = dir_with()  # an older demo's, or a real hall's: no marker
    assert prepare_demo_dir(someone_elses, fresh=True) is None
    assert (someone_elses / "hall.db").read_bytes() == b"old" and not (someone_elses / DEMO_STARTED).exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    assert prepare_demo_dir(empty, fresh=True) is None and (empty / DEMO_STARTED).exists()


# --- anything else ----------------------------------------------------------------------------------


def test_internal_error_is_two_lines_and_names_where_its_traceback_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hall").mkdir()
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        code = failures.report(exc, data_dir=tmp_path / "hall")
    err = capsys.readouterr().err
    assert code == failures.EXIT_INTERNAL and "Traceback" not in err
    assert "内部错误" in err and "internal error: ZeroDivisionError" in err
    log = tmp_path / "hall" / "logs" / "hall-kiosk.log"
    assert str(log) in err and "Traceback" in log.read_text(encoding="utf-8")


def test_a_ctrl_c_swallowed_where_it_landed_still_stops_the_tour_at_its_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python raises KeyboardInterrupt wherever the main thread is; in a weakref callback during garbage
    # collection or in a Qt slot it is printed and dropped, and the tour went on (a slow test saw the demo
    # outlive its Ctrl-C by a minute). Inside ctrl_c_stops the signal is noted, and the next step raises it.
    from hallkiosk.failures import ctrl_c_stops, stop_if_interrupted

    stop_if_interrupted()  # outside: nothing noted
    printed: list[str] = []  # what Python's "Exception ignored in …" hook was handed
    monkeypatch.setattr(sys, "unraisablehook", lambda u: printed.append(type(u.exc_value).__name__))
    before = signal.getsignal(signal.SIGINT)  # Python's own handler, or SIG_IGN under a shell that started us in the background
    with pytest.raises(KeyboardInterrupt), ctrl_c_stops():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs here
        except KeyboardInterrupt:
            pass  # swallowed, as "Exception ignored in: <function _collection_gced …>" was

        class Dropped:  # where Python itself swallows it (a weakref callback, a __del__): said nowhere
            def __init__(self, exc: BaseException) -> None:
                self.exc = exc

            def __del__(self) -> None:
                raise self.exc

        Dropped(KeyboardInterrupt())
        Dropped(ValueError("another bug"))  # anything else is still printed
        stop_if_interrupted()
    stop_if_interrupted()  # and it is forgotten once the block is left
    assert signal.getsignal(signal.SIGINT) is before  # the handler it replaced is back
    assert printed == ["ValueError"]  # the noted Ctrl-C is not printed with a traceback; another bug still is
