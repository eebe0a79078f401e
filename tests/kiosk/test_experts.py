"""The expert draw (issue 17; docs/rules/expert-area.md): who is eligible, the roles present, a draw anyone can
recompute from the journal, replacement from the reserves and by a new round, and nothing that names an expert
outside the extraction console."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk import feeds
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.db.models_experts import PfExpert
from kiosk.errors import HallError
from kiosk.experts import verify as verify_mod
from kiosk.experts.service import ExpertsService
from kiosk.experts.views import PickView
from kiosk.hall import Hall
from kiosk.operators import AccessError
from kiosk.ports import SmsReply
from kiosk.staffing import RoleHolder, StaffingService
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox import seed_experts
from sync.sandbox.seed import demo_day, uscc
from tests.helpers.roles import staff_card
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
EV = DAY["evaluations"][0]["evaluation_id"]
EXPERTS = {e["expert_id"]: e for e in DAY["experts"]}
ROLE_STAFF = {"witness": 3, "tenderer_rep": 4, "supervisor": 2}
ENTROPY = {"tenderer_rep": "蒙A 7281 晴", "supervisor": "k3#9vq2!"}


class Modem:
    """A stand-in for the GSM modem behind ``kiosk.ports.SmsPort`` (the port's own driver is tested in devices/)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.inbox: list[SmsReply] = []

    def send(self, number: str, text: str) -> str:
        self.sent.append((number, text))
        return str(len(self.sent))

    def replies(self) -> list[SmsReply]:
        out, self.inbox = self.inbox, []
        return out


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING)))
    yield h
    h.close()


def roles(hall: Hall, which: tuple[str, ...] = ("witness", "tenderer_rep", "supervisor")) -> dict[str, RoleHolder]:
    svc = StaffingService(hall)
    return {r: svc.take_role(EV, r, card=staff_card(ROLE_STAFF[r], r)) for r in which}


def upsert(hall: Hall, feed: str, key: str, data: dict, version: int = 1000) -> None:
    with hall.unit() as s:
        feeds.apply_page(s, feed, [{"op": "upsert", "key": key, "version": version, "data": data}], None, None, hall.vault)


def drawn(hall: Hall) -> tuple[dict, dict]:
    with hall.reading() as s:
        rows = {r.kind: json.loads(r.payload) for r in s.scalars(select(JournalEntry).where(
            JournalEntry.kind.in_(("expert.draw_committed", "expert.draw"))).order_by(JournalEntry.seq))}
    return rows["expert.draw_committed"], rows["expert.draw"]


def full_draw(hall: Hall, svc: ExpertsService, *, beacon: tuple[str, int] | None = None, rnd: bytes = b"\x07" * 32):
    who = roles(hall)
    svc.commit(EV, who, ENTROPY, random_bytes=rnd)
    return who, svc.draw(EV, who, beacon=beacon)


def test_rule_expert_personal_data_is_stored_only_as_hmac_and_ciphertext(hall: Hall) -> None:
    e = EXPERTS["EX-150000-01001"]
    with hall.reading() as s:
        row = s.get(PfExpert, e["expert_id"])
        assert row is not None and row.name_enc is not None
        assert row.id_hmac in hall.vault.lookup_hmacs(e["id_number"]) and row.mobile_hmac in hall.vault.lookup_hmacs(e["mobile"])
        assert hall.vault.decrypt_str(row.name_enc, context=feeds.CTX_EXPERT_NAME) == e["name"]
    # nothing of any expert in clear anywhere in the database files
    raw = b"".join(p.read_bytes() for p in Path(hall.config.data_dir).glob("hall.db*"))
    for x in EXPERTS.values():
        assert x["name"].encode() not in raw and x["id_number"].encode() not in raw and x["mobile"].encode() not in raw


def test_rule_the_pool_leaves_out_the_suspended_barred_employed_conflicted_and_other_regions(hall: Hall) -> None:
    barred = EXPERTS["EX-150000-01009"]
    upsert(hall, "blacklist", "BL-X-1", {"BLACKLIST_CODE": "BL-X-1", "BODY_NAME": barred["name"], "BODY_TYPE": "expert",
                                         "BODY_CODE": barred["id_number"], "CONFINED_ACTION": "expert_ban",
                                         "valid_from": (TODAY - dt.timedelta(days=3)).isoformat()})
    svc = ExpertsService(hall)
    view = svc.pool(EV)
    assert view.excluded == {"inactive": 1, "barred": 1, "employer": 1, "conflict": 1, "busy": 0,
                            "drawn": 0}
    full_draw(hall, svc)
    committed, _ = drawn(hall)
    union = {i for ids in committed["pools"].values() for i in ids}
    out = {f"EX-150000-{1000 + i:05d}" for i in (4, 5, 7, 8, 9)}  # suspended, bidder's employee, conflict, region, barred
    assert not union & out and len(union) == 25 == committed["pool_size"] == view.pool_size
    assert [(ln.specialty, ln.eligible) for ln in view.lines] == [("A080101", 17), ("A080102", 12)]
    assert [ln.short for ln in view.lines] == [False, False]


