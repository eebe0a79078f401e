"""Which exceptions mean "the database did not answer" (issue 21), said as a :class:`DatabaseUnavailable`.

Kept apart from ``kiosk/errors.py`` so that modules which only need the error shape (device
drivers through ``kiosk.ports``) do not import SQLAlchemy.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kiosk.errors import DatabaseUnavailable


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
        return DatabaseUnavailable(type(orig).__name__ if orig is not None else type(exc).__name__)
    return None
