"""What a capability's service may use of the hall: one typed context instead of ``hall: Any``.

Every capability service (``kiosk/<cap>/service.py``) is built as ``XService(hall: HallContext)``
and opens its own units of work with ``hall.unit()`` (writes: one transaction that appends to the
journal) or ``hall.reading()`` (reads that take no lock). ``kiosk.hall.Hall`` satisfies this
protocol; a test may pass any object that does. See docs/architecture.md "One capability shape".
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.clock import Clock
    from kiosk.config import Config
    from kiosk.hall import SessionInfo
    from kiosk.journal import Journal
    from kiosk.operators import OperatorInfo, OperatorService
    from kiosk.pii import PiiVault


class HallContext(Protocol):
    """The hall as its capabilities see it (implemented by :class:`kiosk.hall.Hall`)."""

    config: Config
    clock: Clock
    journal: Journal
    vault: PiiVault
    operators: OperatorService

    def unit(self) -> contextlib.AbstractContextManager[Session]:
        """One write transaction: commits on success, rolls back on error."""
        ...

    def reading(self) -> contextlib.AbstractContextManager[Session]:
        """A read-only session that never queues behind writers."""
        ...

    def person_hmac(self, id_number: str) -> str:
        """The platform's lookup HMAC of an ID number."""
        ...

    def login(self, username: str, pin: str, roles: tuple[str, ...] | None = None) -> OperatorInfo:
        """Check an operator's PIN (and role) in its own unit of work."""
        ...

    def sessions_on(self, day: dt.date | None = None, *, room_code: str | None = None,
                    kinds: tuple[str, ...] | None = None) -> list[SessionInfo]:
        """The platform's sessions of a day (today on the hall clock)."""
        ...
