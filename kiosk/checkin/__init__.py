"""Check-in and identity verification (人证核验签到), in the capability shape (docs/architecture.md "One capability shape").

* :mod:`kiosk.checkin.rules` — pure rules: the card, window, blacklist-age and per-session checks
  with their refusal codes and texts, what a clerk may override, paddle numbers, masking;
* :mod:`kiosk.checkin.views` — the frozen DTOs screens, the opening and the CLI receive;
* :mod:`kiosk.checkin.service` — ``CheckinService(hall)``, one unit of work per method, and
  :func:`checked_in` and :func:`paddles` for other capabilities' own transactions;
* :mod:`kiosk.checkin.slip` — the printed check-in slip;
* :mod:`kiosk.checkin.liveness` — the head-turn liveness check, pure;
* :mod:`kiosk.checkin.references` — the platform's reference photos, fetched ahead and cached encrypted.
"""

from kiosk.checkin.rules import OVERRIDABLE, REFUSALS, CheckinError, FaceCheck, Refusal
from kiosk.checkin.service import CheckinService, checked_in, paddles
from kiosk.checkin.slip import checkin_slip
from kiosk.checkin.views import (
    Attendance,
    CheckedIn,
    CheckinInfo,
    CheckinOutcome,
    Evaluation,
    FaceCapture,
    RegistrationView,
    SessionOption,
)

__all__ = [
    "OVERRIDABLE", "REFUSALS", "Attendance", "CheckedIn", "CheckinError", "CheckinInfo", "CheckinOutcome",
    "CheckinService", "Evaluation", "FaceCapture", "FaceCheck", "Refusal", "RegistrationView", "SessionOption",
    "checked_in", "checkin_slip", "paddles",
]
