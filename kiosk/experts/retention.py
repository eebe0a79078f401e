"""Personal data of the evaluation area past its retention (``[security] pii_retention_days``).

Hooked into the hall's retention run (``kiosk/retention.py``) by the lead; until then it is called
on its own. In the caller's transaction:

* the ID numbers of the persons an evaluation record appointed (``pf_evaluation_staff``) once its
  sitting is older than the cutoff: ciphertext emptied, the lookup HMAC kept (as for session staff);
* experts the platform has marked ``suspended`` or ``retired`` and not sent again since the cutoff:
  their name, ID number and mobile ciphertexts emptied (an ``active`` expert's data is what the
  pool is for, and the platform removes an expert it no longer lists with a tombstone).

Draw records hold expert ids only (docs/platform-api.md §7.4), never personal data, and stay.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from kiosk.db.models_experts import PfEvaluation, PfEvaluationStaff, PfExpert


def _staff_where(cutoff: dt.datetime):
    old = select(PfEvaluation.evaluation_id).where(PfEvaluation.starts_at < cutoff)
    return and_(PfEvaluationStaff.evaluation_id.in_(old), func.length(PfEvaluationStaff.id_enc) > 0)


def _expert_where(cutoff: dt.datetime):
    return and_(PfExpert.status != "active", PfExpert.seen_at < cutoff,
                (PfExpert.name_enc.is_not(None)) | (PfExpert.id_enc.is_not(None)) | (PfExpert.mobile_enc.is_not(None)))


def plan_expert_pii(s: Session, cutoff: dt.datetime) -> dict[str, int]:
    """What :func:`purge_expert_pii` would empty (counts of rows)."""
    return {
        "evaluation_staff": int(s.scalar(select(func.count()).select_from(PfEvaluationStaff).where(_staff_where(cutoff))) or 0),
        "experts": int(s.scalar(select(func.count()).select_from(PfExpert).where(_expert_where(cutoff))) or 0),
    }


def purge_expert_pii(s: Session, cutoff: dt.datetime) -> dict[str, int]:
    """Empty the ciphertexts past the cutoff; returns the counts (for the ``pii.purged`` entry)."""
    counts = plan_expert_pii(s, cutoff)
    s.execute(update(PfEvaluationStaff).where(_staff_where(cutoff)).values(id_enc=b"").execution_options(synchronize_session=False))
    s.execute(update(PfExpert).where(_expert_where(cutoff)).values(name_enc=None, id_enc=None, mobile_enc=None)
              .execution_options(synchronize_session=False))
    return counts
