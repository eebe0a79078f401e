"""Tables of the opening capability (registered on ``kiosk.db.models.Base``)."""

from __future__ import annotations

from kiosk.db.models import Base  # noqa: F401 - tables subclass Base
