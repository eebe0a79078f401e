"""Real-time printer status: ``DLE EOT n`` requests and their one-byte answers (docs/devices.md §3.3).

Every answer has bit 0 = 0, bit 1 = 1, bit 4 = 1 and bit 7 = 0 (base ``0x12``); a byte that
does not fit this pattern is not a status answer (an echo, line noise) and is ignored.

- n = 1, printer: bit 3 offline.
- n = 2, offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error.
- n = 3, error cause: bit 3 auto-cutter error, bit 5 unrecoverable error, bit 6 auto-recoverable
  error (e.g. head overheated). Asked only when n = 2 reports an error.
- n = 4, paper roll sensor: bits 2–3 paper near end, bits 5–6 paper out.

No answer within the timeout means ``online=False`` with paper UNKNOWN — never "paper OK".
A printer that answers and is offline because of a known cause (cover open, paper out, an
error) is reported ``online=True`` with that cause set, so a screen can say what to fix;
``PrinterStatus.can_print`` is False either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ports import PaperState, PrinterStatus

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR = 1, 2, 3, 4

_FIXED_MASK = 0x93
_FIXED_BITS = 0x12


def request(n: int) -> bytes:
    """The ``DLE EOT n`` request (``10 04 n``), n = 1..4."""
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")
    return DLE_EOT + bytes([n])


def is_answer(byte: int) -> bool:
    """Whether a byte has the fixed bits of a DLE EOT answer (``xxx1 xx10`` with bit 7 clear)."""
    return byte & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True)
class PrinterByte:
    """n = 1."""

    offline: bool


@dataclass(frozen=True)
class OfflineCause:
    """n = 2."""

    cover_open: bool
    paper_end_stop: bool
    error: bool


@dataclass(frozen=True)
class ErrorCause:
    """n = 3."""

    cutter: bool
    unrecoverable: bool
    auto_recoverable: bool

    @property
    def description(self) -> str | None:
        """A machine-readable cause for ``PrinterStatus.error`` (None when no bit is set)."""
        if self.cutter:
            return "cutter"
        if self.unrecoverable:
            return "unrecoverable"
        if self.auto_recoverable:
            return "auto-recoverable"
        return None


def _check(byte: int, n: int) -> None:
    if not is_answer(byte):
        raise ValueError(f"0x{byte:02X} is not a DLE EOT {n} answer")


def parse_printer(byte: int) -> PrinterByte:
    """Parse the n = 1 answer. Raises ValueError for a byte without the fixed bits."""
    _check(byte, 1)
    return PrinterByte(offline=bool(byte & 0x08))


def parse_offline_cause(byte: int) -> OfflineCause:
    """Parse the n = 2 answer. Raises ValueError for a byte without the fixed bits."""
    _check(byte, 2)
    return OfflineCause(cover_open=bool(byte & 0x04), paper_end_stop=bool(byte & 0x20), error=bool(byte & 0x40))


def parse_error_cause(byte: int) -> ErrorCause:
    """Parse the n = 3 answer. Raises ValueError for a byte without the fixed bits."""
    _check(byte, 3)
    return ErrorCause(cutter=bool(byte & 0x08), unrecoverable=bool(byte & 0x20), auto_recoverable=bool(byte & 0x40))


def parse_paper(byte: int) -> PaperState:
    """Parse the n = 4 answer: OUT (bit 5 or 6), NEAR_END (bit 2 or 3) or OK.

    Raises:
        ValueError: for a byte without the fixed bits.
    """
    _check(byte, 4)
    if byte & 0x60:
        return PaperState.OUT
    if byte & 0x0C:
        return PaperState.NEAR_END
    return PaperState.OK


NO_ANSWER = PrinterStatus(online=False, paper=PaperState.UNKNOWN)


def combine(
    printer: int | None,
    offline_cause: int | None = None,
    paper: int | None = None,
    error_cause: int | None = None,
) -> PrinterStatus:
    """Build a PrinterStatus from the answer bytes (None where a request got no valid answer).

    Args:
        printer: the n = 1 byte; None means the printer did not answer at all.
        offline_cause: the n = 2 byte.
        paper: the n = 4 byte; None leaves paper UNKNOWN.
        error_cause: the n = 3 byte, when asked.

    Returns:
        The status. Without an n = 1 answer: ``online=False``, paper UNKNOWN.
    """
    if printer is None or not is_answer(printer):
        return NO_ANSWER
    state = parse_printer(printer)
    cover_open = False
    error: str | None = None
    paper_state = parse_paper(paper) if paper is not None and is_answer(paper) else PaperState.UNKNOWN
    if offline_cause is not None and is_answer(offline_cause):
        cause = parse_offline_cause(offline_cause)
        cover_open = cause.cover_open
        if cause.paper_end_stop:
            paper_state = PaperState.OUT
        if cause.error:
            detail = None
            if error_cause is not None and is_answer(error_cause):
                detail = parse_error_cause(error_cause).description
            error = detail or "error"
    # The offline bit is also set by a known fault (cover, paper, error): the printer is then
    # answering and reporting that fault, which the fields say; ``online`` stays True.
    known_cause = cover_open or paper_state is PaperState.OUT or error is not None
    online = not state.offline or known_cause
    return PrinterStatus(online=online, paper=paper_state, cover_open=cover_open, error=error)
