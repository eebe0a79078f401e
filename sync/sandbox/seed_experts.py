"""The demo day's evaluation experts and one evaluation sitting (docs/platform-api.md §7.3; issue 17).

Thirty experts of the region's pool in two specialties (A080101 市政道路 and A080102 桥梁, codes
in the style of the 评标专家专业分类标准), among them one suspended, one employed by a bidder of the
linked opening, one who declared a conflict with the agency and one of another region — so the
pool the hall computes is visibly smaller than the feed. Demo data only: the names are invented,
the ID numbers are valid in form only, the mobiles are 139-0471-00xx.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN = ["建国", "海涛", "志强", "丽华", "国庆", "秀英", "文斌", "红梅", "立新", "春燕"]
AGENCY_CODE = "91150100MA0N000000"  # the agency of the demo evaluation (avoid_codes)


def expert_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)]


def demo_experts(today: dt.date, *, bidder_code: str, ric: Any, uscc: Any) -> list[dict[str, Any]]:
    """The experts feed: ``ric(region, birth, serial)`` makes an ID number, ``uscc(region, org8)`` a code."""
    out = []
    for i in range(30):
        specialty = "A080101" if i % 3 else "A080102"
        employer = {"name": f"内蒙古第{i + 1}设计研究院有限公司", "code": uscc("150100", f"MA0E{i:04d}")}
        expert: dict[str, Any] = {
            "expert_id": f"EX-150000-{1000 + i:05d}", "name": expert_name(i),
            "id_number": ric("150102", f"19{60 + i % 30:02d}0{1 + i % 9}1{i % 10}", 101 + i),
            "mobile": f"139047100{i:02d}", "photo_sha256": None, "specialties": [specialty],
            "title": "高级工程师", "employer": employer, "region": "150100", "status": "active",
            "declared_conflicts": [],
        }
        if i == 4:
            expert["status"] = "suspended"
        if i == 5:
            expert["employer"] = {"name": "内蒙古蒙兴路桥建设集团有限公司", "code": bidder_code}
        if i == 7:
            expert["declared_conflicts"] = [AGENCY_CODE]
        if i == 8:
            expert["region"] = "150200"
        if i % 5 == 0 and i not in (0, 5):
            expert["specialties"] = ["A080101", "A080102"]
        out.append(expert)
    return out


def demo_evaluation(today: dt.date, *, session_id: str, staff: list[dict[str, str]], at: Any) -> dict[str, Any]:
    """One evaluation sitting this afternoon for the morning's opening ``session_id``."""
    return {
        "evaluation_id": f"EV-{today:%Y%m%d}-003", "session_ids": [session_id], "room_code": "PB-02",
        "room_name": "第二评标室", "starts_at": at(today, 14, 30), "expected_hours": 4, "trade_type": "GCJS",
        "budget": "12500000.00", "members_total": 5, "owner_reps": 1,
        "draws": [{"specialty": "A080101", "count": 3, "reserves": 2}, {"specialty": "A080102", "count": 1, "reserves": 1}],
        "draw_not_before": at(today - dt.timedelta(days=2), 14, 30), "region": "150100",
        "avoid_codes": [AGENCY_CODE], "staff": staff,
    }
