"""One hall, one key (kiosk.keys): the data key wrapped per terminal, old pii.key import, rotation.

Two terminals are two data dirs (each its own ``keys/kek.key``) on one database: PostgreSQL, as a
full hall runs, or one SQLite file named by URL.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from kiosk import feeds, keys
from kiosk.checkin import CheckinService, FaceCapture
from kiosk.clock import FixedClock
from kiosk.config import Config, load_config
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import Blob, PfRegistration, PfRepresentative, PfSession
from kiosk.db.models_checkin import Checkin
from kiosk.db.models_keys import HallKey, HallKeyWrap
from kiosk.db.models_queue import QTicket
from kiosk.hall import Hall
from kiosk.journal import entries_after
from kiosk.pii import PiiVault, kid_of_ciphertext, kid_of_hmac, load_or_create_key
from kiosk.ports import IdCard
from kiosk.queue import QueueService
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded

JPEG = b"\xff\xd8\xff\xe0a-face-for-the-key-tests\xff\xd9"


def cfg_for(data_dir: Path, db_url: str | None, terminal: str) -> Config:
    cfg = load_config(data_dir=data_dir, db_url=db_url, environ={})
    import dataclasses

    return dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id=terminal))


def clock() -> FixedClock:
    return FixedClock(dt.datetime.combine(dt.datetime.now(BEIJING).date(), dt.time(8, 50), BEIJING))


def card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01",  # type: ignore[arg-type]
                  id_number=p["id_number"], valid_from="2015-01-01", valid_until="长期")


def rep_rows(hall: Hall, id_number: str) -> list[tuple[str, bytes]]:
    """(id_hmac, id_enc) of the representative rows of ``id_number``, found through the vault."""
    with hall.reading() as s:
        return [(r.id_hmac, r.id_enc) for r in s.scalars(
            select(PfRepresentative).where(PfRepresentative.id_hmac.in_(hall.vault.lookup_hmacs(id_number))))]


# --- a new hall --------------------------------------------------------------------------------------


def test_a_new_hall_makes_one_data_key_kept_only_wrapped(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path / "a", None, "KIOSK-A")
    hall = Hall.open(cfg)
    try:
        kek_file = cfg.data_dir / "keys" / "kek.key"
        assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600
        assert not (cfg.data_dir / "keys" / "pii.key").exists()  # no per-terminal data key any more
        kek = load_or_create_key(kek_file)
        with hall.reading() as s:
            [(kid, state, check)] = s.execute(select(HallKey.kid, HallKey.state, HallKey.check_value)).all()
            [(wrapped_by, terminal_id, wrapped)] = s.execute(
                select(HallKeyWrap.wrapped_by, HallKeyWrap.terminal_id, HallKeyWrap.wrapped)).all()
        assert (kid, state, wrapped_by, terminal_id) == ("k1", "current", keys.kek_label(kek), "KIOSK-A")
        data_key = hall.vault.keyset.keys["k1"]
        assert data_key not in wrapped and len(wrapped) == 40  # AES-KW of 32 bytes
        assert keys.check_value(data_key) == check
        blob = hall.vault.encrypt("150102198001011234", context=b"t")
        assert blob.startswith(b"HK2\x02k1") and kid_of_ciphertext(blob) == "k1"
        assert hall.vault.decrypt_str(blob, context=b"t") == "150102198001011234"
        h = hall.vault.lookup_hmac("150102198001011234")
        assert h.startswith("k1:") and len(h) == 64 and kid_of_hmac(h) == "k1"
        # the lookup key is its own: neither the encryption key nor the data key itself
        assert h != "k1:" + __import__("hmac").new(data_key, b"150102198001011234", "sha256").hexdigest()[:61]
    finally:
        hall.close()
    again = Hall.open(cfg)  # a restart unwraps the same key
    try:
        assert again.vault.keyset.keys["k1"] == data_key
    finally:
        again.close()


# --- two terminals on one PostgreSQL database -------------------------------------------------------


@pytest.mark.postgres
def test_two_terminals_on_postgres_share_the_hall_key_after_add_terminal(tmp_path: Path, pg_url: str) -> None:
    a_cfg = cfg_for(tmp_path / "a", pg_url, "KIOSK-A")
    seeded(a_cfg)  # terminal A pulls the day's registrations (ID numbers: HMAC + ciphertext)
    b_cfg = cfg_for(tmp_path / "b", pg_url, "KIOSK-B")
    id_number = person(0)["id_number"]

    with pytest.raises(keys.HallKeyMissing) as missing:  # B, not yet given the key
        Hall.open(b_cfg, clock=clock())
    err = missing.value
    assert err.code == "hall_key_missing"
    assert "keys add-terminal" in err.zh and "本终端没有本厅的数据密钥" in err.zh
    assert "keys add-terminal" in err.en and "does not hold the hall's data key" in err.en
    assert str(b_cfg.kek_path) in err.en and "InvalidTag" not in str(err) and "not_registered" not in str(err)

    a = Hall.open(a_cfg, clock=clock())
    try:
        with a.reading() as s:
            assert feeds.registrations_for_person(s, a.vault, id_number)
        b_kek = load_or_create_key(b_cfg.kek_path)  # the file B made on its first start, handed to A
        assert keys.add_terminal(a, a.engine, b_kek, "KIOSK-B") == ["k1"]
        assert keys.add_terminal(a, a.engine, b_kek, "KIOSK-B") == []  # once is enough
        b = Hall.open(b_cfg, clock=clock())
        try:
            with b.reading() as s:
                matches = feeds.registrations_for_person(s, b.vault, id_number)
                assert matches  # B finds what A pulled
                rep = s.scalars(select(PfRepresentative).where(
                    PfRepresentative.id_hmac.in_(b.vault.lookup_hmacs(id_number)))).first()
                assert rep is not None
                assert b.vault.decrypt_str(rep.id_enc, context=feeds.CTX_REPRESENTATIVE) == id_number
            ev = CheckinService(b).evaluate(card(0))
            assert ev.refusal is None and ev.eligible  # not not_registered
            assert b.vault.lookup_hmac(id_number) == a.vault.lookup_hmac(id_number)
            st = {k.kid: k for k in keys.status(a.engine)}
            assert any("KIOSK-B" in h for h in st["k1"].holders) and any("KIOSK-A" in h for h in st["k1"].holders)
            assert st["k1"].rows["pf_representatives.id_enc"] > 0
        finally:
            b.close()
        with a.reading() as s:
            assert [e.kind for e in entries_after(s, 0, 10_000)].count("keys.terminal_added") == 1
    finally:
        a.close()


# --- an old data dir ---------------------------------------------------------------------------------


def test_an_old_pii_key_becomes_the_hall_key_k0_and_stays_readable(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    url = f"sqlite:///{db}"
    a_cfg = cfg_for(tmp_path / "a", url, "KIOSK-A")
    # a data dir as it was before hall keys: its own keys/pii.key, rows encrypted and indexed under it
    old_key = load_or_create_key(a_cfg.key_path)
    old = PiiVault(old_key)
    engine = make_engine(url)
    upgrade(engine)
    id_number = "150102198001011234"
    with session_factory(engine).begin() as s:
        s.add(PfSession(session_id="S-OLD", feed_key="S-OLD", version=1, kind="bid_opening", title="旧项目",
                        room_code="KB-01", room_name="第一开标室", starts_at=dt.datetime.now(dt.UTC), trade_type="gov_procurement",
                        data={}))
        s.flush()
        s.add(PfRegistration(registration_id="R-OLD", feed_key="R-OLD", version=1, session_id="S-OLD",
                             bidder_name="某公司", bidder_code_type="USCC", bidder_code="91150100MA0N000000", checkin_code="C-OLD"))
        s.flush()
        s.add(PfRepresentative(registration_id="R-OLD", name="张三", id_hmac=old.lookup_hmac(id_number),
                               id_enc=old.encrypt(id_number, context=feeds.CTX_REPRESENTATIVE)))
    engine.dispose()

    a = Hall.open(a_cfg)
    try:
        assert a.vault.current_kid == "k0" and a.vault.keyset.keys["k0"] == old_key
        assert a_cfg.key_path.exists()  # left where it was
        [(h, enc)] = rep_rows(a, id_number)
        assert a.vault.decrypt_str(enc, context=feeds.CTX_REPRESENTATIVE) == id_number
        with a.reading() as s:
            assert [m.registration_id for m in feeds.registrations_for_person(s, a.vault, id_number)] == ["R-OLD"]
            [key] = s.execute(select(HallKey.kid, HallKey.created_by)).all()
        assert tuple(key) == ("k0", "KIOSK-A")
        # a second old terminal that was given the same pii.key (as the old docs said) takes it up itself
        b_cfg = cfg_for(tmp_path / "b", url, "KIOSK-B")
        b_cfg.key_path.parent.mkdir(parents=True)
        b_cfg.key_path.write_bytes(a_cfg.key_path.read_bytes())
        b_cfg.key_path.chmod(0o600)
        b = Hall.open(b_cfg)
        try:
            assert b.vault.decrypt_str(enc, context=feeds.CTX_REPRESENTATIVE) == id_number
            with b.reading() as s:
                assert {w.terminal_id for w in s.scalars(select(HallKeyWrap))} == {"KIOSK-A", "KIOSK-B"}
        finally:
            b.close()
        # a third terminal with a different old key of its own is told to be added, not left unable to decrypt
        c_cfg = cfg_for(tmp_path / "c", url, "KIOSK-C")
        load_or_create_key(c_cfg.key_path)
        with pytest.raises(keys.HallKeyMissing):
            Hall.open(c_cfg)
    finally:
        a.close()


def test_a_vault_without_the_key_would_have_failed_as_before(tmp_path: Path) -> None:
    """What a second terminal saw before hall keys: its own key cannot read the hall's rows."""
    a = Hall.open(cfg_for(tmp_path / "a", None, "KIOSK-A"))
    try:
        enc = a.vault.encrypt("150102198001011234")
        stranger = PiiVault(keyset=__import__("kiosk.pii", fromlist=["KeySet"]).KeySet({"k1": os.urandom(32)}, "k1", ("k1",)))
        with pytest.raises(InvalidTag):
            stranger.decrypt(enc)
    finally:
        a.close()


