"""One bad feed record never stops a feed, nor the next feed (issue 20 item 4): it is dead-lettered and shown.

Issue 20: a lot without ``lot_code`` raised ``KeyError`` in the ``sessions`` feed and the market ban
in the ``blacklist`` feed after it was never applied.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from hallkiosk.cli import build_parser
from kiosk import feed_dead_letters, feeds
from kiosk.config import load_config
from kiosk.db.engine import make_engine, read_only_session, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import FeedDeadLetter, FeedState, PfBlacklist, PfLot, PfSession
from kiosk.journal import ensure_head
from kiosk.pii import PiiVault
from sync.pull import Puller
from tests.sync.conftest import JID, beijing_today

BANNED_USCC = "91150100MA0N0XYZ12"


def _auction(session_id: str, lots: list[dict[str, Any]]) -> dict[str, Any]:
    return {"session_id": session_id, "kind": "auction", "room_code": "PM-01", "room_name": "拍卖大厅",
            "starts_at": f"{beijing_today().isoformat()}T15:00:00+08:00", "title": "罚没物品拍卖会",
            "trade_type": "GYCQ", "lots": lots}


def _lot(code: str | None) -> dict[str, Any]:
    lot = {"title": "蒙A·54321 轿车", "start_price": "20000.00", "increment": "500.00", "price_unit": "0",
           "deposit": "5000.00", "has_reserve": False, "cap_price": None, "max_wins_per_paddle": 1}
    if code is not None:
        lot["lot_code"] = code
    return lot


def _ban(code: str) -> dict[str, Any]:
    today = beijing_today()
    return {"BLACKLIST_CODE": code, "BODY_NAME": "某某围标工程有限公司", "BODY_CODE": BANNED_USCC,
            "BODY_TYPE": "entity", "CONFINED_ACTION": "market_ban", "RECORD_REASON": "串通投标",
            "valid_from": (today - dt.timedelta(days=1)).isoformat(),
            "valid_until": (today + dt.timedelta(days=365)).isoformat()}


@pytest.fixture
def cli(tmp_path: Path, sandbox):  # type: ignore[no-untyped-def]
    """A CLI data dir (``DATA/hall.db``) and the options that point it at the sandbox."""
    data = tmp_path / "cli-hall"
    engine = make_engine(f"sqlite:///{data / 'hall.db'}")
    upgrade(engine, data_dir=data)
    with session_factory(engine)() as s, s.begin():
        ensure_head(s, JID)
    secret = tmp_path / "journal.secret"
    sandbox.provision(JID, sandbox.secret, secret_file=secret)
    opts = ["--data-dir", str(data), "--platform-url", sandbox.url, "--journal-id", JID, "--secret-file", str(secret)]
    try:
        yield engine, data, opts
    finally:
        engine.dispose()


def _run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    args = build_parser().parse_args(list(argv))
    code = int(args.func(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _status(capsys, opts: list[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, "sync", "status", "--json", *opts)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.allow_log_warnings(r"sessions: item S-BAD-LOT dead-lettered")
def test_a_malformed_lot_is_dead_lettered_and_the_ban_in_a_later_feed_applies(sandbox, cli, capsys) -> None:  # type: ignore[no-untyped-def]
    engine, data, opts = cli
    code, _, err = _run(capsys, "sync", "pull", *opts)
    assert code == 0, err
    # On the platform: an auction whose lot lacks lot_code, a good session after it in the same
    # feed, and a new market ban in the blacklist feed (pulled after sessions).
    sandbox.store.put("sessions", "S-BAD-LOT", _auction("S-BAD-LOT", [_lot("L-1"), _lot(None)]))
    sandbox.store.put("sessions", "S-GOOD", _auction("S-GOOD", [_lot("L-9")]))
    sandbox.store.put("blacklist", "BL-NEW-1", _ban("BL-NEW-1"))

    code, out, err = _run(capsys, "sync", "pull", *opts)
    assert code == 0, err  # every feed caught up: the bad item is not an error of the feed
    assert "sessions: 2 items in 1 page(s), 1 dead-lettered" in out

    vault = PiiVault.from_key_file(load_config(data_dir=data, environ={}).key_path)
    with read_only_session(engine) as s:
        bans = feeds.active_bans(s, vault, on_date=beijing_today(), body_codes=[BANNED_USCC])
        assert [b.blacklist_code for b in bans] == ["BL-NEW-1"]  # the ban is applied
        assert s.get(PfSession, "S-BAD-LOT") is None  # the bad record is not half-applied
        assert s.get(PfSession, "S-GOOD") is not None  # the rest of its feed is
        [letter] = feed_dead_letters.open_letters(s)
    assert (letter.feed, letter.key, letter.member) == ("sessions", "S-BAD-LOT", "lots[1].lot_code")
    assert "lots[1].lot_code" in letter.reason_zh and "lacks the required member lots[1].lot_code" in letter.reason_en

    doc = _status(capsys, opts)
    assert doc["feed_dead_letters"] == 1 and doc["feeds"]["sessions"]["dead_letters"] == 1
    assert doc["feeds"]["blacklist"]["dead_letters"] == 0
    assert doc["dead_letters"] == 0  # the journal's dead letters (records the platform refused) are another count
    code, out, _ = _run(capsys, "sync", "status", *opts)
    assert "feed items not applied (dead letters): 1" in out and "1 dead letter(s)" in out

    # The cursor moved past it: pulling again asks for nothing old and dead-letters nothing new.
    code, out, _ = _run(capsys, "sync", "pull", *opts)
    assert "sessions: 0 items" in out

    # Corrected on the platform and sent again: it applies and the dead letter is resolved.
    sandbox.store.put("sessions", "S-BAD-LOT", _auction("S-BAD-LOT", [_lot("L-1"), _lot("L-2")]))
    code, out, err = _run(capsys, "sync", "pull", *opts)
    assert code == 0, err
    with read_only_session(engine) as s:
        assert sorted(s.scalars(select(PfLot.lot_code).where(PfLot.session_id == "S-BAD-LOT"))) == ["L-1", "L-2"]
        assert feed_dead_letters.open_letters(s) == []
        assert s.scalar(select(FeedDeadLetter.resolved_at)) is not None  # kept, marked resolved
    doc = _status(capsys, opts)
    assert doc["feed_dead_letters"] == 0 and doc["feeds"]["sessions"]["dead_letters"] == 0


@pytest.mark.allow_log_warnings(r"dead-lettered", r"could not be applied")
def test_an_item_the_database_refuses_is_dead_lettered_and_the_page_goes_on(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    """Valid by shape, refused by the database (a real trigger, no mock): its savepoint is rolled back, nothing else."""
    puller = Puller(hall.engine, client, hall.vault, page_limit=50)
    assert puller.pull_all().ok
    with hall.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER refuse_boom BEFORE INSERT ON pf_lots WHEN NEW.lot_code = 'L-BOOM' "
                          "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    sandbox.store.put("sessions", "S-BOOM", _auction("S-BOOM", [_lot("L-BOOM")]))
    sandbox.store.put("sessions", "S-AFTER", _auction("S-AFTER", [_lot("L-3")]))
    sandbox.store.put("sessions", "S-KEYLESS", {"session_id": 7})  # and one wrong by shape
    sandbox.store.put("blacklist", "BL-NEW-2", _ban("BL-NEW-2"))
    report = puller.pull_all()
    assert report.ok, report.errors
    assert report.feeds["sessions"].dead_lettered == 2 and report.feeds["sessions"].items == 3
    with read_only_session(hall.engine) as s:
        assert s.get(PfSession, "S-BOOM") is None and s.get(PfSession, "S-AFTER") is not None
        assert s.get(PfBlacklist, "BL-NEW-2") is not None
        letters = {x.key: x for x in feed_dead_letters.open_letters(s)}
        assert set(letters) == {"S-BOOM", "S-KEYLESS"}
        assert "could not be applied (IntegrityError)" in letters["S-BOOM"].reason_en
        assert "session_id must be a string" in letters["S-KEYLESS"].reason_en
        assert "refused" not in letters["S-BOOM"].reason_en  # never the database's message (it may quote values)
        assert s.get(FeedState, "sessions").cursor  # the cursor moved on


@pytest.mark.allow_log_warnings(r"cursor", r"dead-lettered")
def test_a_full_listing_resolves_what_is_gone_and_keeps_what_is_still_bad(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    puller = Puller(hall.engine, client, hall.vault)
    sandbox.store.put("registrations", "R-BAD-1", {"registration_id": "R-BAD-1"})  # no session_id
    sandbox.store.put("registrations", "R-BAD-2", {"registration_id": "R-BAD-2", "session_id": "S-1",
                                                   "deposit": {"status": "lost"}})
    assert puller.pull_feed("registrations").dead_lettered == 2  # a first (full) listing
    with read_only_session(hall.engine) as s:
        assert feed_dead_letters.open_counts(s) == {"registrations": 2}
    sandbox.store.delete("registrations", "R-BAD-1")
    sandbox.set_faults(expire_cursors=True)
    result = puller.pull_feed("registrations")
    assert result.relisted and result.dead_lettered == 1
    with read_only_session(hall.engine) as s:
        [letter] = feed_dead_letters.open_letters(s)
        assert letter.key == "R-BAD-2" and letter.member == "deposit.status" and letter.failures == 2
