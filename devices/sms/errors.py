"""What a modem's ``+CMS ERROR: <n>`` / ``+CME ERROR: <n>`` / ``ERROR`` means, in Chinese and English.

``+CMS ERROR`` values are those of 3GPP TS 27.005 §3.2.5: 0–127 are the network's RP causes
(TS 24.011 Annex E-2), 128–255 TP-FCS values (TS 23.040 §9.2.3.22), 300–340 the modem's own,
500 unknown, 512 and up manufacturer specific. Each becomes a :class:`ModemError` whose ``code``
names its kind — ``sim``, ``network``, ``memory``, ``bad-pdu``, ``recipient``, ``modem`` — so the
caller can tell "try again later" (network) from "fix the hall" (SIM, memory) without knowing
the numbers (docs/devices.md §10.4).
"""

from __future__ import annotations

from kiosk.ports import DeviceError

#: +CMS ERROR value → (kind, Chinese, English)
CMS_ERRORS: dict[int, tuple[str, str, str]] = {
    1: ("recipient", "空号（号码未分配）", "unassigned number"),
    8: ("network", "运营商禁止发送", "operator determined barring"),
    10: ("network", "呼叫被限制", "call barred"),
    21: ("network", "短信被拒收", "short message transfer rejected"),
    27: ("recipient", "对方不在服务区", "destination out of service"),
    28: ("recipient", "对方用户无法识别", "unidentified subscriber"),
    29: ("network", "网络拒绝该业务", "facility rejected"),
    30: ("recipient", "未知用户", "unknown subscriber"),
    38: ("network", "网络故障", "network out of order"),
    41: ("network", "网络暂时故障", "temporary failure"),
    42: ("network", "网络拥塞", "congestion"),
    47: ("network", "网络资源不足", "resources unavailable"),
    50: ("network", "未开通短信业务", "requested facility not subscribed"),
    69: ("network", "网络不支持该业务", "requested facility not implemented"),
    95: ("bad-pdu", "短信内容无效", "invalid short message"),
    96: ("bad-pdu", "短信缺少必需信息", "invalid mandatory information"),
    111: ("network", "网络协议错误", "protocol error"),
    127: ("network", "网络互通错误", "interworking, unspecified"),
    300: ("modem", "短信猫故障", "ME failure"),
    301: ("modem", "短信服务被占用", "SMS service of ME reserved"),
    302: ("modem", "短信猫不允许该操作", "operation not allowed"),
    303: ("modem", "短信猫不支持该操作", "operation not supported"),
    304: ("bad-pdu", "PDU 参数无效", "invalid PDU mode parameter"),
    305: ("bad-pdu", "文本模式参数无效", "invalid text mode parameter"),
    310: ("sim", "未插入 SIM 卡", "SIM not inserted"),
    311: ("sim", "SIM 卡需要 PIN 码", "SIM PIN required"),
    312: ("sim", "需要 PH-SIM PIN 码", "PH-SIM PIN required"),
    313: ("sim", "SIM 卡故障", "SIM failure"),
    314: ("sim", "SIM 卡忙", "SIM busy"),
    315: ("sim", "SIM 卡错误", "SIM wrong"),
    316: ("sim", "SIM 卡需要 PUK 码", "SIM PUK required"),
    317: ("sim", "SIM 卡需要 PIN2 码", "SIM PIN2 required"),
    318: ("sim", "SIM 卡需要 PUK2 码", "SIM PUK2 required"),
    320: ("memory", "短信存储器故障", "memory failure"),
    321: ("memory", "短信存储位置无效", "invalid memory index"),
    322: ("memory", "短信存储器已满", "memory full"),
    330: ("sim", "短信中心号码未知", "SMSC address unknown"),
    331: ("network", "无网络服务", "no network service"),
    332: ("network", "网络超时", "network timeout"),
    340: ("modem", "不需要 +CNMA 确认", "no +CNMA acknowledgement expected"),
    500: ("modem", "短信猫未知错误", "unknown error"),
}

_KIND_HINT = {
    "sim": ("请检查短信猫的 SIM 卡", "check the modem's SIM card"),
    "network": ("请稍后重试或检查信号", "try again later or check the signal"),
    "memory": ("请清理短信猫存储", "clear the modem's message memory"),
    "bad-pdu": ("短信未发出", "the message was not sent"),
    "recipient": ("请核对号码", "check the number"),
    "modem": ("请检查短信猫", "check the modem"),
}


class ModemError(DeviceError):
    """The modem refused a command (``+CMS ERROR``, ``+CME ERROR``, ``ERROR``) or did not answer.

    Attributes:
        code: ``sim``, ``network``, ``memory``, ``bad-pdu``, ``recipient``, ``modem``, ``no-answer``
            or ``offline``.
        cms: the ``+CMS ERROR`` / ``+CME ERROR`` number, when there was one.
    """

    def __init__(self, code: str, zh: str, en: str, cms: int | None = None) -> None:
        super().__init__(code, zh, en)
        self.cms = cms


def cms_error(value: int) -> ModemError:
    """The :class:`ModemError` for ``+CMS ERROR: <value>``."""
    if value in CMS_ERRORS:
        kind, zh, en = CMS_ERRORS[value]
    elif 128 <= value <= 255:
        kind, zh, en = "bad-pdu", "短信被短信中心拒绝", "refused by the service centre (TP-FCS)"
    elif value >= 512:
        kind, zh, en = "modem", "短信猫厂商错误", "manufacturer-specific error"
    else:
        kind, zh, en = "network", "网络拒绝发送", "refused by the network"
    hint_zh, hint_en = _KIND_HINT[kind]
    return ModemError(kind, f"短信发送失败：{zh}（+CMS ERROR {value}），{hint_zh}",
                      f"SMS failed: {en} (+CMS ERROR {value}); {hint_en}", value)


def cme_error(value: int) -> ModemError:
    """The :class:`ModemError` for ``+CME ERROR: <value>`` (TS 27.007 §9.2; the SIM ones matter)."""
    sim = {10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure",
           14: "SIM busy", 15: "SIM wrong"}
    if value in sim:
        return ModemError("sim", f"短信猫 SIM 卡错误（+CME ERROR {value}），请检查 SIM 卡",
                          f"modem SIM error: {sim[value]} (+CME ERROR {value}); check the SIM card", value)
    if value == 30:
        return ModemError("network", "无网络服务（+CME ERROR 30），请检查信号",
                          "no network service (+CME ERROR 30); check the signal", value)
    return ModemError("modem", f"短信猫报错（+CME ERROR {value}）", f"the modem reported +CME ERROR {value}", value)


def plain_error(command: str) -> ModemError:
    """A bare ``ERROR`` (the modem gives no reason)."""
    return ModemError("modem", f"短信猫拒绝了命令 {command}", f"the modem answered ERROR to {command}")


def no_answer(what: str, seconds: float) -> ModemError:
    """The modem did not answer within the deadline."""
    return ModemError("no-answer", f"短信猫 {seconds:g} 秒内无应答（{what}），请检查短信猫的电源和连接",
                      f"the modem did not answer {what} within {seconds:g} s; check its power and cable")


def offline(url: str) -> ModemError:
    """No modem to send with (not running, port gone, or still starting)."""
    return ModemError("offline", f"短信猫未连接：{url}", f"the modem is not connected: {url}")
