"""The 256-byte UCS-2LE text block of an ID card, both ways (docs/devices.md §1.5).

The character at bytes 248–249 tells the layout: a space for the resident card, ``J`` for the
Hong Kong/Macau/Taiwan residence permit, ``I`` for the 2017 foreign permanent-resident card and
``Y`` for the 2023 one. Blocks are padded with ``20 00`` (spaces); we also strip NULs, which some
cards and simulators use. ``parse_text`` returns :class:`kiosk.ports.IdCard`; ``encode_text`` is
its inverse, used by the simulator and tests.

Caveat (docs/devices.md §1.5): the 2023 ``Y`` layout comes from one source only; verify it against a
vendor SDK document before release.
"""

from __future__ import annotations

from kiosk.ports import CardType, DeviceError, IdCard

TEXT_LEN = 256
PHOTO_LEN = 1024
LONG_TERM = "长期"

GENDERS: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
GENDER_CODES: dict[str, str] = {v: k for k, v in GENDERS.items()}

#: GB/T 3304 nation codes; the card shows the name without 族.
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
    "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
    "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
    "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
    "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
    "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
    "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}
NATION_CODES: dict[str, str] = {v: k for k, v in NATIONS.items()}

TYPE_CHARS: dict[str, CardType] = {" ": "resident", "J": "hmt_permit", "I": "foreign_2017", "Y": "foreign_2023"}
TYPE_OF_CARD: dict[CardType, str] = {v: k for k, v in TYPE_CHARS.items()}