def test_rule_no_draw_when_a_specialty_pool_is_short_or_before_draw_not_before(hall: Hall) -> None:
    svc = ExpertsService(hall)
    who = roles(hall)
    ev = dict(DAY["evaluations"][0], draws=[{"specialty": "A080102", "count": 12, "reserves": 2}],
              members_total=13, owner_reps=1)  # a lawful committee (TBL 37), with more bridge experts than the pool holds
    upsert(hall, "evaluations", EV, ev)
    assert not svc.pool(EV).can_draw
    with pytest.raises(HallError) as e:
        svc.commit(EV, who, ENTROPY)
    assert e.value.code == "pool_short" and "A080102" in e.value.zh
    later = rfc3339(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8, 0), BEIJING))
    upsert(hall, "evaluations", EV, dict(DAY["evaluations"][0], draw_not_before=later), version=1001)
    with pytest.raises(HallError) as e:
        svc.commit(EV, roles(hall), ENTROPY)
    assert e.value.code == "too_early"
    with hall.reading() as s:
        assert s.scalar(select(JournalEntry).where(JournalEntry.kind == "expert.draw_committed")) is None


def test_rule_the_draw_needs_staff_representative_and_supervisor_by_card_and_their_entropy(hall: Hall) -> None:
    svc = ExpertsService(hall)
    with pytest.raises(HallError) as e:
        svc.commit(EV, roles(hall, ("witness", "tenderer_rep")), ENTROPY)
    assert e.value.code == "roles_missing"
    with pytest.raises(HallError) as e:
        svc.commit(EV, roles(hall), {"tenderer_rep": "12", "supervisor": "abcdefg"})
    assert e.value.code == "entropy"
    with pytest.raises(AccessError) as a:  # a card that is not the evaluation's appointee
        StaffingService(hall).take_role(EV, "supervisor", card=staff_card(8, "supervisor"))
    assert a.value.code == "not_appointed"


def test_the_draw_recomputes_from_the_journal_and_any_change_fails_it(hall: Hall) -> None:
    svc = ExpertsService(hall)
    _who, view = full_draw(hall, svc)
    assert svc.verify_draw(EV).ok
    committed, draw = drawn(hall)
    # §7.4 members, ids only; the seed revealed is the one committed to
    assert {"evaluation_id", "pool_sha256", "pool_size", "seed_commitment", "seed", "selected", "at"} <= set(draw)
    assert draw["seed"] == view.seed and draw["beacon_source"] == "none"
    assert [(s["specialty"], s["order"], s["reserve"]) for s in draw["selected"]] == [
        ("A080101", 1, False), ("A080101", 2, False), ("A080101", 3, False), ("A080101", 4, True), ("A080101", 5, True),
        ("A080102", 1, False), ("A080102", 2, True)]
    other = next(i for i in EXPERTS if i not in {x for ids in committed["pools"].values() for x in ids} and i != "EX-150000-01004")
    pools = dict(committed["pools"])
    pools["A080101"] = sorted([*pools["A080101"][1:], other])  # one pool member swapped
    bad = verify_mod.verify([dict(committed, pools=pools)], [draw])
    assert not bad.ok and "pool does not hash" in bad.message()
    bad = verify_mod.verify([committed], [dict(draw, seed="00" * 32)])
    assert not bad.ok and "seed does not match the commitment" in bad.message()
    sel = [dict(x) for x in draw["selected"]]
    sel[0]["expert_id"], sel[3]["expert_id"] = sel[3]["expert_id"], sel[0]["expert_id"]  # a reserve made a member
    bad = verify_mod.verify([committed], [dict(draw, selected=sel)])
    assert not bad.ok and "position 1" in bad.message()
    bad = verify_mod.verify([committed], [dict(draw, beacon="forged")])  # a beacon that was not the one used
    assert not bad.ok


