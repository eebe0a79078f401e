"""Check digits of resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Where python-stdnum is right we use it; where it is not we say so (docs/devices.md §2):

* ``stdnum.iso7064.mod_11_2`` computes the ID check digit correctly and is used here.
  ``stdnum.cn.ric.validate`` is **not** used: it also checks the birth place against a bundled
  area table, and so rejects valid Taiwan-permit (``830000…``) and 2023 foreigner (``9…``)
  numbers, Hong Kong/Macau permits of people born before 1997/1999, and areas renamed since.
  We check the checksum and the birth date, and treat the area code as information only.
* ``stdnum.cn.uscc.calc_check_digit`` is right and used. ``stdnum.cn.uscc.validate`` is **not**:
  it wants the first 8 characters to be digits (rejecting valid codes of department A 军队,
  N 农业 and Y 其他) and ignores the organisation-code check at position 17, which we add.

Every function returns a :class:`Validation` with ``ok`` and a one-line reason in Chinese and
English; none of them raises on bad input.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from stdnum.cn import uscc as _std_uscc
from stdnum.iso7064 import mod_11_2

from kiosk.pii import mask_id_number


@dataclass(frozen=True)
class Validation:
    """The answer of a validator.

    Attributes:
        ok: valid or not.
        kind: what the number is (``resident``, ``hk_permit``, ``uscc``, …) when recognised.
        reason_zh: one line for the screen, in Chinese.
        reason_en: the same in English.
        details: facts read from the number (birth date, gender, department, …).
    """

    ok: bool
    kind: str
    reason_zh: str
    reason_en: str
    details: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """``"<zh> / <en>"`` on one line."""
        return f"{self.reason_zh} / {self.reason_en}"

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "kind": self.kind, "reason_zh": self.reason_zh, "reason_en": self.reason_en,
                "details": dict(self.details)}


def _bad(kind: str, zh: str, en: str, **details: str) -> Validation:
    return Validation(False, kind, zh, en, dict(details))


# --- resident ID numbers ------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # S = Σ dᵢwᵢ mod 11 → check


def id_check_digit(first17: str) -> str:
    """The check character of an 18-character ID number from its first 17 digits (weighted form).

    Raises:
        ValueError: ``first17`` is not 17 digits.
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("need 17 digits")
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


ID_KINDS = {
    "81": ("hk_permit", "香港居民居住证", "Hong Kong residence permit"),
    "82": ("macau_permit", "澳门居民居住证", "Macau residence permit"),
    "83": ("taiwan_permit", "台湾居民居住证", "Taiwan residence permit"),
}


def validate_id_number(value: str, *, today: _dt.date | None = None) -> Validation:
    """Validate an 18-character resident ID, HK/Macau/Taiwan permit or 2023 foreigner number.

    Checks the format, the MOD 11-2 check character (via ``stdnum.iso7064.mod_11_2``) and the
    birth date at positions 7–14 (a real date, not in the future, not before 1900). The area code
    is not checked (see the module docstring).

    Args:
        value: the number; spaces are ignored and a final ``x`` is read as ``X``.
        today: the reference date for "not in the future" (today by default).
    """
    n = re.sub(r"\s+", "", str(value)).upper()
    if len(n) == 15 and n.isdigit():
        return _bad("resident_15", "15 位旧身份证号码无校验位，请使用 18 位号码",
                    "15-digit (pre-1999) numbers have no check digit; use the 18-digit number")
    if len(n) != 18:
        return _bad("", f"号码应为 18 位，实际 {len(n)} 位", f"must be 18 characters, got {len(n)}")
    if not (n[:17].isascii() and n[:17].isdigit() and (n[17].isdigit() or n[17] == "X")):
        return _bad("", "号码格式错误：前 17 位须为数字，末位为数字或 X",
                    "bad format: 17 digits then a digit or X")
    if n.startswith(tuple(ID_KINDS)):
        kind, kzh, ken = ID_KINDS[n[:2]]
        if n[2:6] != "0000":
            return _bad(kind, f"{kzh}号码应以 {n[:2]}0000 开头", f"{ken} numbers start with {n[:2]}0000")
    elif n[0] == "9":
        kind, kzh, ken = "foreign_2023", "外国人永久居留身份证（2023 版）", "foreign permanent-resident card (2023)"
    else:
        kind, kzh, ken = "resident", "居民身份证", "resident ID card"
    if not mod_11_2.is_valid(n):
        expected = mod_11_2.calc_check_digit(n[:17])
        return _bad(kind, f"校验位错误（应为 {expected}）", f"check character is wrong (expected {expected})")
    try:
        birth = _dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return _bad(kind, f"出生日期 {n[6:14]} 无效", f"birth date {n[6:14]} is not a date")
    today = today or _dt.date.today()
    if birth > today or birth.year < 1900:
        return _bad(kind, f"出生日期 {birth.isoformat()} 不合理", f"birth date {birth.isoformat()} is out of range")
    gender = "男" if int(n[16]) % 2 else "女"
    return Validation(True, kind, f"有效的{kzh}号码", f"valid {ken} number",
                      {"birth_date": birth.isoformat(), "gender": gender, "area": n[:6], "masked": mask_id_number(n)})