class TextBlockError(DeviceError):
    """The text block cannot be parsed (wrong size, unknown card type)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__("bad-text", zh, en)


def _s(block: bytes, start: int, end: int) -> str:
    return block[start:end].decode("utf-16-le", errors="replace").strip(" \x00")


def _date(raw: str) -> str:
    """``YYYYMMDD`` → ``YYYY-MM-DD``; ``长期`` and anything unexpected are kept as read."""
    if len(raw) == 8 and raw.isascii() and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def _undate(value: str) -> str:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value.replace("-", "")
    return value


def gender_name(code: str) -> str:
    """Gender code (GB/T 2261.1) → 男/女/未知/未说明; an unknown code gives 未知."""
    return GENDERS.get(code, "未知")


def nation_name(code: str) -> str:
    """Nation code → name (汉, 蒙古, …); an unknown code is returned as read."""
    return NATIONS.get(code, code)


def parse_text(block: bytes, photo: bytes = b"", fingerprint: bytes = b"") -> IdCard:
    """Parse a 256-byte text block into an IdCard.

    Args:
        block: the text block.
        photo: the raw WLT photo (kept as is).
        fingerprint: the raw fingerprint templates (``30 10`` only).

    Raises:
        TextBlockError: the block is not 256 bytes or its type character is unknown.
    """
    block = bytes(block)
    if len(block) != TEXT_LEN:
        raise TextBlockError(f"text block is {len(block)} bytes, expected 256", f"文字信息长度错误（{len(block)}）")
    type_char = block[248:250].decode("utf-16-le", errors="replace")
    if type_char == "\x00":
        type_char = " "
    card_type = TYPE_CHARS.get(type_char)
    if card_type is None:
        raise TextBlockError(f"unknown card type {type_char!r}", f"无法识别的证件类型 {type_char!r}")
    photo, fingerprint = bytes(photo), bytes(fingerprint)
    if card_type in ("resident", "hmt_permit"):
        nation_code = _s(block, 32, 36)
        return IdCard(
            card_type=card_type,
            name=_s(block, 0, 30),
            gender=gender_name(_s(block, 30, 32)),
            nation=(nation_name(nation_code) if nation_code else None) if card_type == "resident" else None,
            birth_date=_date(_s(block, 36, 52)),
            address=_s(block, 52, 122),
            id_number=_s(block, 122, 158).upper(),
            authority=_s(block, 158, 188),
            valid_from=_date(_s(block, 188, 204)),
            valid_until=_date(_s(block, 204, 220)),
            pass_number=(_s(block, 220, 238) or None) if card_type == "hmt_permit" else None,
            issue_count=(_s(block, 238, 242) or None) if card_type == "hmt_permit" else None,
            photo=photo,
            fingerprint=fingerprint,
        )
    if card_type == "foreign_2017":
        name_en = _s(block, 0, 120)
        name_zh = _s(block, 158, 188)
        return IdCard(
            card_type=card_type,
            name=name_zh or name_en,
            name_en=name_en or None,
            gender=gender_name(_s(block, 120, 122)),
            id_number=_s(block, 122, 152).upper(),
            nationality=_s(block, 152, 158) or None,
            valid_from=_date(_s(block, 188, 204)),
            valid_until=_date(_s(block, 204, 220)),
            birth_date=_date(_s(block, 220, 236)),
            authority=_s(block, 240, 248) or None,  # issuing-office code 受理机关代码
            photo=photo,
            fingerprint=fingerprint,
        )
    # 2023 foreign permanent-resident card, "Y"
    name_en = (block[52:122] + block[220:242]).decode("utf-16-le", errors="replace").strip(" \x00")
    name_zh = _s(block, 0, 30)
    return IdCard(
        card_type=card_type,
        name=name_zh or name_en,
        name_en=name_en or None,
        gender=gender_name(_s(block, 30, 32)),
        issue_count=_s(block, 32, 36) or None,  # renewal count 换证次数
        birth_date=_date(_s(block, 36, 52)),
        id_number=_s(block, 122, 158).upper(),
        valid_from=_date(_s(block, 188, 204)),
        valid_until=_date(_s(block, 204, 220)),
        nationality=_s(block, 242, 248) or None,
        photo=photo,
        fingerprint=fingerprint,
    )


def _put(block: bytearray, start: int, end: int, value: str | None) -> None:
    raw = (value or "").encode("utf-16-le")
    width = end - start
    if len(raw) > width:
        raise TextBlockError(f"value too long for bytes {start}-{end - 1}", f"字段超长（{start}-{end - 1}）")
    block[start:end] = raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)


def encode_text(card: IdCard) -> bytes:
    """The 256-byte text block for ``card`` (inverse of :func:`parse_text`).

    Raises:
        TextBlockError: a field does not fit its slot.
    """
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    gender = GENDER_CODES.get(card.gender, card.gender if len(card.gender) == 1 else "0")
    t = card.card_type
    if t in ("resident", "hmt_permit"):
        _put(block, 0, 30, card.name)
        _put(block, 30, 32, gender)
        if t == "resident" and card.nation:
            _put(block, 32, 36, NATION_CODES.get(card.nation, card.nation))
        _put(block, 36, 52, _undate(card.birth_date))
        _put(block, 52, 122, card.address)
        _put(block, 122, 158, card.id_number)
        _put(block, 158, 188, card.authority)
        _put(block, 188, 204, _undate(card.valid_from))
        _put(block, 204, 220, _undate(card.valid_until))
        if t == "hmt_permit":
            _put(block, 220, 238, card.pass_number)
            _put(block, 238, 242, card.issue_count)
    elif t == "foreign_2017":
        _put(block, 0, 120, card.name_en)
        _put(block, 120, 122, gender)
        _put(block, 122, 152, card.id_number)
        _put(block, 152, 158, card.nationality)
        _put(block, 158, 188, card.name if card.name != card.name_en else "")
        _put(block, 188, 204, _undate(card.valid_from))
        _put(block, 204, 220, _undate(card.valid_until))
        _put(block, 220, 236, _undate(card.birth_date))
        _put(block, 240, 248, card.authority)
    elif t == "foreign_2023":
        _put(block, 0, 30, card.name if card.name != card.name_en else "")
        _put(block, 30, 32, gender)
        _put(block, 32, 36, card.issue_count)
        _put(block, 36, 52, _undate(card.birth_date))
        en = card.name_en or ""
        _put(block, 52, 122, en[:35])
        _put(block, 220, 242, en[35:])
        _put(block, 122, 158, card.id_number)
        _put(block, 188, 204, _undate(card.valid_from))
        _put(block, 204, 220, _undate(card.valid_until))
        _put(block, 242, 248, card.nationality)
    else:
        raise TextBlockError(f"unknown card type {t!r}", f"未知证件类型 {t!r}")
    _put(block, 248, 250, TYPE_OF_CARD[t])
    return bytes(block)
