"""Session roles: who the platform appointed, who holds a role now, and the check every session act makes.

See :mod:`kiosk.staffing.rules` for the law and :mod:`kiosk.staffing.service` for the units of work.
"""

from kiosk.staffing.rules import (
    FALLBACK_ACCOUNT_ROLE,
    RECORD_TITLES,
    ROLE_EN,
    ROLE_ZH,
    STAFF_ROLES,
    need_holder,
    role_label,
)
from kiosk.staffing.service import StaffingService, active_holders, current
from kiosk.staffing.views import Appointee, RoleHolder

__all__ = [
    "FALLBACK_ACCOUNT_ROLE", "RECORD_TITLES", "ROLE_EN", "ROLE_ZH", "STAFF_ROLES", "Appointee", "RoleHolder",
    "StaffingService", "active_holders", "current", "need_holder", "role_label",
]