# --- rotation ----------------------------------------------------------------------------------------


def _usage(hall: Hall) -> dict[str, int]:
    return {k.kid: k.total for k in keys.status(hall.engine)}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_rotation_moves_every_row_and_file_while_lookups_and_check_ins_go_on(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'hall.db'}"
    a_cfg = cfg_for(tmp_path / "a", url, "KIOSK-A")
    seeded(a_cfg)
    a = Hall.open(a_cfg, clock=clock())
    b_cfg = cfg_for(tmp_path / "b", url, "KIOSK-B")
    keys.add_terminal(a, a.engine, load_or_create_key(b_cfg.kek_path), "KIOSK-B")
    b = Hall.open(b_cfg, clock=clock())
    try:
        svc = CheckinService(a)
        sid = svc.evaluate(card(0)).eligible[0].session_id
        done = svc.check_in(card(0), sid, face=FaceCapture(JPEG, "captured"))
        assert done.accepted
        with a.reading() as s:
            face_sha, face_path = s.execute(select(Blob.sha256, Blob.path).where(Blob.encrypted.is_(True))).one()
            [ci_hmac] = s.scalars(select(Checkin.person_hmac)).all()
        assert kid_of_hmac(ci_hmac) == "k1"
        ticket = QueueService(a).issue("A", card(0))  # one open ticket per person: found by the HMAC
        before = _usage(a)
        assert set(before) == {"k1"} and before["k1"] > 20
        reprints: list[bool] = []

        id0, id2 = person(0)["id_number"], person(2)["id_number"]
        seen: list[tuple[int, int, int]] = []

        def during(report: keys.RotationReport) -> None:
            # mid-rotation: rows under both ids; every lookup still finds its person, on both terminals
            with a.reading() as s:
                assert feeds.registrations_for_person(s, a.vault, id0)
            with b.reading() as s:
                assert feeds.registrations_for_person(s, b.vault, id2)
            counts = _usage(a)
            seen.append((report.batches, counts.get("k1", 0), counts.get("k2", 0)))
            if report.batches == 1:  # the ticket's HMAC is still under k1, the vault writes k2: the same ticket
                again = QueueService(a).issue("A", card(0))
                reprints.append(again.reprint and again.ticket_id == ticket.ticket_id)

        stop = threading.Event()
        appended: list[float] = []

        errors: list[str] = []

        def check_ins() -> None:  # another terminal goes on working while the rotation runs
            import time as _t
            while not stop.is_set():
                t0 = _t.monotonic()
                ev = CheckinService(b).evaluate(card(2))
                if ev.refusal is not None or not ev.options:
                    errors.append(f"{ev.refusal}")
                with b.unit() as s:
                    b.journal.append(s, "test.tick", {"n": len(appended)})
                appended.append(_t.monotonic() - t0)

        t = threading.Thread(target=check_ins)
        t.start()
        try:
            # the default settle time (twice the vaults' refresh interval): B searches under both ids
            # before the first row moves
            report = keys.rotate(a, a.engine, batch=5, on_batch=during)
        finally:
            stop.set()
            t.join(30)
        assert report.new_kid == "k2" and report.old_kids == ("k1",)
        assert any(k1 > 0 and k2 > 0 for _b, k1, k2 in seen)  # lookups were checked with both ids in use
        assert report.batches > 5 and report.files == 1
        assert appended and max(appended) < 2.0 and not errors  # nothing waited on the rotation for long
        after = _usage(a)
        assert after.get("k1", 0) == 0 and after["k2"] == before["k1"], (before, after, report)
        with a.reading() as s:
            assert {k.kid: k.state for k in s.scalars(select(HallKey))} == {"k1": "retired", "k2": "current"}
            [ci2] = s.scalars(select(Checkin.person_hmac)).all()
            assert kid_of_hmac(ci2) == "k2" and ci2 == a.vault.lookup_hmac(id0)
            assert [e.kind for e in entries_after(s, 0, 10_000)].count("keys.rotated") == 1
        # the face file is under k2 and still the photo the journal names
        path = a_cfg.data_dir / face_path
        assert kid_of_ciphertext(path.read_bytes()) == "k2"
        assert a.document(face_sha) == JPEG
        # the same person is still "already checked in" (found under the new id), not a second check-in
        again = CheckinService(a).evaluate(card(0))
        assert again.already and not again.eligible, again
        assert reprints == [True]
        after_t = QueueService(a).issue("A", card(0))
        assert after_t.reprint and after_t.ticket_id == ticket.ticket_id
        with a.reading() as s:
            assert kid_of_hmac(s.get(QTicket, ticket.ticket_id).person_hmac) == "k2"  # type: ignore[union-attr]
        # B took k2 through the chain (it only held k1), and wraps it for its own KEK at its next start
        b.vault.refresh(force=True)
        assert b.vault.current_kid == "k2"
        with b.reading() as s:
            assert feeds.registrations_for_person(s, b.vault, id0)
        b.close()
        b = Hall.open(b_cfg, clock=clock())
        with b.reading() as s:
            holders = {w.terminal_id for w in s.scalars(select(HallKeyWrap).where(HallKeyWrap.kid == "k2"))}
        assert {"KIOSK-A", "KIOSK-B"} <= holders
    finally:
        b.close()
        a.close()


