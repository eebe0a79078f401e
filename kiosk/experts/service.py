"""The expert draw's units of work (issue 17 must 1, the core of must 2; docs/rules/expert-area.md).

A draw is two acts with a wait between them:

1. :meth:`ExpertsService.commit` — the eligible pool is computed, its SHA-256 and the seed's
   commitment are journalled (``expert.draw_committed``) with the pools per specialty and the
   plan; the seed (CSPRNG bytes mixed with what the representative and the supervisor typed) is
   kept encrypted.
2. The sync worker pushes that entry; the platform's signed receipt for it comes back. Nobody in
   the hall could know its signature when the commitment was made: it is the **beacon**
   (:meth:`beacon`). If none arrives within ``[experts] beacon_wait_seconds`` the draw proceeds
   and the record says none was used.
3. :meth:`draw` — the selection is computed from (pools, seed, beacon) by ``kiosk.draws`` and
   journalled as ``expert.draw`` (docs/platform-api.md §7.4, expert ids only) with the seed revealed.

Calling (:meth:`call`, :meth:`collect`, :meth:`expire`, :meth:`answer`): invitations by SMS through
a :class:`kiosk.ports.SmsPort`, replies 1/2 → ``expert.response``; a decline or no answer is
replaced from the reserves of the same specialty in draw order (REG 46), and when they run out by a
new round drawn the same way. Names and numbers never reach the journal or a log line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from kiosk import draws, receipts
from kiosk.context import HallContext
from kiosk.db.models import JournalEntry, PfBlacklist, PfRegistration, Receipt
from kiosk.db.models_experts import ExpertDraw, ExpertPick, PfEvaluation, PfExpert
from kiosk.errors import HallError
from kiosk.experts import rules
from kiosk.experts.verify import DrawCheck, verify
from kiosk.experts.views import CommitView, DrawView, EvaluationView, LineView, PickView, PoolView
from kiosk.feeds import CTX_EXPERT_MOBILE, CTX_EXPERT_NAME
from kiosk.pii import mask_name
from kiosk.ports import SmsPort
from kiosk.staffing.service import current
from kiosk.staffing.views import RoleHolder
from kiosk.timeutil import rfc3339

log = logging.getLogger(__name__)

#: picks that are out of the committee (their place goes to a reserve or a new round)
OUT = ("declined", "none", "replaced")
#: picks that hold an expert's time (for the overlap rule): a reserve may still be called
HOLDING = ("waiting", "selected", "called", "accepted")


def _evaluation(s: Session, evaluation_id: str) -> PfEvaluation:
    ev = s.get(PfEvaluation, evaluation_id)
    if ev is None:
        raise HallError("unknown_evaluation", f"评标场次不存在：{evaluation_id}", f"no such evaluation: {evaluation_id}")
    return ev


class ExpertsService:
    """The expert draw over the hall (:class:`kiosk.context.HallContext`).

    Args:
        sms: the modem; None when the hall has none (answers are then entered at the console).
    """

    def __init__(self, hall: HallContext, *, sms: SmsPort | None = None) -> None:
        self.hall = hall
        self.sms = sms

    # --- reading ------------------------------------------------------------------------------------

    def evaluations(self) -> list[EvaluationView]:
        with self.hall.reading() as s:
            out = []
            for ev in s.scalars(select(PfEvaluation).order_by(PfEvaluation.starts_at, PfEvaluation.evaluation_id)):
                rounds = len(list(s.scalars(select(ExpertDraw.id).where(ExpertDraw.evaluation_id == ev.evaluation_id))))
                out.append(EvaluationView(
                    ev.evaluation_id, ev.room_code, ev.room_name, ev.starts_at, ev.members_total, ev.owner_reps,
                    tuple((str(d["specialty"]), int(d["count"]), int(d.get("reserves") or 0)) for d in ev.draws),
                    ev.draw_not_before, rounds))
            return out

    def pool(self, evaluation_id: str, plan: Sequence[Mapping[str, Any]] | None = None) -> PoolView:
        """Counts per specialty before a draw (who is in the pool is never shown)."""
        with self.hall.reading() as s:
            ev = _evaluation(s, evaluation_id)
            pools, excluded, _drawn = self._pools(s, ev)
            plan_rows = list(plan if plan is not None else ev.draws)
        lines = rules.check_lines(pools, plan_rows)
        union = {i for ids in pools.values() for i in ids}
        return PoolView(evaluation_id, tuple(
            LineView(ln.specialty, int(p["count"]), int(p.get("reserves") or 0), ln.available, ln.short)
            for ln, p in zip(lines, plan_rows, strict=True)), len(union), draws.pool_sha256(union), excluded)

    def _pools(self, s: Session, ev: PfEvaluation) -> tuple[dict[str, list[str]], dict[str, int], set[str]]:
        specialties = [str(d["specialty"]) for d in ev.draws]
        day = self.hall.clock.now().date().isoformat()
        barred: set[str] = set()
        for code_hmac, valid_from, valid_until in s.execute(select(
                PfBlacklist.body_code_hmac, PfBlacklist.valid_from, PfBlacklist.valid_until).where(PfBlacklist.body_type == "expert")):
            if (valid_from and day < valid_from) or (valid_until and day > valid_until):
                continue
            if code_hmac:
                barred.add(code_hmac)
        avoid = set(ev.avoid_codes)
        if ev.session_ids:
            avoid.update(c for c in s.scalars(select(PfRegistration.bidder_code).where(
                PfRegistration.session_id.in_(ev.session_ids), PfRegistration.bidder_code.is_not(None))) if c)
        hours = rules.hours_of(ev.expected_hours)
        busy: set[str] = set()
        drawn_here: set[str] = set()
        for pick, other in s.execute(select(ExpertPick, PfEvaluation).join(
                PfEvaluation, PfEvaluation.evaluation_id == ExpertPick.evaluation_id)):
            if pick.evaluation_id == ev.evaluation_id:
                drawn_here.add(pick.expert_id)
            elif pick.status in HOLDING and rules.overlaps(ev.starts_at, hours, other.starts_at,
                                                          rules.hours_of(other.expected_hours)):
                busy.add(pick.expert_id)
        # columns, not objects, and the JSON lists read raw: 10,000 experts are read in a fraction of a second
        cols = (PfExpert.expert_id, type_coerce(PfExpert.specialties, Text), PfExpert.region, PfExpert.status,
                PfExpert.employer_code, type_coerce(PfExpert.declared_conflicts, Text), PfExpert.id_hmac)
        facts = [rules.ExpertFacts(eid, _strings(sp), region, status, employer, _strings(conflicts),
                                   barred=bool(id_hmac and id_hmac in barred))
                 for eid, sp, region, status, employer, conflicts, id_hmac in s.execute(select(*cols))]
        pools, ex = rules.eligible_pools(facts, specialties, ev.region, avoid, busy, drawn_here)
        excluded = {"inactive": ex.inactive, "barred": ex.barred, "employer": ex.employer, "conflict": ex.conflict,
                    "busy": ex.busy, "drawn": ex.drawn}
        return pools, excluded, drawn_here

    def picks(self, evaluation_id: str) -> list[PickView]:
        """The experts drawn, names masked — for the extraction console only (TBL 38)."""
        with self.hall.reading() as s:
            rows = [(r.id, r.round, r.expert_id, r.specialty, r.order, r.reserve, r.status, r.replaces)
                    for r in s.scalars(select(ExpertPick).where(ExpertPick.evaluation_id == evaluation_id)
                                       .order_by(ExpertPick.round, ExpertPick.id))]
            names = {e.expert_id: e.name_enc for e in s.scalars(
                select(PfExpert).where(PfExpert.expert_id.in_([r[2] for r in rows])))}
        out = []
        for pid, rnd, expert_id, specialty, order, reserve, status, replaces in rows:
            enc = names.get(expert_id)
            name = mask_name(self.hall.vault.decrypt_str(enc, context=CTX_EXPERT_NAME)) if enc else "—"
            out.append(PickView(pid, rnd, expert_id, name, specialty, order, reserve, status, replaces))
        return out

    # --- the draw -----------------------------------------------------------------------------------

    def commit(self, evaluation_id: str, holders: Mapping[str, RoleHolder], entropy: Mapping[str, str], *,
               plan: Sequence[Mapping[str, Any]] | None = None, random_bytes: bytes | None = None) -> CommitView:
        """Journal the pool's hash and the seed's commitment (``expert.draw_committed``); the first act of a round.

        ``holders``: the roles present (:data:`rules.DRAW_ROLES`), each taken by card through the
        staffing service for this evaluation; ``entropy``: what the representative and the
        supervisor typed (never stored, only mixed into the seed).
        """
        rules.need_roles(holders.keys())
        rules.need_entropy(entropy)
        seed = draws.hall_seed(random_bytes or secrets.token_bytes(32),
                               *(entropy[r].strip() for r in rules.ENTROPY_ROLES))
        with self.hall.unit() as s:
            for role in rules.DRAW_ROLES:
                current(s, holders[role], evaluation_id, (role,))
            ev = _evaluation(s, evaluation_id)
            now = self.hall.clock.now()
            rules.need_time(now, ev.draw_not_before)
            open_round = s.scalar(select(ExpertDraw).where(ExpertDraw.evaluation_id == evaluation_id,
                                                           ExpertDraw.state == "committed"))
            if open_round is not None:
                raise HallError("committed", "本轮已承诺种子，请完成抽取", "this round is committed already: draw it")
            rounds = list(s.scalars(select(ExpertDraw.round).where(ExpertDraw.evaluation_id == evaluation_id)))
            rnd = max(rounds, default=0) + 1
            if rnd == 1 and plan is None:
                plan = ev.draws
            if plan is None:
                raise HallError("plan", "补抽须给出专业和人数", "a further round needs its plan")
            if rnd == 1:  # the committee the first round composes (later rounds fill its places)
                rules.check_committee(ev.members_total, ev.owner_reps, plan, ev.trade_type, ev.budget)
            pools, _excluded, _drawn = self._pools(s, ev)
            rules.need_pools(rules.check_lines(pools, plan))
            union = {i for ids in pools.values() for i in ids}
            plan_rows = [{"specialty": str(p["specialty"]), "count": int(p["count"]),
                          "reserves": int(p.get("reserves") or 0)} for p in plan]
            payload: dict[str, Any] = {
                "evaluation_id": evaluation_id, "round": rnd, "scheme": draws.SCHEME,
                "pool_sha256": draws.pool_sha256(union), "pool_size": len(union),
                "pools": {sp: ids for sp, ids in pools.items()}, "plan": plan_rows,
                "seed_commitment": draws.commitment(seed), "roles": sorted(holders), "at": rfc3339(now),
            }
            entry = self.hall.journal.append(s, "expert.draw_committed", payload)
            s.add(ExpertDraw(evaluation_id=evaluation_id, round=rnd, state="committed",
                             pool_sha256=payload["pool_sha256"], pool_size=len(union),
                             seed_commitment=payload["seed_commitment"],
                             seed_enc=self.hall.vault.encrypt(seed.hex(), context=b"expert_draws.seed"),
                             commit_seq=entry.seq, committed_at=now))
        return CommitView(evaluation_id, rnd, payload["pool_sha256"], len(union), payload["seed_commitment"], entry.seq)

    def open_round(self, evaluation_id: str) -> CommitView | None:
        """The round committed and not yet drawn (a console restarted between the two acts), or None."""
        with self.hall.reading() as s:
            d = s.scalar(select(ExpertDraw).where(ExpertDraw.evaluation_id == evaluation_id, ExpertDraw.state == "committed"))
            return None if d is None else CommitView(evaluation_id, d.round, d.pool_sha256, d.pool_size,
                                                     d.seed_commitment, d.commit_seq)

    def beacon(self, evaluation_id: str) -> tuple[str, int] | None:
        """The platform's receipt signature for the open round's commitment, with the receipted seq (None yet)."""
        with self.hall.reading() as s:
            d = s.scalar(select(ExpertDraw).where(ExpertDraw.evaluation_id == evaluation_id, ExpertDraw.state == "committed"))
            if d is None:
                return None
            r = s.scalar(select(Receipt).where(Receipt.seq >= d.commit_seq).order_by(Receipt.seq).limit(1))
            return None if r is None else (r.sig, int(r.seq))

    def draw(self, evaluation_id: str, holders: Mapping[str, RoleHolder], *,
             beacon: tuple[str, int] | None) -> DrawView:
        """Draw the committed round, journal ``expert.draw`` (§7.4) with the seed revealed."""
        rules.need_roles(holders.keys())
        with self.hall.unit() as s:
            for role in rules.DRAW_ROLES:
                current(s, holders[role], evaluation_id, (role,))
            d = s.scalar(select(ExpertDraw).where(ExpertDraw.evaluation_id == evaluation_id, ExpertDraw.state == "committed"))
            if d is None:
                raise HallError("not_committed", "请先承诺种子", "commit the seed first")
            committed = _payload(s, d.commit_seq)
            seed = draws.seed_from_hex(self.hall.vault.decrypt_str(d.seed_enc, context=b"expert_draws.seed"))
            earlier = set(s.scalars(select(ExpertPick.expert_id).where(ExpertPick.evaluation_id == evaluation_id)))
            lines = [draws.Line(p["specialty"], p["count"], p["reserves"]) for p in committed["plan"]]
            beacon_value = beacon[0] if beacon else ""
            receipt_row = None if beacon is None else s.scalar(select(Receipt).where(
                Receipt.seq == beacon[1], Receipt.sig == beacon[0]).limit(1))
            chosen = draws.select_lines(committed["pools"], lines, draws.draw_key(seed, beacon_value), exclude=earlier)
            now = self.hall.clock.now()
            payload: dict[str, Any] = {
                "evaluation_id": evaluation_id, "round": d.round, "scheme": draws.SCHEME,
                "pool_sha256": d.pool_sha256, "pool_size": d.pool_size, "seed_commitment": d.seed_commitment,
                "seed": seed.hex(), "beacon": beacon_value or None, "beacon_seq": beacon[1] if beacon else None,
                "beacon_source": "platform_receipt" if beacon else "none",
                # the whole receipt, so anyone with the platform's public key can check the beacon was its signature
                "beacon_receipt": receipts.as_dict(receipt_row) if receipt_row is not None else None,
                "commit_seq": d.commit_seq,
                "selected": [{"expert_id": p.id, "specialty": p.label, "order": p.order, "reserve": p.reserve}
                             for p in chosen],
                "at": rfc3339(now),
            }
            entry = self.hall.journal.append(s, "expert.draw", payload)
            d.state, d.beacon, d.draw_seq, d.drawn_at = "drawn", beacon_value or None, entry.seq, now
            for p in chosen:
                s.add(ExpertPick(evaluation_id=evaluation_id, round=d.round, expert_id=p.id, specialty=p.label,
                                 order=p.order, reserve=p.reserve, status="waiting" if p.reserve else "selected",
                                 note=""))
            rnd = d.round
            if rnd > 1:  # a further round fills places left open: link each new member to a vacancy
                s.flush()
                self._link_vacancies(s, evaluation_id, rnd)
        return DrawView(evaluation_id, rnd, seed.hex(), beacon_value or None, tuple(
            v for v in self.picks(evaluation_id) if v.round == rnd))

    def _link_vacancies(self, s: Session, evaluation_id: str, rnd: int) -> None:
        new = list(s.scalars(select(ExpertPick).where(ExpertPick.evaluation_id == evaluation_id, ExpertPick.round == rnd,
                                                      ExpertPick.reserve.is_(False)).order_by(ExpertPick.id)))
        for pick in new:
            gap = s.scalar(select(ExpertPick).where(
                ExpertPick.evaluation_id == evaluation_id, ExpertPick.specialty == pick.specialty,
                ExpertPick.status.in_(("declined", "none")), ExpertPick.round < rnd).order_by(ExpertPick.id).limit(1))
            if gap is not None:
                gap.status, pick.replaces = "replaced", gap.id

    # --- calling and replacing ------------------------------------------------------------------------

    def call(self, evaluation_id: str) -> int:
        """Send the invitation to every selected expert not yet called; returns how many were sent.

        Blocks on the modem: run it on a worker lane.
        """
        if self.sms is None:
            return 0
        with self.hall.reading() as s:
            ev = _evaluation(s, evaluation_id)
            text = rules.invitation(ev.starts_at, ev.room_name or ev.room_code, self.hall.config.site.name)
            todo = [(p.id, p.expert_id) for p in s.scalars(select(ExpertPick).where(
                ExpertPick.evaluation_id == evaluation_id, ExpertPick.status == "selected").order_by(ExpertPick.id))]
            mobiles = {e.expert_id: e.mobile_enc for e in s.scalars(
                select(PfExpert).where(PfExpert.expert_id.in_([x for _i, x in todo])))}
        sent = 0
        for pick_id, expert_id in todo:
            enc = mobiles.get(expert_id)
            if not enc:
                continue  # no number: the console records the answer by phone (channel manual)
            ref = self.sms.send(self.hall.vault.decrypt_str(enc, context=CTX_EXPERT_MOBILE), text)
            with self.hall.unit() as s:
                pick = s.get(ExpertPick, pick_id)
                if pick is None or pick.status != "selected":
                    continue
                now = self.hall.clock.now()
                pick.status, pick.called_at, pick.message_ref = "called", now, ref
                self.hall.journal.append(s, "expert.called", {"evaluation_id": evaluation_id, "expert_id": expert_id,
                                                              "channel": "sms", "at": rfc3339(now)})
            sent += 1
        return sent

    def collect(self) -> int:
        """Read the modem's replies and record each meaningful one; returns how many were recorded."""
        if self.sms is None:
            return 0
        done = 0
        for reply in self.sms.replies():
            answer = rules.answer_of(reply.text)
            digits = "".join(ch for ch in reply.number if ch.isdigit())
            if digits.startswith("86") and len(digits) == 13:
                digits = digits[2:]
            if answer is None or not digits:
                continue
            hmacs = self.hall.vault.lookup_hmacs(digits)
            with self.hall.unit() as s:
                expert = s.scalar(select(PfExpert).where(PfExpert.mobile_hmac.in_(hmacs)))
                if expert is None:
                    continue
                pick = s.scalar(select(ExpertPick).where(ExpertPick.expert_id == expert.expert_id,
                                                         ExpertPick.status == "called").order_by(ExpertPick.id.desc()).limit(1)
                                .with_for_update())  # two terminals' answer loops never record one reply twice
                if pick is None:
                    continue
                self._answer(s, pick, answer, "sms", reply.at)
                done += 1
        return done

    def expire(self) -> int:
        """Record ``none`` for every invitation unanswered past ``[experts] answer_minutes``."""
        minutes = self.hall.config.experts.answer_minutes
        now = self.hall.clock.now()
        n = 0
        with self.hall.unit() as s:
            for pick in s.scalars(select(ExpertPick).where(ExpertPick.status == "called").order_by(ExpertPick.id)
                                  .with_for_update()):
                if pick.called_at is not None and now >= rules.answer_due(pick.called_at, minutes):
                    self._answer(s, pick, "none", "sms", now)
                    n += 1
        return n

    def answer(self, evaluation_id: str, expert_id: str, answer: str, holder: RoleHolder) -> None:
        """An answer taken by phone at the console (channel ``manual``), by the staff member who runs the draw."""
        if answer not in ("accept", "decline", "none"):
            raise HallError("answer", "答复只能是接受、拒绝或未答复", "the answer is accept, decline or none")
        with self.hall.unit() as s:
            current(s, holder, evaluation_id, ("witness",))
            pick = s.scalar(select(ExpertPick).where(ExpertPick.evaluation_id == evaluation_id,
                                                     ExpertPick.expert_id == expert_id,
                                                     ExpertPick.status.in_(("selected", "called"))).with_for_update())
            if pick is None:
                raise HallError("not_waiting", "该专家没有待答复的邀请", "this expert has no invitation waiting for an answer")
            self._answer(s, pick, answer, "manual", self.hall.clock.now())

    def _answer(self, s: Session, pick: ExpertPick, answer: str, channel: str, at: dt.datetime) -> None:
        pick.status = {"accept": "accepted", "decline": "declined", "none": "none"}[answer]
        pick.answered_at = at
        self.hall.journal.append(s, "expert.response", {"evaluation_id": pick.evaluation_id, "expert_id": pick.expert_id,
                                                        "channel": channel, "answer": answer, "at": rfc3339(at)})
        if answer != "accept":
            self._replace(s, pick)

    def _replace(self, s: Session, pick: ExpertPick) -> None:
        """The next reserve of the same specialty, in draw order, takes the place (REG 46)."""
        reserve = s.scalar(select(ExpertPick).where(
            ExpertPick.evaluation_id == pick.evaluation_id, ExpertPick.specialty == pick.specialty,
            ExpertPick.status == "waiting").order_by(ExpertPick.round, ExpertPick.order).limit(1))
        now = self.hall.clock.now()
        if reserve is None:
            self.hall.journal.append(s, "expert.replacement", {
                "evaluation_id": pick.evaluation_id, "expert_id": pick.expert_id, "specialty": pick.specialty,
                "replacement_id": None, "source": "none_left", "at": rfc3339(now)})
            return
        reserve.status, reserve.replaces = "selected", pick.id
        pick.status = "replaced"
        self.hall.journal.append(s, "expert.replacement", {
            "evaluation_id": pick.evaluation_id, "expert_id": pick.expert_id, "specialty": pick.specialty,
            "replacement_id": reserve.expert_id, "source": "reserve", "order": reserve.order, "at": rfc3339(now)})

    def vacancies(self, evaluation_id: str) -> list[dict[str, Any]]:
        """Places with no reserve left, as the plan of a further round (count per specialty, no reserves)."""
        with self.hall.reading() as s:
            rows = s.scalars(select(ExpertPick).where(ExpertPick.evaluation_id == evaluation_id,
                                                      ExpertPick.status.in_(("declined", "none"))))
            counts: dict[str, int] = {}
            for r in rows:
                counts[r.specialty] = counts.get(r.specialty, 0) + 1
        return [{"specialty": sp, "count": n, "reserves": 0} for sp, n in counts.items()]

    # --- verification -------------------------------------------------------------------------------

    def verify_draw(self, evaluation_id: str, platform_key: Any = None) -> DrawCheck:
        """Recompute every round from the journal alone (``hall-kiosk experts verify-draw``); with the
        platform's public key (an ``Ed25519PublicKey``) each beacon's receipt signature is checked too."""
        with self.hall.reading() as s:
            return verify_in(s, evaluation_id, platform_key)


