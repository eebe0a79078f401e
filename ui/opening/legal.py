"""What the legal review's opening findings put on the host console and the big screen (issue 15; D1, D4, D5, D6).

Small, separate pieces the console (``ui/opening/console.py``) and the big screen
(``ui/opening/board.py``) place where they show the opening; all of them take the frozen
:class:`~kiosk.opening.OpeningView` the screen already loaded (on the ``read`` lane), so nothing
here touches the database or waits:

* :class:`AdmissionFlags` — what check-in found about the representatives present (D6): a market
  ban, one agent for several bidders. Admitted, the bid is the committee's to judge (REG 51); the
  host and the supervisor see it with the evidence (``evidence=True``, the console), the room sees
  which bidder and what (the big screen: no blacklist code, no person);
* :func:`quorum_notice` — fewer than 3 bidders at the roll call: 不得开标 and 重新招标 only (D1; the
  wording replaces 招标失败/中止);
* :func:`committee_notice` — too few valid bids after decryption: the opening goes on, flagged for
  the evaluation committee (D1);
* :func:`deposit_text` / :func:`reading_deposit_html` — the bid bond as 唱标 reads it where the
  session requires one (D4);
* :func:`confirmation_name` — 已确认 / 拒绝确认 / 未到场，视同认可 / 未到场 (D5: deemed only where the
  session says so);
* :class:`WithdrawalFields` — the bidder's written 撤回/撤销 (REG 35, D1): kind, the notice's reference
  and when it was received, for the console's act ``service.record_withdrawal(sid, holder, rid,
  *fields.values())`` (弃标 as an absence reason is refused without it).
"""

from __future__ import annotations

from html import escape as esc

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QWidget

from kiosk.opening import BidderView, OpeningView


def quorum_notice(v: OpeningView) -> str | None:
    """A short roll call (REG 44): waiting for the host to record 不得开标, then the outcome and its reason."""
    q = v.quorum_short or {}
    d = v.quorum_decision
    if v.awaiting_quorum_decision:
        return (QCoreApplication.translate("OpeningLegal", "投标人少于 %1 个（现有 %2 个）：依法不得开标，等待主持人确认")
                .replace("%1", str(q.get("quorum", v.quorum))).replace("%2", str(q.get("valid", v.bidder_count))))
    if d and d.get("decision") == "failed":
        return (QCoreApplication.translate("OpeningLegal", "投标人少于 %1 个（现有 %2 个）：不得开标，依法重新招标").replace("%1", str(d.get("quorum", v.quorum)))
                .replace("%2", str(d.get("valid", ""))) + "\n" + QCoreApplication.translate("OpeningLegal", "原因：%1").replace("%1", str(d.get("reason", ""))))
    if d:  # a record made before D1, when a short quorum could be "suspended"
        return QCoreApplication.translate("OpeningLegal", "开标中止") + "\n" + QCoreApplication.translate("OpeningLegal", "原因：%1").replace("%1", str(d.get("reason", "")))
    return None


def committee_notice(v: OpeningView) -> str | None:
    """After decryption, fewer valid bids than the quorum: the opening goes on, the committee judges (D1)."""
    vs = v.valid_short
    if not vs:
        return None
    return (QCoreApplication.translate("OpeningLegal", "解密后有效投标 %1 家，少于 %2 家：开标继续，提请评标委员会依法评审")
            .replace("%1", str(vs.get("valid", v.valid_count))).replace("%2", str(vs.get("quorum", v.quorum))))


def deposit_name(status: str) -> str:
    return {
        "paid": QCoreApplication.translate("OpeningLegal", "已递交"), "guarantee": QCoreApplication.translate("OpeningLegal", "电子保函"), "unpaid": QCoreApplication.translate("OpeningLegal", "未递交"), "refunded": QCoreApplication.translate("OpeningLegal", "已退还"),
        "forfeited": QCoreApplication.translate("OpeningLegal", "已没收"), "": QCoreApplication.translate("OpeningLegal", "无记录"),
    }.get(status, status)


def deposit_text(v: OpeningView, b: BidderView) -> str:
    """``投标保证金：已递交`` where the session requires a bid bond (D4); "" where it does not."""
    if not v.deposit_required:
        return ""
    return QCoreApplication.translate("OpeningLegal", "投标保证金：%1").replace("%1", deposit_name(b.deposit_status))


