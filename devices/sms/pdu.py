"""SMS PDUs (3GPP TS 23.040) with the GSM 7-bit and UCS-2 alphabets (TS 23.038): encode, decode.

What a modem in PDU mode (``AT+CMGF=0``, TS 27.005 §3.2.3) takes and gives, written here rather
than taken from a library (docs/devices.md §10.3 says why):

* :func:`encode_submit` — one text to one or more SMS-SUBMIT PDUs: GSM 7-bit when every character
  is in the default alphabet or its extension table (160 septets, 153 a part), else UCS-2 (70
  characters, 67 a part; a UTF-16 surrogate pair is never cut). Longer texts are concatenated
  parts with a User Data Header (IEI 00: 8-bit reference, total, sequence).
* :func:`decode_deliver` — an SMS-DELIVER PDU as the modem prints it after ``+CMGR:`` (with its SMSC
  address first): originator, service-centre time stamp, alphabet, text, and the concatenation
  header if any. :func:`decode_submit` reads an SMS-SUBMIT (what the simulator receives).

Every malformed input raises :class:`PduError` (a :class:`kiosk.ports.DeviceError`, code
``bad-pdu``) and nothing else: the decoders are fuzzed (tests/devices/test_modem_pdu.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.ports import DeviceError

# --- alphabets (TS 23.038 §6.2.1) --------------------------------------------------------------

#: The GSM 7-bit default alphabet, by septet value.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The default extension table (after the escape septet 0x1B).
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
_BASIC_INDEX = {ch: i for i, ch in enumerate(GSM7_BASIC) if i != 0x1B}
_EXT_INDEX = {ch: code for code, ch in GSM7_EXT.items()}

DCS_GSM7 = 0x00
DCS_8BIT = 0x04
DCS_UCS2 = 0x08

MAX_UD_OCTETS = 140
UDH_CONCAT_LEN = 6  #: UDHL + IEI 00 + IEDL 3 + ref, total, seq
MAX_PARTS = 255
VP_24H = 0xA7  #: relative validity period 167 = 12 h + 24 × 30 min = 24 hours (TS 23.040 §9.2.3.12.1)


class PduError(DeviceError):
    """A PDU that cannot be encoded or decoded."""

    def __init__(self, en: str, zh: str = "短信 PDU 格式错误") -> None:
        super().__init__("bad-pdu", f"{zh}：{en}", f"malformed SMS PDU: {en}")


def gsm7_encodable(text: str) -> bool:
    """Every character of ``text`` is in the default alphabet or its extension table."""
    return all(ch in _BASIC_INDEX or ch in _EXT_INDEX for ch in text)


def gsm7_septets(text: str) -> list[int]:
    """``text`` as septet values (an extension character is two: 0x1B and its code)."""
    out: list[int] = []
    for ch in text:
        if ch in _BASIC_INDEX:
            out.append(_BASIC_INDEX[ch])
        elif ch in _EXT_INDEX:
            out += [0x1B, _EXT_INDEX[ch]]
        else:
            raise PduError(f"character U+{ord(ch):04X} is not in the GSM 7-bit alphabet")
    return out


def septets_to_text(septets: list[int]) -> str:
    """Septet values back to text; an unknown extension code reads as its basic character."""
    out: list[str] = []
    escape = False
    for s in septets:
        if escape:
            out.append(GSM7_EXT.get(s, GSM7_BASIC[s] if s != 0x1B else " "))
            escape = False
        elif s == 0x1B:
            escape = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack septets LSB first, after ``fill_bits`` zero bits (to align after a UDH)."""
    acc = 0
    nbits = fill_bits
    out = bytearray()
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """``count`` septets from ``data`` packed LSB first, skipping ``fill_bits`` leading bits."""
    value = int.from_bytes(data, "little")
    if (count * 7 + fill_bits + 7) // 8 > len(data):
        raise PduError(f"{count} septets do not fit in {len(data)} octets")
    return [(value >> (fill_bits + 7 * i)) & 0x7F for i in range(count)]


