"""Recomputing an expert draw from the journal alone (``hall-kiosk experts verify-draw``).

For every round of an evaluation's draw, the ``expert.draw_committed`` entry carries the pools per
specialty, the plan and the seed's commitment; the ``expert.draw`` entry (docs/platform-api.md §7.4)
carries the revealed seed, the beacon mixed in and the selection. A round verifies when
SHA-256(seed) is the commitment, the pools hash to ``pool_sha256`` and have ``pool_size`` ids,
and ``kiosk.draws.select_lines`` over (pools, plan, key(seed, beacon)), excluding the experts of
earlier rounds, gives exactly the journalled selection. Pure: it takes the entries' payloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk import draws


@dataclass(frozen=True)
class DrawCheck:
    ok: bool
    rounds: int
    problems: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)  #: per round: which beacon was mixed in

    def message(self) -> str:
        tail = ("\n" + "\n".join(self.notes)) if self.notes else ""
        if self.ok:
            return (f"抽取可复核，结果一致 draw verified: {self.rounds} round(s), commitment, pool and seed give the "
                    f"journalled selection{tail}")
        return "抽取复核不一致 draw does not verify: " + "; ".join(self.problems) + tail


def verify(committed: Sequence[Mapping[str, Any]], drawn: Sequence[Mapping[str, Any]]) -> DrawCheck:
    """Check each round's ``expert.draw`` against its ``expert.draw_committed`` (payloads, in journal order)."""
    problems: list[str] = []
    notes: list[str] = []
    if not drawn:
        return DrawCheck(False, 0, ("no expert.draw in the journal for this evaluation",))
    by_round = {int(c.get("round", 1)): c for c in committed}
    earlier: set[str] = set()
    for d in drawn:
        rnd = int(d.get("round", 1))
        c = by_round.get(rnd)
        where = f"round {rnd}"
        if c is None:
            problems.append(f"{where}: no commitment was journalled before the draw")
            continue
        if c.get("seed_commitment") != d.get("seed_commitment"):
            problems.append(f"{where}: the draw names another commitment than the one journalled first")
        if not draws.reveals(str(d.get("seed", "")), str(c.get("seed_commitment", ""))):
            problems.append(f"{where}: the seed does not match the commitment")
            continue
        pools: dict[str, list[str]] = {str(k): [str(i) for i in v] for k, v in dict(c.get("pools") or {}).items()}
        union = {i for ids in pools.values() for i in ids}
        if draws.pool_sha256(union) != c.get("pool_sha256") or c.get("pool_sha256") != d.get("pool_sha256"):
            problems.append(f"{where}: the pool does not hash to pool_sha256")
        if len(union) != c.get("pool_size") or c.get("pool_size") != d.get("pool_size"):
            problems.append(f"{where}: pool_size differs from the pool")
        lines = [draws.Line(str(p["specialty"]), int(p["count"]), int(p.get("reserves") or 0)) for p in c.get("plan") or []]
        key = draws.draw_key(draws.seed_from_hex(str(d["seed"])), str(d.get("beacon") or ""))
        try:
            expect = draws.select_lines(pools, lines, key, exclude=earlier)
        except draws.DrawError as exc:
            problems.append(f"{where}: the plan cannot be drawn from the pool ({exc})")
            continue
        want = [{"expert_id": p.id, "specialty": p.label, "order": p.order, "reserve": p.reserve} for p in expect]
        got = [{"expert_id": s.get("expert_id"), "specialty": s.get("specialty"), "order": s.get("order"),
                "reserve": s.get("reserve")} for s in d.get("selected") or []]
        if want != got:
            first = next((k for k, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
            problems.append(f"{where}: the selection differs from the recomputed one at position {first + 1}")
        earlier.update(str(s.get("expert_id")) for s in d.get("selected") or [])
        if d.get("beacon"):
            notes.append(f"{where}: 已混入平台回执 the platform's receipt of seq {d.get('beacon_seq')} was mixed in")
        else:
            notes.append(f"{where}: 未使用平台回执 no platform receipt was mixed in (the hall could have known the "
                         f"result when it committed)")
    return DrawCheck(not problems, len(drawn), tuple(problems), tuple(notes))