def _strings(raw: Any) -> tuple[str, ...]:
    """A JSON list column as read raw: text on SQLite, already a list where the driver decodes JSON."""
    if isinstance(raw, list):
        return tuple(str(x) for x in raw)
    if not raw or raw == "[]":
        return ()
    return tuple(str(x) for x in json.loads(raw))


def _payload(s: Session, seq: int) -> dict[str, Any]:
    row = s.get(JournalEntry, seq)
    if row is None:
        raise HallError("journal", f"日志缺少第 {seq} 条", f"journal entry {seq} is missing")
    out: dict[str, Any] = json.loads(row.payload)
    return out


def verify_in(s: Session, evaluation_id: str, platform_key: Any = None) -> DrawCheck:
    """:func:`kiosk.experts.verify.verify` over the journal entries of one evaluation, and each round's
    beacon against its receipt: the receipt acknowledges the commitment (its ``seq`` is at or after it,
    its ``hash`` is the journal's at that ``seq``) and, with the platform's key, is signed by it."""
    committed: list[dict[str, Any]] = []
    drawn: list[dict[str, Any]] = []
    for row in s.scalars(select(JournalEntry).where(JournalEntry.kind.in_(("expert.draw_committed", "expert.draw")))
                         .order_by(JournalEntry.seq)):
        p = json.loads(row.payload)
        if p.get("evaluation_id") != evaluation_id:
            continue
        (committed if row.kind == "expert.draw_committed" else drawn).append(p)
    check = verify(committed, drawn)
    problems, notes = list(check.problems), list(check.notes)
    for d in drawn:
        where = f"round {d.get('round', 1)}"
        receipt = d.get("beacon_receipt")
        if not d.get("beacon"):
            continue
        if not isinstance(receipt, dict) or receipt.get("sig") != d.get("beacon"):
            problems.append(f"{where}: the beacon is not the signature of the receipt journalled with it")
            continue
        seq = int(receipt.get("seq") or 0)
        entry = s.get(JournalEntry, seq)
        if seq < int(d.get("commit_seq") or 0) or entry is None or entry.hash != receipt.get("hash"):
            problems.append(f"{where}: the beacon's receipt does not acknowledge this journal after the commitment")
        elif platform_key is None:
            notes.append(f"{where}: 回执签名未校验（未配置平台公钥） the receipt's signature was not checked: no platform key")
        elif not receipts.verify_receipt(receipt, platform_key):
            problems.append(f"{where}: the beacon's receipt is not signed by the platform key")
        else:
            notes.append(f"{where}: 回执签名有效 the receipt is signed by the platform key")
    return DrawCheck(not problems, check.rounds, tuple(problems), tuple(notes))