def test_the_platform_receipt_of_the_commitment_is_mixed_in(hall: Hall) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk import receipts

    svc = ExpertsService(hall)
    who = roles(hall)
    c = svc.commit(EV, who, ENTROPY, random_bytes=b"\x07" * 32)
    assert svc.beacon(EV) is None
    platform = Ed25519PrivateKey.generate()
    with hall.unit() as s:  # the receipt the sync worker stores when the platform acknowledges the commitment
        entry = s.get(JournalEntry, c.commit_seq)
        assert entry is not None
        signed = receipts.sign_receipt({"journal_id": entry.journal_id, "seq": entry.seq, "hash": entry.hash,
                                        "received_at": rfc3339(hall.clock.now()), "keyid": "k"}, platform)
        receipts.store(s, signed, verified=True)
    beacon = svc.beacon(EV)
    assert beacon == (signed["sig"], c.commit_seq)
    svc.draw(EV, who, beacon=beacon)
    _committed, draw = drawn(hall)
    assert draw["beacon"] == signed["sig"] and draw["beacon_source"] == "platform_receipt"
    assert draw["beacon_receipt"] == signed
    check = svc.verify_draw(EV, platform.public_key())
    assert check.ok and "signed by the platform key" in check.message()
    assert "not checked" in svc.verify_draw(EV).message()
    other = svc.verify_draw(EV, Ed25519PrivateKey.generate().public_key())  # a receipt the platform never signed
    assert not other.ok and "not signed by the platform key" in other.message()