# --- unified social credit codes ----------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: Registering departments (position 1) and their organisation categories (position 2).
DEPARTMENTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "1": ("机构编制", "institutional establishment", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", "foreign affairs", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", "justice", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", "culture", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", "civil affairs", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", "tourism", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", "religious affairs", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", "trade unions", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", "industry and commerce", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", "military", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", "agriculture", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", "other", {}),
}


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC (uses ``stdnum.cn.uscc.calc_check_digit``, which is right).

    Raises:
        ValueError: ``first17`` is not 17 characters of the USCC alphabet.
    """
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError("need 17 characters of the USCC alphabet")
    return _std_uscc.calc_check_digit(first17)


def org_code_check_char(first8: str) -> str:
    """The check character of a GB 11714 organisation code (position 17 of a USCC).

    Digits count as their value, letters A–Z as 10–35; c = 11 − Σ mod 11, 10 → X, 11 → 0.

    Raises:
        ValueError: ``first8`` is not 8 digits or capital letters.
    """
    if len(first8) != 8 or not all(c.isascii() and (c.isdigit() or c.isupper()) for c in first8):
        raise ValueError("need 8 digits or capital letters")
    s = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate_uscc(value: str) -> Validation:
    """Validate an 18-character unified social credit code (统一社会信用代码).

    Checks the alphabet, the registering department (1–9, A, N, Y), the area code (6 digits, not
    looked up), the organisation-code check at position 17 and the check character at 18.
    """
    n = re.sub(r"\s+", "", str(value)).upper()
    kind = "uscc"
    if len(n) != 18:
        return _bad(kind, f"统一社会信用代码应为 18 位，实际 {len(n)} 位", f"must be 18 characters, got {len(n)}")
    bad = sorted({c for c in n if c not in USCC_ALPHABET})
    if bad:
        return _bad(kind, f"含有不允许的字符 {''.join(bad)}（不用 I O Z S V）",
                    f"characters not allowed: {''.join(bad)} (no I O Z S V)")
    dept = DEPARTMENTS.get(n[0])
    if dept is None:
        return _bad(kind, f"登记管理部门代码 {n[0]} 无效", f"registering department {n[0]} is not defined")
    if not n[2:8].isdigit():
        return _bad(kind, f"行政区划码 {n[2:8]} 应为 6 位数字", f"area code {n[2:8]} must be 6 digits")
    expected_org = org_code_check_char(n[8:16]) if all(c.isdigit() or c.isupper() for c in n[8:16]) else "?"
    if n[16] != expected_org:
        return _bad(kind, f"组织机构代码校验位错误（第 17 位应为 {expected_org}）",
                    f"organisation-code check at position 17 is wrong (expected {expected_org})")
    expected = uscc_check_char(n[:17])
    if n[17] != expected:
        return _bad(kind, f"校验码错误（第 18 位应为 {expected}）", f"check character is wrong (expected {expected})")
    dzh, den, cats = dept
    return Validation(True, kind, f"有效的统一社会信用代码（{dzh}）", f"valid USCC ({den})",
                      {"department": dzh, "category": cats.get(n[1], n[1]), "area": n[2:8], "org_code": f"{n[8:16]}-{n[16]}"})
