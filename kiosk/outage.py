"""Which exceptions mean "the database did not answer" (issue 21), said as a :class:`DatabaseUnavailable`.

Kept apart from ``kiosk/errors.py`` so that modules which only need the error shape (device
drivers through ``kiosk.ports``) do not import SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kiosk.errors import DatabaseUnavailable, HallError, StorageFull


def database_error(exc: BaseException) -> DatabaseUnavailable | None:
    """The person-facing error for a database that failed to answer, or None for any other exception.

    SQLAlchemy's ``OperationalError`` (connection refused or lost, server shut down, statement or
    lock timeout, SQLite's "database is locked") and its pool's ``TimeoutError`` mean the act did
    not happen; the screen says so in words instead of "fault", and the log gets the class only.
    """
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if isinstance(exc, (OperationalError, PoolTimeout)) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        orig = getattr(exc, "orig", None)
        name = type(orig).__name__ if orig is not None else type(exc).__name__
        return StorageFull(name) if _disk_full(orig) else DatabaseUnavailable(name)
    return None


def _disk_full(orig: object) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or PostgreSQL's SQLSTATE 53100 (disk_full)."""
    if getattr(orig, "sqlite_errorname", None) == "SQLITE_FULL":
        return True
    return getattr(orig, "sqlstate", None) == "53100"


# --- a deadline for a person's act (issue 21: "an act inside its transaction when the database froze") ---

#: When the act running in this context must have finished its statements (``time.monotonic()``), or None.
_act_deadline: ContextVar[float | None] = ContextVar("act_deadline", default=None)


class ActTooLate(HallError):
    """The act's transaction finished its statements only after the person's deadline: rolled back, not done late."""

    def __init__(self, late_s: float) -> None:
        super().__init__(
            "too-late",
            f"未执行：数据库响应过慢（超时 {late_s:.0f} 秒），本次操作已撤销，请重新操作",
            f"not done: the database answered too slowly ({late_s:.0f} s late); the act was rolled back, please try again",
        )
        self.late_s = late_s


@contextlib.contextmanager
def act_deadline(at: float) -> Iterator[None]:
    """Acts inside this block must reach their commit by ``at`` (monotonic seconds); see :func:`check_act_deadline`."""
    token = _act_deadline.set(at)
    try:
        yield
    finally:
        _act_deadline.reset(token)


def check_act_deadline() -> None:
    """Called by a unit of work just before it commits: past the act's deadline, raise (the caller rolls back).

    A screen's act is acknowledged to a person who is waiting; if the database froze mid-transaction
    and answered again later, committing then would do the act after the screen said it failed or
    the person left (a counter's call to a ticket nobody holds). A commit already sent when the
    database froze is beyond any client's reach; everything before it is not.
    """
    at = _act_deadline.get()
    if at is not None:
        now = time.monotonic()
        if now > at:
            raise ActTooLate(now - at)