def test_keys_never_reach_the_logs_or_the_journal(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = cfg_for(tmp_path / "a", None, "KIOSK-A")
    caplog.set_level("DEBUG")
    hall = Hall.open(cfg)
    try:
        keys.rotate(hall, hall.engine, settle_s=0.0)
        secrets = [base64.b64encode(k).decode() for k in hall.vault.keyset.keys.values()]
        secrets += [k.hex() for k in hall.vault.keyset.keys.values()]
        with hall.reading() as s:
            journal = " ".join(str(e.payload) for e in entries_after(s, 0, 10_000))
        for secret in secrets:
            assert secret not in caplog.text and secret not in journal
    finally:
        hall.close()


def test_an_hmac_whose_id_number_was_purged_is_reported_left_under_the_old_key(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path / "a", None, "KIOSK-A")
    seeded(cfg)
    hall = Hall.open(cfg, clock=clock())
    try:
        with hall.unit() as s:  # as the retention purge leaves a representative of an old session
            rep = s.scalars(select(PfRepresentative).order_by(PfRepresentative.id).limit(1)).one()
            rep.id_enc = b""
            purged_hmac = rep.id_hmac
        report = keys.rotate(hall, hall.engine, settle_s=0.0)
        assert report.left == {"pf_representatives.id_hmac": 1} and report.stranded == report.left
        st = {k.kid: k for k in keys.status(hall.engine)}
        assert st["k1"].rows == {"pf_representatives.id_hmac": 1} and st["k1"].state == "retired"
        assert hall.vault.keyset.lookup == ("k2",)  # k1 is searched no more: the purged person is not found again
        with hall.reading() as s:
            assert s.scalar(select(PfRepresentative.id_hmac).where(PfRepresentative.id_hmac == purged_hmac)) == purged_hmac
    finally:
        hall.close()


def test_an_interrupted_rotation_is_finished_by_the_next_rotate_without_a_new_key(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path / "a", None, "KIOSK-A")
    seeded(cfg)
    hall = Hall.open(cfg, clock=clock())
    try:
        def killed(report: keys.RotationReport) -> None:
            raise KeyboardInterrupt  # the operator's Ctrl-C after the first batch

        with pytest.raises(KeyboardInterrupt):
            keys.rotate(hall, hall.engine, batch=5, settle_s=0.0, on_batch=killed)
        mid = {k.kid: k for k in keys.status(hall.engine)}
        assert (mid["k1"].state, mid["k2"].state) == ("previous", "current")
        assert mid["k1"].total > 0 and mid["k2"].total > 0  # half moved
        with hall.reading() as s:  # both ids searched meanwhile
            assert feeds.registrations_for_person(s, hall.vault, person(0)["id_number"])
            assert feeds.registrations_for_person(s, hall.vault, person(2)["id_number"])
        report = keys.rotate(hall, hall.engine, settle_s=0.0)
        assert (report.new_kid, report.old_kids) == ("k2", ("k1",))
        done = {k.kid: k for k in keys.status(hall.engine)}
        assert set(done) == {"k1", "k2"} and done["k1"].total == 0 and done["k1"].state == "retired"
        assert done["k2"].total == mid["k1"].total + mid["k2"].total
    finally:
        hall.close()


def test_another_terminals_face_files_move_to_the_new_key_with_keys_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from hallkiosk.cli import main

    url = f"sqlite:///{tmp_path / 'hall.db'}"
    a_cfg, b_cfg = cfg_for(tmp_path / "a", url, "KIOSK-A"), cfg_for(tmp_path / "b", url, "KIOSK-B")
    seeded(a_cfg)
    a = Hall.open(a_cfg, clock=clock())
    keys.add_terminal(a, a.engine, load_or_create_key(b_cfg.kek_path), "KIOSK-B")
    b = Hall.open(b_cfg, clock=clock())
    try:
        svc = CheckinService(b)  # B takes the photo: the file is in B's data dir only
        sid = svc.evaluate(card(0)).eligible[0].session_id
        assert svc.check_in(card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
        with b.reading() as s:
            sha, rel = s.execute(select(Blob.sha256, Blob.path).where(Blob.encrypted.is_(True))).one()
        report = keys.rotate(a, a.engine, settle_s=0.0)
        assert report.files == 0  # not A's to move
        assert kid_of_ciphertext((b_cfg.data_dir / rel).read_bytes()) == "k1"
        assert b.document(sha) == JPEG  # the retired key still reads it
    finally:
        b.close()
        a.close()
    files = ["keys", "files", "--data-dir", str(b_cfg.data_dir), "--db", url]

    def run(stdin: str, *by: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main([*files, *by])

    # rewriting the hall's personal data is an admin's act: refused, it touches nothing
    assert run("") == 1 and "--by" in capsys.readouterr().err  # nobody named
    assert run("333333\n", "--by", "clerk") == 1  # not an admin
    assert run("000000\n", "--by", "admin") == 1  # a wrong PIN
    assert kid_of_ciphertext((b_cfg.data_dir / rel).read_bytes()) == "k1"
    capsys.readouterr()
    assert run("123456\n", "--by", "admin") == 0
    assert "re-encrypted under k2: 1" in capsys.readouterr().out
    assert kid_of_ciphertext((b_cfg.data_dir / rel).read_bytes()) == "k2"
    b = Hall.open(b_cfg)
    try:
        assert b.document(sha) == JPEG
        assert {k.kid: k.files for k in keys.status(b.engine, b_cfg.data_dir)} == {"k1": 0, "k2": 1}
        with b.reading() as s:
            done = [e.payload for e in entries_after(s, 0, 100_000) if e.kind == "keys.files_reencrypted"]
        terminal = load_config(data_dir=b_cfg.data_dir, environ={}).site.terminal_id  # as the command loaded it
        assert done == [{"to": "k2", "files": 1, "terminal": terminal, "by": "admin"}]
    finally:
        b.close()
