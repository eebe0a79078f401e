"""What the staffing capability hands out: who holds a role, who was appointed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RoleHolder:
    """One person in one role of one session: the actor every session act names.

    ``id`` is the ``session_roles`` row; services check it again inside their own transaction
    (the role may have been released or handed over since). ``name`` is as the platform appointed
    them (or the hall account's display name when one stood in); it is personal data: screens mask it.
    """

    id: int
    session_id: str
    role: str
    name: str
    org: str
    person_hmac: str | None
    operator: str | None
    method: str  #: card, card+pin, account
    appointed: bool
    taken_at: dt.datetime
    reason: str | None = None

    @property
    def username(self) -> str:
        """What the journal's ``actor`` member says: the hall account, or ``<role>:<masked name>``."""
        from kiosk.pii import mask_name

        return self.operator or f"{self.role}:{mask_name(self.name)}"

    @property
    def display_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class Appointee:
    """Someone the platform appointed to a session (name as given; the ID number stays encrypted)."""

    role: str
    name: str
    org: str
    held: bool  #: someone matched to this appointee holds the role now