def reading_deposit_html(v: OpeningView, b: BidderView, px: int = 40) -> str:
    """The bid bond line for the big screen's reading box ("" where not required)."""
    text = deposit_text(v, b)
    return f'<div style="font-size:{px}px;color:#ffffff">{esc(text)}</div>' if text else ""


def confirmation_name(b: BidderView) -> str:
    """How the bidder stands on the record (D5)."""
    return {
        "confirmed": QCoreApplication.translate("OpeningLegal", "已确认"), "refused": QCoreApplication.translate("OpeningLegal", "拒绝确认"), "deemed": QCoreApplication.translate("OpeningLegal", "未到场，视同认可"), "absent": QCoreApplication.translate("OpeningLegal", "未到场"),
        "no_answer": QCoreApplication.translate("OpeningLegal", "在线未确认"), "": "—",
    }.get(b.confirmation, b.confirmation) + (QCoreApplication.translate("OpeningLegal", "（在线签章）")
                                             if b.confirmation_source == "online" and b.confirmation == "confirmed" else "")


def flag_name(code: str) -> str:
    return {"banned": QCoreApplication.translate("OpeningLegal", "信用黑名单：市场禁入"), "several_bidders": QCoreApplication.translate("OpeningLegal", "同一人代理多家投标人")}.get(code, code)


class AdmissionFlags(QLabel):
    """The admission flags of an opening (D6), hidden when there are none.

    Args:
        evidence: show the evidence (blacklist code, reason and validity; the one masked person and
            the check-in numbers) — the console, for host and supervisor; the big screen shows the
            bidder and what was found only.
        board: styled for the big screen (``openingBoardObjections``) instead of the console's alert.
        parent: the Qt parent.
    """

    def __init__(self, *, evidence: bool, board: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="openingBoardObjections" if board else "openingAlert")
        self.evidence = evidence
        self.setWordWrap(True)
        self.setMinimumSize(1, 1)
        self.hide()

    def show_view(self, v: OpeningView | None) -> None:
        flags = v.flags if v is not None else ()
        if not flags:
            self.clear()
            self.hide()
            return
        head = QCoreApplication.translate("OpeningLegal", "签到核验提示（已准予入场，投标是否有效由评标委员会依法认定）")
        lines = [f"<b>{esc(head)}</b>"]
        for f in flags:
            line = f"{f.bidder_name}：{flag_name(f.code)}"
            if self.evidence:
                line += f"（{f.evidence}）"
            lines.append(esc(line))
        self.setText("<br>".join(lines))
        self.show()


class WithdrawalFields(QFrame):
    """The fields of a bidder's written withdrawal (REG 35): 撤回 (before the deadline) or 撤销 (after it),
    the notice's number (or the platform's withdrawal record) and when it was received.

    The core checks them again (``kiosk.opening.rules.check_withdrawal``) and says what is missing.
    """

    KINDS = ("withdrawn", "revoked")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="openingPanel")
        lay = QHBoxLayout(self)
        self.kind = QComboBox()
        self.reference = QLineEdit()
        self.received_at = QLineEdit()
        self.reference.setMaxLength(100)
        self.received_at.setMaxLength(40)
        lay.addWidget(self.kind)
        lay.addWidget(self.reference, 2)
        lay.addWidget(self.received_at, 1)
        self.retranslate()

    def values(self) -> tuple[str, str, str]:
        """(kind, reference, received_at) as ``OpeningService.record_withdrawal`` takes them."""
        return self.KINDS[max(0, self.kind.currentIndex())], self.reference.text(), self.received_at.text()

    def clear(self) -> None:
        self.reference.clear()
        self.received_at.clear()

    def retranslate(self) -> None:
        i = self.kind.currentIndex()
        self.kind.clear()
        self.kind.addItems([QCoreApplication.translate("OpeningLegal", "书面撤回（截止前）"),
                            QCoreApplication.translate("OpeningLegal", "书面撤销（截止后）")])
        self.kind.setCurrentIndex(max(0, i))
        self.reference.setPlaceholderText(QCoreApplication.translate("OpeningLegal", "书面通知编号或平台撤回记录号"))
        self.received_at.setPlaceholderText(QCoreApplication.translate("OpeningLegal", "收到时间，如 2026-12-06 16:00"))
