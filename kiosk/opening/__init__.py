"""Bid opening (开标), docs/rules/opening.md: the public names of the capability.

``rules`` (the stage machine, its checks and the fold, pure), ``views`` (the frozen DTOs),
``service`` (:class:`OpeningService`, one unit of work per act), ``documents`` (the 开标记录表).
"""

from kiosk.opening.rules import (
    ANNOUNCE_BEFORE,
    HOST_ROLES,
    LEGAL_WORDING,
    OBJECTION_CATEGORIES,
    OBJECTION_STAGES,
    OBJECTION_TEXT_MAX,
    RECORDER_ROLES,
    STAGES,
    OpeningError,
    QuorumShort,
    opening_address,
)
from kiosk.opening.service import OpeningService
from kiosk.opening.views import (
    ABSENT_REASONS,
    DECRYPT_ZH,
    OUTCOME_ZH,
    STAGE_EN,
    STAGE_ZH,
    BidderView,
    Objection,
    ObjectionTarget,
    OpeningView,
    RecordResult,
    Signer,
)

__all__ = [
    "ABSENT_REASONS", "ANNOUNCE_BEFORE", "DECRYPT_ZH", "HOST_ROLES", "LEGAL_WORDING", "OBJECTION_CATEGORIES",
    "OBJECTION_STAGES", "OBJECTION_TEXT_MAX", "OUTCOME_ZH", "RECORDER_ROLES", "STAGES", "STAGE_EN", "STAGE_ZH",
    "BidderView", "Objection", "ObjectionTarget", "OpeningError", "OpeningService", "OpeningView", "QuorumShort",
    "RecordResult", "Signer", "opening_address",
]