def test_declines_and_silence_are_replaced_from_reserves_in_draw_order_then_by_a_new_round(
        hall: Hall, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    modem = Modem()
    svc = ExpertsService(hall, sms=modem)
    who, _view = full_draw(hall, svc)
    assert svc.call(EV) == 4
    assert all("回复1接受" in text and "第二评标室" in text for _n, text in modem.sent)
    by_spec: dict[str, list[PickView]] = {}
    for p in svc.picks(EV):
        by_spec.setdefault(p.specialty, []).append(p)
    a1 = by_spec["A080101"]
    mobile = {EXPERTS[p.expert_id]["mobile"]: p.expert_id for p in a1}
    at = hall.clock.now()
    modem.inbox = [SmsReply("+86" + EXPERTS[a1[0].expert_id]["mobile"], "2", at),
                   SmsReply(EXPERTS[a1[1].expert_id]["mobile"], "１", at),
                   SmsReply("13800000000", "1", at)]  # a stranger's reply matches nobody
    assert svc.collect() == 2
    st = {p.expert_id: p.status for p in svc.picks(EV)}
    assert st[a1[0].expert_id] == "replaced" and st[a1[1].expert_id] == "accepted" and st[a1[3].expert_id] == "selected"
    assert svc.call(EV) == 1 and modem.sent[-1][0] == EXPERTS[a1[3].expert_id]["mobile"]
    hall.clock.advance(hall.config.experts.answer_minutes * 60 + 1)  # type: ignore[attr-defined]
    assert svc.expire() == 3  # a1[2], a1[3] and the A080102 member never answered
    st = {p.expert_id: p.status for p in svc.picks(EV)}
    assert st[a1[4].expert_id] == "selected"  # the second reserve, in draw order
    assert svc.vacancies(EV) == [{"specialty": "A080101", "count": 1, "reserves": 0}]
    svc.commit(EV, who, ENTROPY, plan=svc.vacancies(EV), random_bytes=b"\x09" * 32)
    second = svc.draw(EV, who, beacon=None)
    assert second.round == 2 and [p.reserve for p in second.picks] == [False]
    assert second.picks[0].expert_id not in {p.expert_id for p in svc.picks(EV) if p.round == 1}
    assert svc.verify_draw(EV).ok
    with hall.reading() as s:
        answers = [json.loads(r.payload)["answer"] for r in s.scalars(
            select(JournalEntry).where(JournalEntry.kind == "expert.response").order_by(JournalEntry.seq))]
        text = " ".join(r.payload for r in s.scalars(select(JournalEntry)))
    assert answers[:2] == ["decline", "accept"] and answers[2:].count("none") == 3
    # confidentiality (TBL 38): no name, ID number or mobile of any expert in the journal or the log
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for e in EXPERTS.values():
        for secret in (e["name"], e["id_number"], e["mobile"]):
            assert secret not in text and secret not in logged
    assert mobile  # the numbers were real inputs of the flow


def test_draws_scheme_is_uniform_and_its_inputs_unambiguous() -> None:
    from kiosk import draws

    assert draws.pool_sha256(["b", "a", "a"]) == draws.pool_sha256(["a", "b"])
    import hashlib

    from kiosk.canonical import canonical
    for ids in (["EX-150000-01234", "EX-1:a/b.c"], ["专家\"1", "x"], []):  # the fast path and the general one agree
        assert draws.pool_sha256(ids) == hashlib.sha256(canonical(sorted(set(ids)))).hexdigest()
    r = b"\x01" * 32
    assert draws.hall_seed(r, "ab", "c") != draws.hall_seed(r, "a", "bc")
    counts = {str(i): 0 for i in range(10)}
    for k in range(3000):
        counts[draws.select(counts, k.to_bytes(4, "big") * 8, 1)[0]] += 1
    assert all(240 <= c <= 360 for c in counts.values()), counts  # 300 ± ~5.5 σ
    first = draws.rank(["x", "y", "z"], b"k" * 32, "L")
    assert draws.select(["z", "y", "x"], b"k" * 32, 3, "L") == first  # order of the pool does not matter
    with pytest.raises(draws.DrawError):
        draws.select(["x"], b"k" * 32, 2)


def test_an_evaluation_record_without_staff_lets_hall_accounts_stand_in_with_a_reason(hall: Hall) -> None:
    upsert(hall, "evaluations", EV, {k: v for k, v in DAY["evaluations"][0].items() if k != "staff"})
    svc = StaffingService(hall)
    h = svc.take_role(EV, "witness", username="clerk", pin="333333", reason="平台未指定抽取工作人员")
    assert (h.method, h.appointed) == ("account", False)
    with pytest.raises(AccessError) as e:
        svc.take_role(EV, "tenderer_rep", username="clerk", pin="333333", reason="x")
    assert e.value.code == "no_appointee"


def test_the_seed_experts_data_is_consistent() -> None:
    assert seed_experts.AGENCY_CODE in DAY["evaluations"][0]["avoid_codes"]
    assert EXPERTS["EX-150000-01005"]["employer"]["code"] == uscc("150100", "MA0N4K2P")


def test_key_rotation_moves_the_experts_and_the_open_seed_and_lookups_still_find_them(hall: Hall) -> None:
    from kiosk import keys
    from kiosk.pii import kid_of_ciphertext

    svc = ExpertsService(hall)
    who = roles(hall)
    svc.commit(EV, who, ENTROPY, random_bytes=b"\x05" * 32)  # the seed waits, encrypted, for the draw
    keys.rotate(hall, hall.engine, settle_s=0, sleep=lambda _s: None)
    e = EXPERTS["EX-150000-01002"]
    with hall.reading() as s:
        row = s.get(PfExpert, e["expert_id"])
        assert row is not None and row.name_enc and row.mobile_enc
        assert {kid_of_ciphertext(row.name_enc), kid_of_ciphertext(row.mobile_enc)} == {hall.vault.keyset.current}
        assert row.mobile_hmac == hall.vault.lookup_hmac(e["mobile"])
    svc.draw(EV, who, beacon=None)  # the seed decrypts under the new key
    assert svc.verify_draw(EV).ok


def test_retention_empties_old_evaluation_staff_and_long_retired_experts_only(hall: Hall) -> None:
    from kiosk.experts.retention import plan_expert_pii, purge_expert_pii

    retired = dict(EXPERTS["EX-150000-01011"], status="retired")
    upsert(hall, "experts", retired["expert_id"], retired)
    now = hall.clock.now()
    with hall.unit() as s:
        assert plan_expert_pii(s, now - dt.timedelta(days=1)) == {"evaluation_staff": 0, "experts": 0}
        assert purge_expert_pii(s, now + dt.timedelta(days=200)) == {"evaluation_staff": 3, "experts": 2}
    with hall.reading() as s:
        gone = s.get(PfExpert, "EX-150000-01011")
        kept = s.get(PfExpert, "EX-150000-01012")
        assert gone is not None and gone.name_enc is None and gone.mobile_enc is None and gone.mobile_hmac
        assert kept is not None and kept.name_enc
        assert plan_expert_pii(s, now + dt.timedelta(days=200)) == {"evaluation_staff": 0, "experts": 0}


def test_rule_an_expert_drawn_for_an_overlapping_sitting_is_busy_but_not_for_one_the_next_day(hall: Hall) -> None:
    svc = ExpertsService(hall)
    _who, view = full_draw(hall, svc)
    drawn_ids = {p.expert_id for p in view.picks}
    base = DAY["evaluations"][0]
    starts = dt.datetime.fromisoformat(base["starts_at"])
    for key, delta, busy in (("EV-OVERLAP", dt.timedelta(hours=2), 7), ("EV-NEXTDAY", dt.timedelta(days=1), 0)):
        upsert(hall, "evaluations", key, dict(base, evaluation_id=key, starts_at=(starts + delta).isoformat()))
        assert svc.pool(key).excluded["busy"] == busy
    # experts who declined are free again for the overlapping sitting
    who = roles(hall)
    svc.answer(EV, view.picks[0].expert_id, "decline", who["witness"])
    assert svc.pool("EV-OVERLAP").excluded["busy"] == 6
    assert drawn_ids
