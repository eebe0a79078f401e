"""The demo launcher's ID cards (hallkiosk/demo_cards.py): the panel places a demo person's card on a
terminal's own reader simulator, which the real driver then reads; the people are the demo day's
appointed staff and representatives, shown masked."""

from __future__ import annotations

from pathlib import Path

from devices.idcard.driver import SamIdReader
from devices.idcard.simulator import CardFile, IdReaderSimulator
from hallkiosk.app import ensure_qapp, grab
from hallkiosk.demo_cards import DemoCardPanel, DemoReaders, demo_people
from sync.sandbox.seed import STAFF_PEOPLE, demo_day
from tests.helpers.screens import clipped_texts
from tests.helpers.seeded import TEST_DAY


def test_the_people_are_the_days_staff_and_representatives_masked() -> None:
    people = demo_people(TEST_DAY)
    day = demo_day(TEST_DAY)
    names = {p.card.name for p in people}
    assert {s[0] for s in STAFF_PEOPLE} <= names
    assert {rep["name"] for r in day["registrations"] for rep in r["representatives"]} <= names
    host = next(p for p in people if p.card.name == "周海燕")  # the procurement and remote openings' host
    assert "开标人/主持人（第一开标室" in host.label and "第二开标室" in host.label and "周海燕" not in host.label
    assert all(len(p.card.id_number) == 18 for p in people)


def test_the_panel_places_a_card_on_a_terminals_reader_and_the_driver_reads_it(qapp, tmp_path: Path) -> None:
    ensure_qapp()
    readers = DemoReaders(tmp_path, [])
    path = tmp_path / "demo-cards" / "host-1.json"
    path.parent.mkdir()
    path.write_text("{}", encoding="utf-8")
    readers.readers.append(("开标主持台 #1", path))  # as DemoReaders.start registers a started reader
    panel = DemoCardPanel(readers, demo_people(TEST_DAY))
    panel.refresh()
    panel.person.setCurrentIndex(next(i for i, p in enumerate(panel.people) if p.card.name == "周海燕"))
    with IdReaderSimulator() as sim:
        follow = CardFile(path)
        assert follow.apply(sim) == (True, None) and sim.card is None
        panel.place()
        changed, card = follow.apply(sim)
        assert changed and card is not None and sim.card == card
        read = SamIdReader(sim.url, baudrate=115200).read_once(5.0)
        assert read.name == "周海燕" and read.id_number == card.id_number
        assert "周*燕" in panel.status.text()
        panel.remove()
        assert follow.apply(sim) == (True, None) and sim.card is None
        assert follow.apply(sim) == (False, None)  # unchanged file: nothing happens
    grab(panel, str(tmp_path / "panel.png"), (1280, 300))
    assert clipped_texts(panel) == []


def test_the_demo_launcher_has_the_card_panel_and_fits_both_orientations(qapp, tmp_path: Path) -> None:
    from hallkiosk.launcher import Launcher
    from kiosk.config import load_config

    ensure_qapp()
    launcher = Launcher(load_config(data_dir=tmp_path / "hall", environ={}), demo=True)
    assert launcher.cards is not None and not launcher.cards.place_button.isEnabled()  # no terminal started yet
    assert "先启动一个终端" in launcher.cards.status.text()
    for (w, h), columns in (((1920, 1080), 3), ((1080, 1920), 1)):
        grab(launcher, str(tmp_path / f"launcher-{w}x{h}.png"), (w, h))
        assert launcher._columns == columns and clipped_texts(launcher) == [], (w, h)
        assert all(t.width() >= t.sizeHint().width() for t in launcher.tiles), (w, h)  # no tile narrower than its words
    assert Launcher(load_config(data_dir=tmp_path / "hall2", environ={})).cards is None  # never outside the demo


def test_the_launchers_door_tile_starts_a_kiosk_in_the_evaluation_area_mode(qapp, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hallkiosk.launcher import Launcher
    from kiosk.config import ROLES, load_config

    ensure_qapp()
    started: list[tuple[list[str], dict | None]] = []
    monkeypatch.setattr("hallkiosk.launcher.subprocess.Popen", lambda args, env=None: started.append((args, env)))
    launcher = Launcher(load_config(data_dir=tmp_path / "hall", environ={}))
    assert len(launcher.tiles) == len(ROLES) + 1 and "评标区门禁" in launcher.tiles[-1].text()
    launcher.tiles[-1].click()
    args, env = started[-1]
    assert args[args.index("--role") + 1] == "kiosk" and env is not None and env["HALL_KIOSK__KIOSK__MODE"] == "evaluation_area"
    launcher.tiles[0].click()
    assert started[-1][1] is None  # the other tiles: the terminal's own environment


def test_a_started_terminals_reader_is_a_simulator_process_following_the_panel(tmp_path: Path) -> None:
    procs: list = []
    readers = DemoReaders(tmp_path, procs)
    try:
        env = readers.start("host", "开标主持台")
        url = env["HALL_KIOSK__DEVICES__ID_READER"]
        assert url.startswith("socket://127.0.0.1:") and readers.readers[0][0] == "开标主持台 #1"
        host = next(p for p in demo_people(TEST_DAY) if p.card.name == "周海燕")
        readers.place(readers.readers[0][1], host.card)
        import time

        deadline, read = time.monotonic() + 10, None
        while read is None and time.monotonic() < deadline:  # the simulator looks at its file every 0.2 s
            try:
                read = SamIdReader(url, baudrate=115200).read_once(1.0)
            except Exception:
                time.sleep(0.2)
        assert read is not None and read.id_number == host.card.id_number
    finally:
        for p in procs:
            p.terminate()
            p.wait(5)


def test_a_demo_tile_returns_at_once_and_the_terminal_starts_with_its_reader(qapp, qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The reader simulator waits for its port: that happens on a thread of its own, never on the UI thread."""
    import subprocess
    import sys
    import time

    from hallkiosk.launcher import Launcher
    from kiosk.config import load_config

    ensure_qapp()
    real_popen = subprocess.Popen
    roles: list[tuple[list[str], dict]] = []

    def popen(args, env=None, **kw):  # type: ignore[no-untyped-def]
        if "run" in args:  # the role's terminal (the outermost boundary); the reader simulator starts for real
            roles.append((args, env))
            return real_popen([sys.executable, "-c", "pass"])
        return real_popen(args, env=env, **kw)

    monkeypatch.setattr("hallkiosk.launcher.subprocess.Popen", popen)
    monkeypatch.setattr("hallkiosk.demo.subprocess.Popen", popen)
    launcher = Launcher(load_config(data_dir=tmp_path / "hall", environ={}), demo=True)
    try:
        t0 = time.perf_counter()
        launcher.tiles[3].click()  # 开标主持台
        assert time.perf_counter() - t0 < 0.2  # the click came back before the reader listened
        qtbot.waitUntil(lambda: bool(roles) and launcher.cards is not None and launcher.cards.place_button.isEnabled(), timeout=15000)
        args, env = roles[0]
        assert args[args.index("--role") + 1] == "host"
        assert env["HALL_KIOSK__DEVICES__ID_READER"].startswith("socket://127.0.0.1:")
        assert launcher.cards.reader.currentText() == "开标主持台 #1"
    finally:
        for p in launcher.children_procs:
            p.terminate()
            p.wait(5)
