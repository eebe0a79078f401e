"""``hall-kiosk auction``: the auction engine for scripts and tests.

    hall-kiosk auction lots --session S [--json]
    hall-kiosk auction status --session S --lot L [--json]
    hall-kiosk auction open --session S --lot L ACTOR [--no-jump] [--grid] [--stage METHOD]   (confirms the lot's after_cap)
    hall-kiosk auction stage-bid --session S --lot L --paddle 03 [--value 1200] ACTOR [--json]   (area m², share %, sealed bid)
    hall-kiosk auction sealed --session S --lot L ACTOR start|close   (平均价 one-time bids)
    hall-kiosk auction bid --session S --lot L --paddle 03 [--amount 33000] [--source floor|keypad] ACTOR [--json]
    hall-kiosk auction call|hammer --session S --lot L ACTOR [--json]
    hall-kiosk auction terminate --session S --lot L ACTOR --reason "…"
    hall-kiosk auction lottery --session S --lot L ACTOR candidates|draw
    hall-kiosk auction lottery --session S --lot L ACTOR --as supervisor|auctioneer entropy --digits 4711
    hall-kiosk auction verify-lottery --session S --lot L     (0: the journal's lottery recomputes; 1: names what differs)
    hall-kiosk auction settle --session S --lot L ACTOR signed|refused [--reason "…"]   (the buyer's deposit, D10)
    hall-kiosk auction deposits --session S [--json]

ACTOR is how the auctioneer (or, for the lottery's digits, the supervisor) takes their session role,
as at the console (hallkiosk/cli/auth.py): ``--card`` (the ID card on the configured reader) and/or
``--operator NAME`` with the PIN on the first line of stdin; ``--operator`` alone is refused.
The reserve is never entered here (it needs the auctioneer's and a supervisor's PIN at the console)
and never printed. Exit codes: 0 done, 1 refused by the rules or the role check, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hallkiosk.cli.auth import add_actor_args, role_holder
from hallkiosk.cli.common import config_from_args, print_json
from kiosk.auction import AuctionError, AuctionService, LotView, verify_lottery
from kiosk.hall import Hall
from kiosk.operators import AccessError
from kiosk.staffing import RoleHolder
from kiosk.timeutil import rfc3339


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    au = subparsers.add_parser("auction", help="auction hall (拍卖)").add_subparsers(dest="sub", metavar="SUB")

    def lot_parser(name: str, help_text: str, func: Any, *, operator: bool = False) -> argparse.ArgumentParser:
        p = au.add_parser(name, parents=[common], help=help_text)
        p.add_argument("--session", required=True, metavar="ID")
        p.add_argument("--lot", required=True, metavar="CODE")
        if operator:
            add_actor_args(p)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
        return p

    p = au.add_parser("lots", parents=[common], help="the session's lots and their state")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_lots)
    lot_parser("status", "one lot: price, leading paddle, calls, last bids", _status)
    p = lot_parser("open", "announce and open a lot", _open, operator=True)
    p.add_argument("--no-jump", action="store_true", help="forbid jump bids (跳价)")
    p.add_argument("--grid", action="store_true", help="amounts on the increment grid only")
    p.add_argument("--stage", choices=("lottery", "area", "self_hold", "average"),
                   help="capped lots: the method after the cap you read out (must be the lot's after_cap)")
    p = lot_parser("stage-bid", "a bid of the stage after the cap (validated and journalled)", _stage_bid, operator=True)
    p.add_argument("--paddle", required=True)
    p.add_argument("--value", help="area m² / share %% (default: the next one), or the one-time bid")
    p = lot_parser("sealed", "平均价: start the one-time bids, or close the entry and reveal", _sealed, operator=True)
    p.add_argument("action", choices=("start", "close"))
    p = lot_parser("bid", "one bid (validated and journalled, accepted or rejected)", _bid, operator=True)
    p.add_argument("--paddle", required=True)
    p.add_argument("--amount", help="default: the next amount")
    p.add_argument("--source", choices=("floor", "keypad"), default="floor")
    lot_parser("call", "the next call (第一次/第二次/第三次)", _call, operator=True)
    lot_parser("hammer", "落槌: sold or unsold (after the third call)", _hammer, operator=True)
    p = lot_parser("terminate", "终止 a lot with a reason", _terminate, operator=True)
    p.add_argument("--reason", required=True)
    p = lot_parser("lottery", "摇号 among the bidders at the cap: candidates → each one's digits → draw", _lottery,
                   operator=True)
    p.add_argument("step", choices=("candidates", "entropy", "draw"))
    p.add_argument("--as", dest="as_role", choices=("auctioneer", "supervisor"), default="auctioneer",
                   help="entropy: whose digits (the supervisor enters theirs in their own role)")
    p.add_argument("--digits", help="entropy: 4–12 digits")
    lot_parser("verify-lottery", "recompute the lot's lottery from the journal (exit 1 naming what differs)", _verify)
    p = lot_parser("settle", "the buyer signed the 成交确认书, or refused (悔拍: the deposit is forfeited)", _settle,
                   operator=True)
    p.add_argument("outcome", choices=("signed", "refused"))
    p.add_argument("--reason", default="")
    p = au.add_parser("deposits", parents=[common], help="the deposit ledger (held / convert / release / refund / forfeited)")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_deposits)


def _lot_dict(v: LotView) -> dict[str, Any]:
    return {
        "session_id": v.session_id, "lot_code": v.lot_code, "title": v.title, "state": v.state,
        "start_price": v.start_price, "increment": v.increment, "price_unit": v.price_unit,
        "has_reserve": v.has_reserve, "reserve_entered": v.reserve_entered, "cap_price": v.cap_price,
        "current_price": v.current_price, "leading_paddle": v.leading_paddle, "next_amount": v.next_amount,
        "capped_paddles": list(v.capped_paddles), "call_no": v.call_no, "hammer_price": v.hammer_price,
        "buyer_paddle": v.buyer_paddle, "close_reason": v.close_reason, "version": v.version,
        "trade_type": v.trade_type, "min_bidders": v.min_bidders, "eligible_bidders": v.eligible_bidders,
        "stage": v.stage, "stage_start": v.stage_start, "stage_step": v.stage_step, "stage_upper": v.stage_upper,
        "stage_phase": v.stage_phase, "stage_value": v.stage_value, "stage_leader": v.stage_leader,
        "stage_next": v.stage_next, "sealed_in": list(v.sealed_in), "stage_mean": v.stage_mean,
        "bids": [{"seq": b.seq, "paddle_no": b.paddle_no, "amount": b.amount, "source": b.source,
                  "accepted": b.accepted, "reason": b.reason, "at": rfc3339(b.at), "corrected": b.corrected}
                 for b in v.bids],
    }


_ACTOR: dict[int, RoleHolder] = {}


def _run(args: argparse.Namespace, action: Any) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        if hasattr(args, "role_reason"):  # an act: take the session role first, as the console does
            role = getattr(args, "as_role", None) or "auctioneer"
            _ACTOR[id(args)] = role_holder(hall, args, args.session, role)
        return action(AuctionService(hall))
    except (AuctionError, AccessError) as exc:
        print(f"{exc.zh} ({exc.en})", file=sys.stderr)
        return 2 if exc.code in ("no_lot", "bad_amount", "reason_required", "bad_entropy") else 1
    finally:
        _ACTOR.pop(id(args), None)
        hall.close()


def _who(args: argparse.Namespace) -> RoleHolder:
    return _ACTOR[id(args)]


def _show(args: argparse.Namespace, v: LotView) -> None:
    if getattr(args, "json", False):
        print_json(_lot_dict(v))
    else:
        price = v.money(v.current_price) if v.current_price else "—"
        print(f"{v.lot_code} {v.title} · {v.state} · 当前 {price} · 领先 {v.leading_paddle or '—'} · 报价 {v.call_no}/3")


def _lots(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        lots = a.lots(args.session)
        if not lots:
            print(f"没有这个场次或标的 no lots for session {args.session}", file=sys.stderr)
            return 2
        if args.json:
            print_json([_lot_dict(v) for v in lots])
        else:
            for v in lots:
                _show(args, v)
        return 0

    return _run(args, go)


def _status(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        _show(args, a.lot(args.session, args.lot, last_bids=20))
        return 0

    return _run(args, go)


def _open(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        _show(args, a.open_lot(args.session, args.lot, actor=_who(args), jump_bids=not args.no_jump, on_grid=args.grid,
                               stage=args.stage))
        return 0

    return _run(args, go)


def _bid(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        r = a.bid(args.session, args.lot, args.paddle, args.amount, source=args.source, actor=_who(args))
        if args.json:
            print_json({"seq": r.seq, "accepted": r.accepted, "reason": r.reason, "amount": r.amount,
                        "leading_paddle": r.lot.leading_paddle, "current_price": r.lot.current_price})
        else:
            print(f"出价已收到 bid received: {args.paddle} {r.amount}" if r.accepted
                  else f"应价无效 refused: {r.reason_zh} ({r.reason_en})")
        return 0 if r.accepted else 1

    return _run(args, go)


def _stage_bid(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        r = a.stage_bid(args.session, args.lot, args.paddle, args.value, source="floor", actor=_who(args))
        if args.json:
            print_json({"seq": r.seq, "accepted": r.accepted, "reason": r.reason, "value": r.amount,
                        "stage": r.lot.stage, "stage_leader": r.lot.stage_leader, "stage_value": r.lot.stage_value})
        else:
            print(f"报价已收到 received: {args.paddle} {r.lot.stage_text(r.amount) if r.lot.stage != 'average' else '(sealed)'}"
                  if r.accepted else f"报价无效 refused: {r.reason_zh} ({r.reason_en})")
        return 0 if r.accepted else 1

    return _run(args, go)


def _sealed(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        act = a.start_sealed if args.action == "start" else a.close_sealed
        _show(args, act(args.session, args.lot, actor=_who(args)))
        return 0

    return _run(args, go)


def _call(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        _show(args, a.call(args.session, args.lot, actor=_who(args)))
        return 0

    return _run(args, go)


def _result(args: argparse.Namespace, r: Any) -> None:
    if args.json:
        print_json({"result": r.result, "hammer_at": rfc3339(r.hammer_at), "hammer_price": r.hammer_price,
                    "paddle_no": r.paddle_no, "confirmation_sha256": r.confirmation_sha256,
                    "record_sha256": r.record_sha256, "confirmation_path": r.confirmation_path,
                    "record_path": r.record_path, "lottery_seed": r.lottery_seed, "reason": r.reason})
    else:
        print(f"{r.result} {r.paddle_no or ''} {r.hammer_price or ''} {r.reason or ''}".strip())


def _hammer(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        _result(args, a.hammer(args.session, args.lot, actor=_who(args)))
        return 0

    return _run(args, go)


def _terminate(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        _result(args, a.terminate(args.session, args.lot, actor=_who(args), reason=args.reason))
        return 0

    return _run(args, go)


def _lottery(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        if args.step == "candidates":
            v = a.lottery_candidates(args.session, args.lot, actor=_who(args))
            print(f"摇号候选人 candidates: {'、'.join(v.lottery_candidates)}")
        elif args.step == "entropy":
            v = a.lottery_entropy(args.session, args.lot, args.digits or "", actor=_who(args))
            print(f"已录入 entered: {'、'.join(v.lottery_entropy)}"
                  + (f" · 种子 SHA-256 seed commitment: {v.lottery_commitment}" if v.lottery_commitment else ""))
        else:
            v = a.lottery_run(args.session, args.lot, actor=_who(args))
            print(f"中签 winner: {v.lottery_winner} · 种子 seed: {v.lottery_seed}")
        return 0

    return _run(args, go)


def _verify(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        diffs = verify_lottery(a.lottery_entries(args.session, args.lot))
        if diffs:
            for d in diffs:
                print(d, file=sys.stderr)
            return 1
        print("摇号可复算，结果一致 / the lottery recomputes from the journal: commitment, seed, candidates and winner agree")
        return 0

    return _run(args, go)


def _settle(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        rows = a.settle_deposit(args.session, args.lot, signed=args.outcome == "signed", actor=_who(args), reason=args.reason)
        for r in rows:
            if r["lot_code"] == args.lot:
                print(f"{r['lot_code']} {r['registration_id']} {r['paddle_no'] or '—'} {r['amount']} {r['effect']}")
        return 0

    return _run(args, go)


def _deposits(args: argparse.Namespace) -> int:
    def go(a: AuctionService) -> int:
        rows = a.deposit_ledger(args.session)
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['lot_code']} {r['registration_id']} {r['paddle_no'] or '—'} {r['amount']} {r['effect']}")
        return 0

    return _run(args, go)
