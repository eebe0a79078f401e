"""Check-in's rules as pure functions (kiosk/checkin/rules.py): no database, no clock, no I/O.

The numbers and names here are made up (a check character computed, not a person's number).
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.checkin import CheckinError, CheckinInfo, Evaluation, Refusal, SessionOption, checkin_slip, rules
from kiosk.checkin.rules import CheckedBy
from kiosk.faces import FaceComparison
from kiosk.idnumbers import check_char
from kiosk.ports import IdCard, Qr, Text
from kiosk.timeutil import BEIJING

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING)
OPENS, CLOSES = START - dt.timedelta(minutes=60), START + dt.timedelta(minutes=30)
NUMBER = "11010519491231002" + check_char("11010519491231002")  # made up: a valid check character


@dataclass(frozen=True)
class Reg:
    registration_id: str
    lot_code: str | None = None
    bidder_name: str = "甲公司"
    bidder_code: str | None = "91150000AAAAAAAA1A"
    deposit_status: str | None = "paid"


def decide(kind: str, regs: list[Reg], checked: dict[str, CheckedBy] | None = None, *, bans: tuple[str, ...] = (),
           now: dt.datetime = START) -> rules.Decision:
    return rules.decide_session(kind, rules.sorted_registrations(regs), checked or {}, "me", bans, now, OPENS, CLOSES)


def card(card_type: str = "resident", number: str = NUMBER, valid_until: str = "长期") -> IdCard:
    return IdCard(card_type, "王小明", "男", "1949-12-31", number, "2016-05-01", valid_until)  # type: ignore[arg-type]


def test_rules_module_imports_no_database_device_or_clock() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] in {"sqlalchemy", "socket", "pathlib", "os", "time"}
                or m in {"kiosk.db", "kiosk.feeds", "kiosk.journal", "kiosk.clock"} or m.startswith("kiosk.db.")}


def test_window_opening_closes_after_the_start_an_auction_at_it() -> None:
    assert rules.window("opening", START, 60, 30) == (OPENS, CLOSES)
    assert rules.window("auction", START, 60, 30) == (OPENS, START)
    assert rules.window("listing_auction", START, 45, 30) == (START - dt.timedelta(minutes=45), START)


def test_card_checks_in_order_type_number_expiry() -> None:
    today = dt.date(2026, 12, 7)
    assert rules.card_refusal(card(), today) is None
    assert rules.card_refusal(card("passport"), today) == Refusal("card_type", "passport")
    bad = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    refusal = rules.card_refusal(card(number=bad), today)
    assert refusal is not None and refusal.code == "id_invalid"
    assert rules.card_refusal(card(valid_until="2026-12-06"), today) == Refusal("card_expired", "有效期至 2026-12-06")
    assert rules.card_refusal(card(valid_until="2026-12-07"), today) is None  # valid through its last day


def test_stale_blacklist_never_synced_or_older_than_the_limit() -> None:
    assert rules.stale_blacklist(None, 24) == Refusal("stale_blacklist", "从未同步黑名单")
    assert rules.stale_blacklist(24 * 3600, 24) is None
    late = rules.stale_blacklist(24 * 3600 + 1, 24)
    assert late is not None and late.code == "stale_blacklist" and "上限 24 小时" in late.detail


def test_one_person_for_competing_bidders_of_an_opening_is_admitted_and_flagged_at_an_auction_lot_refused() -> None:
    """D6: at an opening the committee judges (REG 40, 51); at an auction one person, one paddle per lot."""
    regs = [Reg("R-1", "L1", "甲公司", "C-A"), Reg("R-2", "L2", "乙公司", "C-B")]
    d = decide("opening", regs)
    assert d.status == "eligible" and d.refusal is None and d.flags == (Refusal("several_bidders", "甲公司、乙公司"),)
    assert d.registration_ids == ("R-1", "R-2")
    assert decide("auction", regs).status == "eligible"  # different lots
    d = decide("auction", [Reg("R-1", "L1", "甲公司", "C-A"), Reg("R-2", "L1", "乙公司", "C-B")])
    assert d.status == "refused" and d.refusal == Refusal("several_paddles", "标的 L1：甲公司、乙公司")


def test_a_ban_refuses_before_anything_else_at_an_auction_and_is_a_flag_at_an_opening() -> None:
    mine = {"R-1": CheckedBy("me", "王小明", START)}
    d = decide("auction", [Reg("R-1"), Reg("R-2")], mine, bans=("甲公司：失信，至 长期",))
    assert (d.status, d.refusal, d.with_mine) == ("refused", Refusal("banned", "甲公司：失信，至 长期"), True)
    d = decide("opening", [Reg("R-1"), Reg("R-2")], mine, bans=("甲公司：失信，至 长期",))
    assert (d.status, d.refusal, d.flags) == ("eligible", None, (Refusal("banned", "甲公司：失信，至 长期"),))


def test_already_checked_in_by_me_is_already_never_a_second_check_in() -> None:
    d = decide("opening", [Reg("R-1")], {"R-1": CheckedBy("me", "王小明", START)})
    assert (d.status, d.registration_ids, d.refusal) == ("already", ("R-1",), None)


def test_checked_in_by_someone_else_names_them_masked() -> None:
    d = decide("opening", [Reg("R-1")], {"R-1": CheckedBy("other", "李四海", START)})
    assert d.status == "refused" and d.registration_ids == ("R-1",) and not d.with_mine
    assert d.refusal == Refusal("other_representative", "李*海，09:00")


def test_auction_needs_a_paid_deposit_or_a_guarantee() -> None:
    regs = [Reg("R-1", "L1", deposit_status="unpaid"), Reg("R-2", "L2", deposit_status=None)]
    d = decide("auction", regs)
    assert d.status == "refused" and d.refusal == Refusal("deposit", "标的 L1、L2：unpaid") and d.registration_ids == ("R-1", "R-2")
    d = decide("auction", [Reg("R-1", "L1", deposit_status="guarantee"), Reg("R-2", "L2", deposit_status="unpaid")])
    assert (d.status, d.registration_ids) == ("eligible", ("R-1",))  # only the lots whose deposit is in


def test_window_not_open_and_closed_by_the_minute() -> None:
    early = decide("opening", [Reg("R-1")], now=OPENS - dt.timedelta(seconds=1))
    assert early.refusal == Refusal("window_not_open", "08:00 开始签到")
    assert decide("opening", [Reg("R-1")], now=OPENS).status == "eligible"
    assert decide("opening", [Reg("R-1")], now=CLOSES).status == "eligible"
    late = decide("opening", [Reg("R-1")], now=CLOSES + dt.timedelta(seconds=1))
    assert late.refusal == Refusal("window_closed", "09:30 截止")


def test_the_refusal_shown_first_is_the_most_serious() -> None:
    refusals = [Refusal("window_closed"), Refusal("deposit"), Refusal("banned"), Refusal("window_not_open")]
    assert rules.most_relevant(refusals).code == "banned"
    assert rules.most_relevant([Refusal("window_not_open"), Refusal("other_representative")]).code == "other_representative"

    def option(refusal: Refusal) -> SessionOption:
        return SessionOption("S", "opening", "t", "r", START, OPENS, CLOSES, (), ("R",), "refused", refusal)

    ev = Evaluation("王*明", "110105********0021", "居民身份证", "idcard", None,
                    (option(Refusal("window_closed")), option(Refusal("deposit"))))
    assert ev.first_refusal == Refusal("deposit")
    assert Evaluation("王*明", "", "", "idcard", None, ()).first_refusal == Refusal("not_registered")


def test_a_clerk_overrides_only_what_is_overridable_and_listed() -> None:
    assert rules.overridden(Refusal("window_closed"), {"window_closed"})
    assert not rules.overridden(Refusal("window_closed"), {"card_expired"})
    assert not rules.overridden(Refusal("banned"), {"banned"})  # never a market ban
    assert not rules.overridden(Refusal("deposit"), {"deposit"})
    used = rules.overrides_used({"window_closed", "card_expired"}, (None, Refusal("window_closed")), {"id_invalid"})
    assert used == ["id_invalid", "window_closed"]


def test_a_manual_check_in_needs_a_reason_and_an_operator() -> None:
    with pytest.raises(CheckinError) as e:
        rules.check_manual("clerk", "  ")
    assert e.value.code == "checkin-refused"
    with pytest.raises(CheckinError):
        rules.check_manual(" ", "读卡器故障")
    rules.check_manual("clerk", "读卡器故障")


def test_paddles_number_on_from_the_highest_and_bidders_key_by_code() -> None:
    assert rules.next_paddle([]) == "01"
    assert rules.next_paddle(["01", "09", "X1"]) == "10"
    assert rules.bidder_key("C-A", "h", "R-1") == "C-A"
    assert rules.bidder_key(None, "h", "R-1") == "h"
    assert rules.bidder_key(None, None, "R-1") == "R-1"


def test_masking_choices_and_the_face_verdict() -> None:
    assert rules.shown_bidder_name("甲建设有限公司", "USCC") == "甲建设有限公司"
    assert rules.shown_bidder_name("王小明", "RIC") == "王*明"
    assert rules.token_of(" HK-CI:abc \n") == "abc" and rules.token_of("abc") == "abc"
    same = rules.face_verdict(FaceComparison(0.41237, 0.6, True, "dlib"), "platform")
    assert (same.result, same.reference, same.score_text) == ("match", "platform", "0.412")
    assert same.note == "dlib 与平台登记照片比对一致（0.412，阈值 0.6）"
    other = rules.face_verdict(FaceComparison(0.8, 0.6, False, "dlib"), "chip")
    assert other.result == "no_match" and "身份证芯片照片比对不一致" in other.note


def test_who_must_still_confirm_a_face_check() -> None:
    """A no_match always goes to the clerk; a check that compared nothing does when a face is required; a clerk's own
    check-in never waits for itself (issue 16 must 4)."""
    match = rules.face_verdict(FaceComparison(0.4, 0.6, True, "dlib"), "chip")
    no_match = rules.face_verdict(FaceComparison(0.9, 0.6, False, "dlib"), "chip")
    none = rules.face_not_done("未比对：无参考照片")
    assert not rules.needs_clerk(match, face_needs_clerk=False, face_required=True, manual=False)
    assert rules.needs_clerk(no_match, face_needs_clerk=False, face_required=True, manual=False)
    assert rules.needs_clerk(no_match, face_needs_clerk=False, face_required=False, manual=False)
    assert rules.needs_clerk(none, face_needs_clerk=False, face_required=True, manual=False)
    assert not rules.needs_clerk(none, face_needs_clerk=False, face_required=False, manual=False)
    assert rules.needs_clerk(match, face_needs_clerk=True, face_required=True, manual=False)
    assert not rules.needs_clerk(no_match, face_needs_clerk=True, face_required=True, manual=True)


def test_the_slip_of_an_auction_shows_the_paddle_and_a_reprint_says_so() -> None:
    def info(no: int, lot: str, kind: str = "auction") -> CheckinInfo:
        return CheckinInfo(no, "S", "某某交易", kind, "交易厅", START, f"R-{no}", lot or None, "甲公司", "王*明", no,
                           "07" if kind == "auction" else None, "tok", "idcard", START, "captured", False, None, None)

    slip = checkin_slip((info(1, "L1"), info(2, "L2")), "示例交易中心", reprint=True)
    texts = [i.text for i in slip.items if isinstance(i, Text)]
    assert texts[:3] == ["示例交易中心", "竞买签到单", "（补打）"]
    assert "07" in texts and "标的：L1、L2" in texts and "签到号：001、002" in texts
    assert [i.data for i in slip.items if isinstance(i, Qr)] == ["HK-CI:tok"]
    opening = [i.text for i in checkin_slip((info(3, "", "opening"),), "示例交易中心").items if isinstance(i, Text)]
    assert opening[1] == "开标签到单" and "竞买号牌" not in opening and "（补打）" not in opening
