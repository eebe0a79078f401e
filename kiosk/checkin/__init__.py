"""Check-in and identity verification (人证核验签到): the public names of the capability.

The whole capability is :mod:`kiosk.checkin.service` for now; it splits into ``rules``, ``views``
and ``slip`` next (docs/architecture.md "One capability shape").
"""

from kiosk.checkin.service import (
    OVERRIDABLE,
    REFUSALS,
    Attendance,
    CheckedIn,
    CheckinError,
    CheckinInfo,
    CheckinOutcome,
    CheckinService,
    Evaluation,
    FaceCapture,
    FaceMatcher,
    Refusal,
    RegistrationView,
    SessionOption,
    checked_in,
)

__all__ = [
    "OVERRIDABLE", "REFUSALS", "Attendance", "CheckedIn", "CheckinError", "CheckinInfo", "CheckinOutcome",
    "CheckinService", "Evaluation", "FaceCapture", "FaceMatcher", "Refusal", "RegistrationView", "SessionOption",
    "checked_in",
]
