"""A realistic seeded day at the Hohhot trading centre (呼和浩特市公共资源交易中心) for the sandbox.

:func:`demo_day` returns feed records for one day: bid openings (工程建设, 政府采购) in the opening
rooms, an auction of official cars (国有产权) and a land listing auction (土地使用权) in the
auction hall; registrations with representatives, deposits and check-in codes; a credit
blacklist (a current market ban on an entity that has registered anyway, an expired entry, a
person); and the decryption outcomes the platform will publish once a hall asks for decryption.

All identifiers are made up but valid: resident ID numbers carry GB 11643 check digits and
unified social credit codes carry both the GB 11714 organisation-code and the GB 32100 check
characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from kiosk.timeutil import BEIJING
from sync.sandbox import seed_experts

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric_check(first17: str) -> str:
    """The GB 11643 check character of a resident ID number's first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_number(region: str, birth: str, serial: int) -> str:
    """A valid 18-character resident ID number: region (6), birth YYYYMMDD, serial (3), check."""
    body = f"{region}{birth}{serial:03d}"
    return body + ric_check(body)


def org_check(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(first17: str) -> str:
    """The GB 32100 check character of a unified social credit code's first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc(region: str, org8: str, *, authority: str = "9", kind: str = "1") -> str:
    """A valid USCC: authority, entity type, region (6), organisation code (8 + check), check."""
    body = f"{authority}{kind}{region}{org8}{org_check(org8)}"
    return body + uscc_check(body)


def _code(seed: str) -> str:
    """A stable 10-character check-in code (what the bidder's phone shows as a QR code)."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    n = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    out = ""
    for _ in range(10):
        n, r = divmod(n, len(alphabet))
        out += alphabet[r]
    return out


def _t(day: dt.date, hh: int, mm: int, ss: int = 0) -> str:
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=BEIJING).isoformat()


# Market entities: name, region, organisation code (first 8)
COMPANIES: list[tuple[str, str, str]] = [
    ("内蒙古蒙兴路桥建设集团有限公司", "150100", "MA0N4K2P"),
    ("呼和浩特市城发市政工程有限责任公司", "150102", "70142638"),
    ("内蒙古青城建筑工程有限公司", "150104", "MA0Q7R1D"),
    ("内蒙古鑫达路桥工程有限公司", "150105", "MA13H8LT"),  # blacklisted: current market ban
    ("包头市北方公路工程有限公司", "150200", "11487320"),
    ("内蒙古华医科技有限公司", "150100", "MA0PX6WB"),
    ("呼和浩特市康源医疗器械有限责任公司", "150103", "MA0NB3KE"),
    ("内蒙古蒙康医药有限公司", "150100", "69955210"),
    ("鄂尔多斯市天骄医疗设备有限公司", "150600", "MA0R2G4J"),
    ("内蒙古草原晨光园林绿化有限公司", "150121", "MA0YD5TN"),
    ("呼和浩特市大青山建设有限公司", "150125", "MA0MW9C7"),
    ("内蒙古金桥置业有限公司", "150105", "MA0QNL26"),
    ("内蒙古北辰汽车贸易有限公司", "150102", "MA0P8HJ3"),
    ("内蒙古远航工程咨询有限公司", "150104", "06285739"),  # expired blacklist entry
    # the remote opening's bidders (不见面开标, issue 19)
    ("内蒙古天宇信息技术有限公司", "150100", "MA0T3X8B"),
    ("呼和浩特市恒信电子科技有限公司", "150102", "MA0U5K2C"),
    ("内蒙古智联网络工程有限公司", "150105", "MA0W7Q4D"),
    ("包头市华瑞系统集成有限公司", "150200", "MA0X9R6E"),
    ("鄂尔多斯市云端数据服务有限公司", "150600", "MA0Y1T8F"),
]

PEOPLE: list[tuple[str, str, str]] = [
    ("张伟", "150121", "19800101"),
    ("王芳", "150103", "19850312"),
    ("李强", "150122", "19780624"),
    ("刘洋", "150105", "19900215"),
    ("陈静", "150121", "19881108"),
    ("巴特尔", "150122", "19830917"),
    ("其其格", "150102", "19920403"),
    ("杨军", "150121", "19760730"),
    ("赵敏", "150103", "19871222"),
    ("乌日娜", "150104", "19950506"),
    ("黄磊", "150122", "19820819"),
    ("斯琴", "150104", "19890111"),
    ("周婷", "150102", "19930728"),
    ("吴斌", "150121", "19790305"),
    ("孙丽", "150104", "19860914"),
    ("马俊", "150105", "19910620"),
    ("苏和", "150121", "19770410"),  # blacklisted person
    ("高峰", "150102", "19840227"),
    # the remote opening's representatives: 18 and 19 come to the hall, 20 and 21 attend online
    ("郭亮", "150102", "19870709"),
    ("娜仁", "150104", "19940221"),
    ("冯涛", "150121", "19810516"),
    ("宝音", "150105", "19860102"),
    ("许诺", "150103", "19920930"),
]


#: The sessions' appointed staff (docs/platform-api.md §7.1 ``staff``): name, region, birth date, organisation.
STAFF_PEOPLE: list[tuple[str, str, str, str]] = [
    ("韩志刚", "150102", "19750312", "内蒙古正信招标代理有限公司"),  # 0 host (the agency runs its opening)
    ("白雪", "150103", "19880621", "内蒙古正信招标代理有限公司"),  # 1 recorder
    ("田建华", "150104", "19700915", "呼和浩特市住房和城乡建设局"),  # 2 supervisor (行政监督部门)
    ("赵晓东", "150105", "19860203", "呼和浩特市公共资源交易中心"),  # 3 witness (the centre's 见证人)
    ("郝建军", "150121", "19730408", "呼和浩特市赛罕区住房和城乡建设局"),  # 4 tenderer's representative
    ("李振华", "150102", "19720515", "内蒙古诚信拍卖有限责任公司"),  # 5 auctioneer (拍卖师)
    ("孙立新", "150103", "19690825", "呼和浩特市国有资产监督管理委员会"),  # 6 supervisor of the auctions
    ("周海燕", "150104", "19810630", "内蒙古公采招标咨询有限公司"),  # 7 host of the procurement opening
    ("钱明", "150105", "19780222", "呼和浩特市财政局"),  # 8 supervisor of the procurement opening
]


def staff_person(i: int, role: str) -> dict[str, str]:
    """One ``staff`` entry: staff person ``i`` appointed as ``role``."""
    name, region, birth, org = STAFF_PEOPLE[i]
    return {"role": role, "name": name, "id_number": id_number(region, birth, 51 + 2 * i), "org": org}


#: Reference photos the platform holds for some representatives (docs/platform-api.md §7.1 ``photo_sha256``,
#: served at ``GET /blobs/{sha256}``, §7.2): person index → file under assets/demo/faces
#: (assets/demo/README.md). Person 0's is the demo visitor's own face (a match at the kiosk), person
#: 6's someone else's (a no-match: the clerk decides).
REFERENCE_PHOTOS = {0: "reference-obama2.jpg", 6: "reference-biden.jpg"}
FACES_DIR = Path(__file__).resolve().parents[2] / "assets" / "demo" / "faces"


def reference_photo(i: int) -> bytes | None:
    """The platform's reference photo of person ``i`` (JPEG bytes), None when it holds none."""
    name = REFERENCE_PHOTOS.get(i)
    return (FACES_DIR / name).read_bytes() if name else None


def company(i: int) -> dict[str, str]:
    """The bidder object of company ``i``."""
    name, region, org = COMPANIES[i]
    return {"name": name, "code_type": "USCC", "code": uscc(region, org)}


def person(i: int) -> dict[str, str]:
    """A representative object (name and a valid ID number) of person ``i``."""
    name, region, birth = PEOPLE[i]
    rep = {"name": name, "id_number": id_number(region, birth, 11 + 2 * i)}
    photo = reference_photo(i)
    if photo is not None:
        rep["photo_sha256"] = hashlib.sha256(photo).hexdigest()
    return rep


def demo_day(today: dt.date) -> dict[str, Any]:
    """The feeds of one day at the Hohhot hall.

    Args:
        today: the business day (sessions from the day before to the day after).

    Returns:
        ``{"sessions": [...], "registrations": [...], "blacklist": [...],
        "bid_plans": {session_id: [bid_result, ...]}}``; each feed record is the ``data`` of an
        upsert (docs/platform-api.md §2), keyed by its id field. ``bid_plans`` are what decryption
        will produce (published as ``bid_results`` only after ``POST /sessions/{id}/decrypt``).
    """
    ymd = today.strftime("%Y%m%d")
    yesterday = today - dt.timedelta(days=1)
    tomorrow = today + dt.timedelta(days=1)
    sid = [f"S-{ymd}-{n:03d}" for n in range(1, 7)]
    sessions: list[dict[str, Any]] = [
        {
            "session_id": sid[0], "kind": "bid_opening", "room_code": "KB-03", "room_name": "第三开标室",
            "starts_at": _t(today, 9, 30), "title": "呼和浩特市赛罕区昭乌达路（大学东街—南二环）道路改造工程施工",
            "trade_type": "GCJS", "TENDER_PROJECT_CODE": f"E1501000001000{ymd[2:6]}001",
            "BID_SECTION_CODE": f"E1501000001000{ymd[2:6]}001001", "BID_SECTION_NAME": "第一标段",
            "TENDERER_NAME": "呼和浩特市赛罕区住房和城乡建设局", "TENDER_AGENCY_NAME": "内蒙古正信招标代理有限公司",
            "CONTROL_PRICE": "12500000.00", "PRICE_UNIT": "0", "quorum": 3,
            "deemed_accept_absent": False, "deposit_required": True, "remote": False,
            "staff": [staff_person(0, "host"), staff_person(1, "recorder"), staff_person(2, "supervisor"),
                      staff_person(3, "witness"), staff_person(4, "tenderer_rep")],
        },
        {
            "session_id": sid[1], "kind": "bid_opening", "room_code": "KB-01", "room_name": "第一开标室",
            "starts_at": _t(today, 10, 0), "title": "呼和浩特市第二医院医疗设备采购项目",
            "trade_type": "ZFCG", "TENDER_PROJECT_CODE": f"ZFCG-150100-{ymd}-0042",
            "BID_SECTION_CODE": f"ZFCG-150100-{ymd}-0042-01", "BID_SECTION_NAME": "第1包：彩色多普勒超声诊断仪",
            "TENDERER_NAME": "呼和浩特市第二医院", "TENDER_AGENCY_NAME": "内蒙古公采招标咨询有限公司",
            "CONTROL_PRICE": "386.50", "PRICE_UNIT": "1", "quorum": 3,
            # 政府采购: an absent supplier is deemed to accept the record (财政部令第87号 §42); no
            # recorder appointed: a hall account stands in, with its reason journalled
            "deemed_accept_absent": True, "deposit_required": False, "remote": False,
            "staff": [staff_person(7, "host"), staff_person(8, "supervisor"), staff_person(3, "witness")],
        },
        {
            "session_id": sid[2], "kind": "bid_opening", "room_code": "KB-03", "room_name": "第三开标室",
            "starts_at": _t(tomorrow, 9, 0), "title": "大青山前坡生态绿化提升工程（二期）施工",
            "trade_type": "GCJS", "TENDER_PROJECT_CODE": f"E1501000001000{ymd[2:6]}007",
            "BID_SECTION_CODE": f"E1501000001000{ymd[2:6]}007001", "BID_SECTION_NAME": "第一标段",
            "TENDERER_NAME": "呼和浩特市林业和草原局", "TENDER_AGENCY_NAME": "内蒙古正信招标代理有限公司",
            "CONTROL_PRICE": "4870000.00", "PRICE_UNIT": "0", "quorum": 3,
            "deemed_accept_absent": False, "deposit_required": True, "remote": False,
            "staff": [staff_person(0, "host"), staff_person(1, "recorder"), staff_person(2, "supervisor")],
        },
        {
            "session_id": sid[3], "kind": "auction", "room_code": "PM-01", "room_name": "拍卖大厅",
            "starts_at": _t(today, 14, 0), "title": "呼和浩特市市直机关公务用车拍卖会", "trade_type": "GYCQ",
            "auctioneer_licence": "1501019700123", "seller_name": "呼和浩特市机关事务服务中心",
            "auction_house": "内蒙古诚信拍卖有限责任公司",
            "staff": [staff_person(5, "auctioneer"), staff_person(6, "supervisor"), staff_person(3, "witness")],
            "lots": [
                {"lot_code": "L-0001", "title": "蒙A·2C351 2015款大众帕萨特轿车", "start_price": "32000.00",
                 "increment": "1000.00", "price_unit": "0", "deposit": "10000.00", "has_reserve": True,
                 "cap_price": None, "max_wins_per_paddle": 1},
                {"lot_code": "L-0002", "title": "蒙A·5F827 2014款丰田凯美瑞轿车", "start_price": "28000.00",
                 "increment": "1000.00", "price_unit": "0", "deposit": "10000.00", "has_reserve": False,
                 "cap_price": None, "max_wins_per_paddle": 1},
                {"lot_code": "L-0003", "title": "蒙A·0K163 2016款别克GL8商务车", "start_price": "45000.00",
                 "increment": "2000.00", "price_unit": "0", "deposit": "15000.00", "has_reserve": False,
                 "cap_price": None, "max_wins_per_paddle": 1},
            ],
        },
        {
            "session_id": sid[4], "kind": "listing_auction", "room_code": "PM-01", "room_name": "拍卖大厅",
            "starts_at": _t(today, 15, 30), "title": "呼和浩特市国有建设用地使用权挂牌出让（期满现场竞价）",
            "trade_type": "TDSYQ",
            # the land authority sells directly (国土资源部令第39号): 出让人, no 拍卖企业
            "auctioneer_licence": "1501019700123", "seller_name": "呼和浩特市自然资源局", "auction_house": None,
            "staff": [staff_person(5, "auctioneer"), staff_person(2, "supervisor"), staff_person(3, "witness")],
            "lots": [
                {"lot_code": f"HS-{today.year}-031", "title": "赛罕区金桥开发区北侧地块（住宅用地，38,214.6㎡）",
                 "start_price": "15600.00", "increment": "100.00", "price_unit": "1", "deposit": "3120.00",
                 "has_reserve": False, "cap_price": "18720.00", "max_wins_per_paddle": None,
                 "listing_top_bid": "16200.00", "listing_top_paddle": "07",
                 # the 出让公告 decides between bidders at the cap: a lottery (摇号) among them
                 "after_cap": {"method": "lottery", "start": None, "step": None, "unit": None}},
            ],
        },
        {
            # 不见面开标 (issue 19): bidders may attend online; 政府采购, so a supplier that neither came nor
            # signed in online is deemed to accept the record (财政部令第87号 §42)
            "session_id": sid[5], "kind": "bid_opening", "room_code": "KB-02", "room_name": "第二开标室",
            "starts_at": _t(today, 11, 0), "title": "呼和浩特市政务服务中心信息化系统升级采购项目",
            "trade_type": "ZFCG", "TENDER_PROJECT_CODE": f"ZFCG-150100-{ymd}-0057",
            "BID_SECTION_CODE": f"ZFCG-150100-{ymd}-0057-01", "BID_SECTION_NAME": "第1包：政务服务系统升级",
            "TENDERER_NAME": "呼和浩特市政务服务局", "TENDER_AGENCY_NAME": "内蒙古公采招标咨询有限公司",
            "CONTROL_PRICE": "268.00", "PRICE_UNIT": "1", "quorum": 3,
            "deemed_accept_absent": True, "deposit_required": False, "remote": True,
            "staff": [staff_person(7, "host"), staff_person(1, "recorder"), staff_person(8, "supervisor"),
                      staff_person(3, "witness")],
        },
    ]

    regs: list[dict[str, Any]] = []
    n = [88230]

    def reg(session_id: str, bidder: dict[str, str], reps: list[int], deposit: dict[str, Any] | None,
            submitted: str | None, lot: str | None = None) -> str:
        n[0] += 1
        rid = f"R-{n[0]}"
        regs.append({
            "registration_id": rid, "session_id": session_id, "lot_code": lot, "bidder": bidder,
            "representatives": [person(i) for i in reps], "deposit": deposit,
            "checkin_code": _code(f"{ymd}/{rid}"), "bid_submitted_at": submitted,
        })
        return rid

    def paid(amount: str, when: dt.date = yesterday) -> dict[str, Any]:
        return {"status": "paid", "amount": amount, "received_at": _t(when, 10, 12)}

    s1 = [
        reg(sid[0], company(0), [0], paid("250000.00"), _t(yesterday, 16, 20, 11)),
        reg(sid[0], company(1), [1, 2], {"status": "guarantee", "amount": "250000.00", "received_at": None},
            _t(yesterday, 17, 2, 45)),
        reg(sid[0], company(2), [3], paid("250000.00"), _t(today, 8, 41, 3)),
        reg(sid[0], company(3), [4], paid("250000.00"), _t(yesterday, 11, 5, 30)),  # banned entity
        reg(sid[0], company(4), [5], {"status": "unpaid", "amount": "250000.00", "received_at": None},
            _t(yesterday, 15, 0, 0)),
    ]
    s2 = [
        reg(sid[1], company(5), [6], paid("50000.00"), _t(yesterday, 9, 30)),
        reg(sid[1], company(6), [7], paid("50000.00"), _t(yesterday, 14, 10)),
        reg(sid[1], company(7), [8], {"status": "guarantee", "amount": "50000.00", "received_at": None},
            _t(today, 7, 55)),
        reg(sid[1], company(8), [9], paid("50000.00"), _t(yesterday, 18, 3)),
    ]
    for i, rep in ((9, 10), (10, 11), (2, 12), (0, 13)):
        reg(sid[2], company(i), [rep], paid("90000.00", today), _t(today, 11, 0))
    reg(sid[3], company(12), [14], paid("10000.00"), None, "L-0001")
    reg(sid[3], company(12), [14], paid("15000.00"), None, "L-0003")
    natural = person(15)
    reg(sid[3], {"name": natural["name"], "code_type": "ID", "code": natural["id_number"]}, [15],
        paid("10000.00"), None, "L-0001")
    reg(sid[3], {"name": PEOPLE[17][0], "code_type": "ID", "code": person(17)["id_number"]}, [17],
        paid("10000.00"), None, "L-0002")
    reg(sid[3], company(11), [13], {"status": "unpaid", "amount": "10000.00", "received_at": None}, None, "L-0002")
    lot = sessions[4]["lots"][0]["lot_code"]
    reg(sid[4], company(11), [13], paid("31200000.00", yesterday - dt.timedelta(days=10)), None, lot)
    reg(sid[4], company(10), [11], paid("31200000.00", yesterday - dt.timedelta(days=8)), None, lot)
    # the remote opening: companies 14..18, representatives 18..22 (REMOTE_PLAN says who attends how)
    s6 = [reg(sid[5], company(14 + i), [18 + i], None, _t(yesterday, 9 + 2 * i, 15 + 7 * i)) for i in range(5)]

    banned = company(3)
    blacklist = [
        {"BLACKLIST_CODE": f"BL-{today.year}-000123", "BODY_NAME": banned["name"], "BODY_CODE": banned["code"],
         "BODY_TYPE": "entity", "CONFINED_ACTION": "market_ban", "RECORD_REASON": "串通投标（呼公资监罚〔2025〕17号）",
         "valid_from": (today - dt.timedelta(days=200)).isoformat(),
         "valid_until": (today + dt.timedelta(days=530)).isoformat()},
        {"BLACKLIST_CODE": f"BL-{today.year - 3}-000087", "BODY_NAME": COMPANIES[13][0],
         "BODY_CODE": uscc(COMPANIES[13][1], COMPANIES[13][2]), "BODY_TYPE": "entity",
         "CONFINED_ACTION": "market_ban", "RECORD_REASON": "提供虚假材料谋取中标",
         "valid_from": (today - dt.timedelta(days=1100)).isoformat(),
         "valid_until": (today - dt.timedelta(days=30)).isoformat()},
        {"BLACKLIST_CODE": f"BL-{today.year}-000311", "BODY_NAME": PEOPLE[16][0], "BODY_CODE": person(16)["id_number"],
         "BODY_TYPE": "person", "CONFINED_ACTION": "market_ban", "RECORD_REASON": "以他人名义投标",
         "valid_from": (today - dt.timedelta(days=60)).isoformat(),
         "valid_until": (today + dt.timedelta(days=305)).isoformat()},
    ]

    def result(session_id: str, rid: str, status: str, price: str | None, unit: str = "0",
               days: str = "365") -> dict[str, Any]:
        out: dict[str, Any] = {"session_id": session_id, "registration_id": rid, "decrypt_status": status,
                               "decrypted_at": None}
        if status == "ok":
            out.update({"BID_PRICE": price, "PRICE_UNIT": unit, "PRICE_FORM_CODE": "1", "TIME_LIMIT": days,
                        "QUALITY": "合格", "extra": {"项目经理": PEOPLE[len(rid) % 5][0]}})
        return out

    bid_plans = {
        sid[0]: [
            result(sid[0], s1[0], "ok", "11876543.21"),
            result(sid[0], s1[1], "ok", "12013800.00"),
            result(sid[0], s1[2], "failed_bidder", None),
            result(sid[0], s1[3], "ok", "11650000.00"),
        ],
        sid[1]: [
            result(sid[1], s2[0], "ok", "352.80", "1", "30"),
            result(sid[1], s2[1], "failed_other", None),
            result(sid[1], s2[2], "ok", "368.00", "1", "45"),
            result(sid[1], s2[3], "ok", "349.60", "1", "30"),
        ],
    }
    bid_plans[sid[5]] = [result(sid[5], rid, "ok", price, "1", "60")
                         for rid, price in zip(s6, ("251.60", "262.35", "248.90", "259.00", "266.80"), strict=True)]
    # the platform's files for GET /blobs/{sha256}: sha256 → file name in FACES_DIR (the day stays plain JSON)
    photos = {hashlib.sha256((FACES_DIR / name).read_bytes()).hexdigest(): name for name in REFERENCE_PHOTOS.values()}
    # the evaluation area (issue 17): the region's experts and this afternoon's sitting for sid[0]
    experts = seed_experts.demo_experts(today, bidder_code=company(0)["code"], ric=id_number, uscc=uscc)
    evaluations = [seed_experts.demo_evaluation(
        today, session_id=sid[0], at=_t,
        staff=[staff_person(3, "witness"), staff_person(4, "tenderer_rep"), staff_person(2, "supervisor")])]
    return {"sessions": sessions, "registrations": regs, "blacklist": blacklist, "bid_plans": bid_plans,
            "photos": photos, "experts": experts, "evaluations": evaluations}


#: the remote opening (issue 19): how each of its five bidders' representatives attends, in registration order
REMOTE_PLAN = ("hall", "hall", "online", "online", "absent")


def remote_event(reg: dict[str, Any], event_no: int, kind: str, at: dt.datetime, **members: Any) -> dict[str, Any]:
    """One ``remote_events`` record (docs/platform-api.md §7.3) of registration ``reg``'s representative.

    ``kind`` is ``signin``, ``objection`` or ``confirmation``; ``members`` add ``category``/``text``
    or ``decision`` (a confirmation's ``signature_sha256`` is made here when not given). The CA
    serial is the bidder's certificate's, stable per bidder.
    """
    rep = reg["representatives"][0]
    cert = hashlib.sha256(f"CA/{reg['bidder']['code']}".encode()).hexdigest()[:20].upper()
    out: dict[str, Any] = {
        "event_id": f"RE-{event_no:06d}", "session_id": reg["session_id"], "registration_id": reg["registration_id"],
        "type": kind, "at": at.isoformat(timespec="seconds"), "person_name": rep["name"], "ca_serial": cert,
        "category": None, "text": None, "decision": None, "signature_sha256": None, **members}
    if kind == "confirmation" and not out["signature_sha256"]:
        out["signature_sha256"] = hashlib.sha256(f"{cert}/{out['event_id']}/{out['decision']}".encode()).hexdigest()
    return out


FEED_KEY = {"sessions": "session_id", "registrations": "registration_id", "blacklist": "BLACKLIST_CODE",
            "experts": "expert_id", "evaluations": "evaluation_id", "remote_events": "event_id"}


def bid_result_key(result: dict[str, Any]) -> str:
    """The feed key of a bid result: ``<session_id>/<registration_id>``."""
    return f"{result['session_id']}/{result['registration_id']}"