# --- addresses and time stamps -----------------------------------------------------------------


def _semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes(int(digits[i + 1] + digits[i], 16) for i in range(0, len(digits), 2))


def _digits(data: bytes, count: int) -> str:
    text = "".join(f"{b & 0x0F:X}{b >> 4:X}" for b in data)[:count]
    table = str.maketrans({"A": "*", "B": "#", "C": "a", "D": "b", "E": "c"})
    return text.translate(table)


def encode_address(number: str) -> bytes:
    """A TP-DA: digit count, type of address (0x91 international for ``+…``, else 0x81), semi-octets."""
    number = number.strip().replace(" ", "").replace("-", "")
    international = number.startswith("+")
    digits = number.lstrip("+")
    if not digits or not digits.isdigit() or not digits.isascii() or len(digits) > 20:
        raise PduError(f"not a phone number: {len(digits)} characters", "号码格式错误")
    return bytes([len(digits), 0x91 if international else 0x81]) + _semi_octets(digits)


def decode_address(data: bytes, pos: int) -> tuple[str, int]:
    """An originating/destination address at ``pos``: (number, position after it)."""
    if pos + 2 > len(data):
        raise PduError("address cut short")
    ndigits, toa = data[pos], data[pos + 1]
    nbytes = (ndigits + 1) // 2
    body = data[pos + 2 : pos + 2 + nbytes]
    if len(body) != nbytes:
        raise PduError("address cut short")
    if (toa >> 4) & 0x07 == 0x05:  # alphanumeric (TS 23.040 §9.1.2.5): GSM 7-bit packed
        number = septets_to_text(unpack_septets(body, ndigits * 4 // 7))
    else:
        number = _digits(body, ndigits)
        if (toa >> 4) & 0x07 == 0x01 and number:
            number = "+" + number
    return number, pos + 2 + nbytes


def decode_scts(data: bytes) -> dt.datetime:
    """A 7-octet service-centre time stamp (TS 23.040 §9.2.3.11) as an aware datetime."""
    if len(data) != 7:
        raise PduError("time stamp cut short")
    fields = []
    for b in data[:6]:
        lo, hi = b & 0x0F, b >> 4
        if lo > 9 or hi > 9:
            raise PduError("time stamp is not decimal")
        fields.append(lo * 10 + hi)
    tz = data[6]
    quarters = (tz & 0x07) * 10 + (tz >> 4)
    if (tz >> 4) > 9 or quarters > 4 * 14:
        raise PduError("time zone out of range")
    offset = dt.timedelta(minutes=15 * quarters) * (-1 if tz & 0x08 else 1)
    yy, mo, dd, hh, mi, ss = fields
    try:
        return dt.datetime(2000 + yy, mo, dd, hh, mi, ss, tzinfo=dt.timezone(offset))
    except ValueError as exc:
        raise PduError(f"time stamp out of range ({exc})") from None


def encode_scts(when: dt.datetime) -> bytes:
    """The inverse of :func:`decode_scts` (for the simulator); ``when`` must be aware."""
    off = when.utcoffset() or dt.timedelta(0)
    quarters = int(abs(off.total_seconds()) // 900)
    out = bytearray()
    for v in (when.year % 100, when.month, when.day, when.hour, when.minute, when.second):
        out.append((v % 10) << 4 | v // 10)
    out.append((quarters % 10) << 4 | (quarters // 10) | (0x08 if off < dt.timedelta(0) else 0))
    return bytes(out)


# --- SMS-SUBMIT ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitPdu:
    """One SMS-SUBMIT ready for ``AT+CMGS``."""

    hex: str  #: the whole PDU in hex, starting with the SMSC part ``00`` (the SIM's centre)
    tpdu_length: int  #: octets after the SMSC part: the number ``AT+CMGS=`` takes
    part: int = 1
    parts: int = 1


def _split_ucs2(text: str, per_part: int) -> list[bytes]:
    """UTF-16-BE chunks of at most ``per_part`` octets, never cutting a surrogate pair."""
    data = text.encode("utf-16-be")
    out: list[bytes] = []
    i = 0
    while i < len(data):
        end = min(len(data), i + per_part)
        if end < len(data) and 0xD8 <= data[end - 2] <= 0xDB:  # a high surrogate at the cut
            end -= 2
        out.append(data[i:end])
        i = end
    return out


def _split_septets(septets: list[int], per_part: int) -> list[list[int]]:
    out: list[list[int]] = []
    i = 0
    while i < len(septets):
        end = min(len(septets), i + per_part)
        if end < len(septets) and septets[end - 1] == 0x1B:  # never cut an escape from its code
            end -= 1
        out.append(septets[i:end])
        i = end
    return out


def encode_submit(number: str, text: str, *, reference: int = 0, validity: int = VP_24H,
                  ucs2: bool | None = None) -> list[SubmitPdu]:
    """``text`` to ``number`` as SMS-SUBMIT PDUs (one, or concatenated parts; see module doc).

    Args:
        number: the destination, ``+8613904710000`` (international) or ``13904710000``.
        text: the message.
        reference: the concatenation reference (0–255) shared by the parts of this message.
        validity: TP-VP, relative format (default 24 hours).
        ucs2: force UCS-2 (True) or GSM 7-bit (False); None chooses.

    Raises:
        PduError: the number is malformed, the text is empty or needs more than 255 parts.
    """
    if not text:
        raise PduError("empty text", "短信内容为空")
    da = encode_address(number)
    use_ucs2 = not gsm7_encodable(text) if ucs2 is None else ucs2
    bodies: list[tuple[bytes, int]] = []  # (user data after the UDH, UDL contribution)
    if use_ucs2:
        whole = text.encode("utf-16-be")
        chunks = [whole] if len(whole) <= MAX_UD_OCTETS else _split_ucs2(text, MAX_UD_OCTETS - UDH_CONCAT_LEN)
        bodies = [(c, len(c)) for c in chunks]
    else:
        septets = gsm7_septets(text)
        parts7 = [septets] if len(septets) <= 160 else _split_septets(septets, 153)
        bodies = [(bytes(s), len(s)) for s in parts7]
    total = len(bodies)
    if total > MAX_PARTS:
        raise PduError(f"text needs {total} parts (at most {MAX_PARTS})", "短信过长")
    out: list[SubmitPdu] = []
    for seq, (body, count) in enumerate(bodies, start=1):
        udh = bytes([5, 0x00, 3, reference & 0xFF, total, seq]) if total > 1 else b""
        if use_ucs2:
            ud = udh + body
            udl = len(ud)
        else:
            fill = (7 - (len(udh) * 8) % 7) % 7 if udh else 0
            ud = udh + pack_septets(list(body), fill)
            udl = (len(udh) * 8 + fill) // 7 + count
        first = 0x01 | 0x10 | (0x40 if udh else 0)  # SMS-SUBMIT, VP relative, UDHI
        tpdu = bytes([first, 0x00]) + da + bytes([0x00, DCS_UCS2 if use_ucs2 else DCS_GSM7, validity & 0xFF, udl]) + ud
        out.append(SubmitPdu(hex=("00" + tpdu.hex()).upper(), tpdu_length=len(tpdu), part=seq, parts=total))
    return out


# --- decoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concat:
    """The concatenation header of one part."""

    reference: int
    total: int
    seq: int


@dataclass(frozen=True)
class DecodedSms:
    """One decoded SMS-DELIVER (or SMS-SUBMIT, for the simulator)."""

    number: str  #: originator (DELIVER) or destination (SUBMIT)
    text: str
    dcs: int
    alphabet: str  #: "gsm7", "ucs2" or "8bit"
    timestamp: dt.datetime | None = None  #: the SMSC time stamp (DELIVER only)
    concat: Concat | None = None
    smsc: str = ""


def _alphabet(dcs: int) -> str:
    """The alphabet a TP-DCS names (TS 23.038 §4); compressed or reserved groups are refused."""
    group = dcs >> 4
    if group <= 0x3:  # general data coding (00xx) and its automatic-deletion twin (01xx: 4–7 handled below)
        if dcs & 0x20:
            raise PduError("compressed text is not supported")
        return ("gsm7", "8bit", "ucs2", "reserved")[(dcs >> 2) & 0x03]
    if 0x4 <= group <= 0x7:
        if dcs & 0x20:
            raise PduError("compressed text is not supported")
        return ("gsm7", "8bit", "ucs2", "reserved")[(dcs >> 2) & 0x03]
    if group in (0xC, 0xD):
        return "gsm7"
    if group == 0xE:
        return "ucs2"
    if group == 0xF:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "reserved"


def _parse_udh(udh: bytes) -> Concat | None:
    concat = None
    i = 0
    while i + 2 <= len(udh):
        iei, iedl = udh[i], udh[i + 1]
        ie = udh[i + 2 : i + 2 + iedl]
        if len(ie) != iedl:
            raise PduError("user data header cut short")
        if iei == 0x00 and iedl == 3:
            concat = Concat(ie[0], ie[1], ie[2])
        elif iei == 0x08 and iedl == 4:
            concat = Concat(ie[0] << 8 | ie[1], ie[2], ie[3])
        i += 2 + iedl
    if concat is not None and (concat.total == 0 or not 1 <= concat.seq <= concat.total):
        raise PduError("concatenation header out of range")
    return concat


def _user_data(tpdu: bytes, pos: int, dcs: int, udhi: bool) -> tuple[str, Concat | None, str]:
    if pos >= len(tpdu):
        raise PduError("no user data length")
    udl = tpdu[pos]
    ud = tpdu[pos + 1 :]
    alphabet = _alphabet(dcs)
    if alphabet == "reserved":
        raise PduError(f"data coding scheme 0x{dcs:02X} is reserved")
    octets = (udl * 7 + 7) // 8 if alphabet == "gsm7" else udl
    if octets > MAX_UD_OCTETS or len(ud) < octets:
        raise PduError(f"user data length {udl} does not match {len(ud)} octets")
    ud = ud[:octets]
    concat = None
    header_len = 0
    if udhi:
        if not ud:
            raise PduError("user data header missing")
        header_len = 1 + ud[0]
        if header_len > len(ud):
            raise PduError("user data header longer than the user data")
        concat = _parse_udh(ud[1:header_len])
    if alphabet == "gsm7":
        header_bits = header_len * 8
        fill = (7 - header_bits % 7) % 7 if header_len else 0
        skip = (header_bits + fill) // 7
        if skip > udl:
            raise PduError("user data header longer than the user data")
        septets = unpack_septets(ud, udl)[skip:]
        return septets_to_text(septets), concat, alphabet
    body = ud[header_len:]
    if alphabet == "ucs2":
        if len(body) % 2:
            raise PduError("UCS-2 text of an odd number of octets")
        return body.decode("utf-16-be", errors="replace"), concat, alphabet
    return body.decode("latin-1"), concat, alphabet


def _smsc(data: bytes) -> tuple[str, int]:
    if not data:
        raise PduError("empty PDU")
    n = data[0]
    if n == 0:
        return "", 1
    if n > 11 or 1 + n > len(data):
        raise PduError("service centre address cut short")
    toa = data[1]
    digits = _digits(data[2 : 1 + n], (n - 1) * 2).rstrip("F")
    return ("+" + digits) if (toa >> 4) & 0x07 == 0x01 else digits, 1 + n


def from_hex(pdu_hex: str | bytes) -> bytes:
    """Hex text (as a modem prints it) to bytes; raises :class:`PduError` for anything else."""
    text = pdu_hex.decode("ascii", errors="replace") if isinstance(pdu_hex, bytes) else pdu_hex
    text = text.strip()
    if len(text) % 2 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise PduError("not hexadecimal")
    return bytes.fromhex(text)


def decode_deliver(pdu: str | bytes, *, with_smsc: bool = True) -> DecodedSms:
    """An SMS-DELIVER PDU (hex text or bytes) → :class:`DecodedSms`.

    Raises:
        PduError: anything malformed (never another exception).
    """
    data = from_hex(pdu) if isinstance(pdu, str) else pdu
    smsc, pos = _smsc(data) if with_smsc else ("", 0)
    tpdu = data[pos:]
    if not tpdu:
        raise PduError("no TPDU")
    first = tpdu[0]
    if first & 0x03 != 0x00:
        raise PduError(f"not an SMS-DELIVER (message type {first & 0x03})")
    number, i = decode_address(tpdu, 1)
    if i + 9 > len(tpdu):
        raise PduError("PDU cut short after the originator")
    dcs = tpdu[i + 1]
    stamp = decode_scts(tpdu[i + 2 : i + 9])
    text, concat, alphabet = _user_data(tpdu, i + 9, dcs, bool(first & 0x40))
    return DecodedSms(number, text, dcs, alphabet, stamp, concat, smsc)


def decode_submit(pdu: str | bytes, *, with_smsc: bool = True) -> DecodedSms:
    """An SMS-SUBMIT PDU → :class:`DecodedSms` (the simulator's side of ``AT+CMGS``)."""
    data = from_hex(pdu) if isinstance(pdu, str) else pdu
    smsc, pos = _smsc(data) if with_smsc else ("", 0)
    tpdu = data[pos:]
    if len(tpdu) < 2:
        raise PduError("no TPDU")
    first = tpdu[0]
    if first & 0x03 != 0x01:
        raise PduError(f"not an SMS-SUBMIT (message type {first & 0x03})")
    number, i = decode_address(tpdu, 2)
    vpf = (first >> 3) & 0x03
    vp_len = {0: 0, 2: 1, 1: 7, 3: 7}[vpf]
    if i + 2 + vp_len > len(tpdu):
        raise PduError("PDU cut short after the destination")
    dcs = tpdu[i + 1]
    text, concat, alphabet = _user_data(tpdu, i + 2 + vp_len, dcs, bool(first & 0x40))
    return DecodedSms(number, text, dcs, alphabet, None, concat, smsc)


def encode_deliver(number: str, text: str, when: dt.datetime, *, smsc: str = "+8613800471500",
                   concat: Concat | None = None, ucs2: bool | None = None) -> str:
    """An SMS-DELIVER PDU in hex with an SMSC part (what a modem stores; used by the simulator).

    ``text`` must fit one PDU (with ``concat``'s header when given).
    """
    use_ucs2 = not gsm7_encodable(text) if ucs2 is None else ucs2
    oa = encode_address(number)
    udh = bytes([5, 0x00, 3, concat.reference & 0xFF, concat.total, concat.seq]) if concat else b""
    if use_ucs2:
        ud = udh + text.encode("utf-16-be")
        udl = len(ud)
    else:
        septets = gsm7_septets(text)
        fill = (7 - (len(udh) * 8) % 7) % 7 if udh else 0
        ud = udh + pack_septets(septets, fill)
        udl = (len(udh) * 8 + fill) // 7 + len(septets)
    if len(ud) > MAX_UD_OCTETS:
        raise PduError("text does not fit one PDU")
    first = 0x04 | (0x40 if udh else 0)  # SMS-DELIVER, more-messages-to-send = no
    tpdu = bytes([first]) + oa + bytes([0x00, DCS_UCS2 if use_ucs2 else DCS_GSM7]) + encode_scts(when) + bytes([udl]) + ud
    sc = smsc.lstrip("+")
    sca = bytes([1 + (len(sc) + 1) // 2, 0x91 if smsc.startswith("+") else 0x81]) + _semi_octets(sc) if sc else b"\x00"
    return (sca + tpdu).hex().upper()
