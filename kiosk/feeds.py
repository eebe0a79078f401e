"""Pulled platform data: applying feed pages (docs/platform-api.md §2) and the look-ups check-in needs.

The sync client (``sync.pull``) hands each page it receives to :func:`apply_page`, which applies
the upserts and deletes to the ``pf_*`` tables **and** stores the page's ``next_cursor`` in the
caller's transaction, so a crash can never keep data without its cursor or a cursor without its
data. :func:`relist` discards a feed when the platform has forgotten our cursor (``410``).

Personal data never lands here in clear: representatives' ID numbers, blacklisted persons' (and
experts') codes and natural-person bidders' ID numbers are kept only as ``vault.lookup_hmac`` (to
find them) and ``vault.encrypt`` ciphertext, and are stripped from any stored ``data`` JSON.

This module is core: no network, no Qt. The check-in service calls
:func:`registrations_for_person` and :func:`active_bans`; status bars call :func:`feed_ages`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, or_, select
from sqlalchemy.orm import Session

from kiosk.db.models import (
    FeedState,
    PfBidResult,
    PfBlacklist,
    PfLot,
    PfRegistration,
    PfRepresentative,
    PfSession,
)
from kiosk.db.models_experts import PfEvaluation, PfEvaluationStaff, PfExpert
from kiosk.db.models_opening import PfRemoteEvent
from kiosk.db.models_staffing import PfSessionStaff
from kiosk.pii import PiiVault, mask_id_number, mask_name, normalise_id
from kiosk.timeutil import parse_rfc3339

FEEDS: tuple[str, ...] = ("sessions", "registrations", "blacklist", "bid_results", "experts", "evaluations",
                          "remote_events")

#: associated data bound to each kind of ciphertext, so one cannot be swapped for another
CTX_REPRESENTATIVE = b"pf_representatives.id_number"
CTX_BIDDER = b"pf_registrations.bidder_code"
CTX_BLACKLIST = b"pf_blacklist.body_code"
CTX_STAFF = b"pf_session_staff.id_number"
CTX_EXPERT_NAME = b"pf_experts.name"
CTX_EXPERT_ID = b"pf_experts.id_number"
CTX_EXPERT_MOBILE = b"pf_experts.mobile"
CTX_EVALUATION_STAFF = b"pf_evaluation_staff.id_number"


class FeedError(ValueError):
    """A feed item that cannot be applied (unknown feed, missing member)."""


# --- applying pages --------------------------------------------------------------------------


def apply_page(
    session: Session,
    feed: str,
    items: Sequence[dict[str, Any]],
    next_cursor: str | None,
    server_time: str | None,
    vault: PiiVault,
    *,
    caught_up: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """Apply one page of ``feed`` and store its cursor, inside the caller's transaction.

    Items are applied in the order given (the platform's ``version`` order). An item whose
    ``version`` is not newer than what is stored for its key is skipped, so applying the same
    page twice changes nothing.

    Args:
        session: an open session; the caller commits (page and cursor together).
        feed: ``sessions``, ``registrations``, ``blacklist`` or ``bid_results``.
        items: the page's ``items`` (``{"op", "key", "version", "data"}``).
        next_cursor: the page's ``next_cursor``, stored as the feed's cursor.
        server_time: the page's ``server_time`` (RFC 3339), kept for information.
        vault: encrypts and indexes personal data.
        caught_up: the page had ``has_more: false``; marks the feed as synced at ``now``.
        now: the (platform-corrected) time of a caught-up page.

    Returns:
        How many items changed local data.

    Raises:
        FeedError: an unknown feed or a malformed item.
    """
    if feed not in FEEDS:
        raise FeedError(f"unknown feed {feed!r}")
    changed = 0
    for item in items:
        op, key, version = item.get("op"), item.get("key"), item.get("version")
        if not isinstance(key, str) or not isinstance(version, int) or op not in ("upsert", "delete"):
            raise FeedError(f"{feed}: malformed item (op={op!r}, key={key!r}, version={version!r})")
        if op == "delete":
            changed += _DELETE[feed](session, key, version)
        else:
            data = item.get("data")
            if not isinstance(data, dict):
                raise FeedError(f"{feed}: upsert of {key!r} without data")
            changed += _UPSERT[feed](session, key, version, data, vault)
    state = _state(session, feed)
    state.cursor = next_cursor
    state.server_time = server_time
    if caught_up:
        state.synced_at = now or dt.datetime.now(dt.UTC)
    session.flush()
    return changed


def relist(session: Session, feed: str) -> None:
    """Discard everything held from ``feed`` and its cursor (the platform answered ``410``).

    Run it in the same transaction as the pages of the new listing when possible, so readers
    never see the feed empty.
    """
    if feed not in FEEDS:
        raise FeedError(f"unknown feed {feed!r}")
    if feed == "sessions":
        session.execute(delete(PfLot))
        session.execute(delete(PfSession))
    elif feed == "registrations":
        session.execute(delete(PfRepresentative))
        session.execute(delete(PfRegistration))
    elif feed == "blacklist":
        session.execute(delete(PfBlacklist))
    elif feed == "experts":
        session.execute(delete(PfExpert))
    elif feed == "evaluations":
        session.execute(delete(PfEvaluationStaff))
        session.execute(delete(PfEvaluation))
    elif feed == "remote_events":
        session.execute(delete(PfRemoteEvent))
    else:
        session.execute(delete(PfBidResult))
    state = _state(session, feed)
    if state.cursor is not None:  # a first listing is not a relisting
        state.relists = (state.relists or 0) + 1
    state.cursor = None
    session.flush()


def feed_cursor(session: Session, feed: str) -> str | None:
    """The stored cursor of ``feed`` (None: list from the beginning)."""
    state = session.get(FeedState, feed)
    return state.cursor if state else None


def feed_ages(session: Session, now: dt.datetime) -> dict[str, float | None]:
    """Seconds since each feed was last caught up (None: never), for the status bar."""
    out: dict[str, float | None] = {}
    for feed in FEEDS:
        state = session.get(FeedState, feed)
        if state is None or state.synced_at is None:
            out[feed] = None
        else:
            out[feed] = max(0.0, (now - state.synced_at).total_seconds())
    return out


def feed_counts(session: Session) -> dict[str, int]:
    """How many records each feed holds locally."""
    from sqlalchemy import func

    tables = {"sessions": PfSession, "registrations": PfRegistration, "blacklist": PfBlacklist,
              "bid_results": PfBidResult, "experts": PfExpert, "evaluations": PfEvaluation,
              "remote_events": PfRemoteEvent}
    return {feed: int(session.scalar(select(func.count()).select_from(model)) or 0) for feed, model in tables.items()}


def _state(session: Session, feed: str) -> FeedState:
    state = session.get(FeedState, feed)
    if state is None:
        state = FeedState(feed=feed, cursor=None, relists=0)
        session.add(state)
    return state


def _time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return parse_rfc3339(str(value))


def _req(data: dict[str, Any], name: str, feed: str) -> Any:
    if name not in data or data[name] is None:
        raise FeedError(f"{feed}: record lacks {name!r}")
    return data[name]


def _newer(stored_version: int | None, version: int) -> bool:
    return stored_version is None or version > stored_version


# sessions


def _upsert_session(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.scalar(select(PfSession).where(PfSession.feed_key == key))
    if old is not None and not _newer(old.version, version):
        return 0
    session_id = str(_req(data, "session_id", "sessions"))
    _delete_session_rows(session, key, session_id)
    session.add(
        PfSession(
            session_id=session_id,
            feed_key=key,
            version=version,
            kind=str(_req(data, "kind", "sessions")),
            room_code=str(data.get("room_code") or ""),
            room_name=str(data.get("room_name") or ""),
            starts_at=_time(_req(data, "starts_at", "sessions")),
            title=str(data.get("title") or ""),
            trade_type=str(data.get("trade_type") or "QT"),
            quorum=data.get("quorum"),
            data=_kept_session_data(data),
        )
    )
    session.flush()
    _add_staff(session, session_id, data, vault)
    for position, lot in enumerate(data.get("lots") or []):
        session.add(
            PfLot(
                session_id=session_id,
                lot_code=str(lot["lot_code"]),
                position=position,
                title=str(lot.get("title") or ""),
                start_price=str(lot.get("start_price") or "0"),
                increment=str(lot.get("increment") or "0"),
                price_unit=str(lot.get("price_unit") or "0"),
                deposit=lot.get("deposit"),
                has_reserve=bool(lot.get("has_reserve")),
                cap_price=lot.get("cap_price"),
                max_wins_per_paddle=lot.get("max_wins_per_paddle"),
                listing_top_bid=lot.get("listing_top_bid"),
                listing_top_paddle=lot.get("listing_top_paddle"),
            )
        )
    session.flush()
    return 1


def _delete_family(session: Session, parent: Any, child: Any, id_name: str, key: str, record_id: str | None = None) -> int:
    """Delete the ``parent`` rows stored under feed ``key`` (and ``record_id``) with their ``child`` rows.

    A record can move between feed keys or keep its id under a new key; both are removed, so an
    upsert never meets its own earlier copy.
    """
    ids = set(session.scalars(select(getattr(parent, id_name)).where(parent.feed_key == key)))
    if record_id:
        ids.add(record_id)
    if not ids:
        return 0
    session.execute(delete(child).where(getattr(child, id_name).in_(ids)))
    result = cast("CursorResult[Any]", session.execute(delete(parent).where(getattr(parent, id_name).in_(ids))))
    return int(result.rowcount or 0)


def _delete_if_newer(session: Session, parent: Any, child: Any, id_name: str, key: str, version: int) -> int:
    """A tombstone: delete ``key``'s rows unless what is stored is as new or newer."""
    old = session.scalar(select(parent).where(parent.feed_key == key))
    if old is None or not _newer(old.version, version):
        return 0
    return _delete_family(session, parent, child, id_name, key)


def _delete_session_rows(session: Session, key: str, session_id: str | None = None) -> int:
    ids = set(session.scalars(select(PfSession.session_id).where(PfSession.feed_key == key)))
    if session_id:
        ids.add(session_id)
    if ids:
        session.execute(delete(PfSessionStaff).where(PfSessionStaff.session_id.in_(ids)))
    return _delete_family(session, PfSession, PfLot, "session_id", key, session_id)


def _delete_session(session: Session, key: str, version: int) -> int:
    old = session.scalar(select(PfSession).where(PfSession.feed_key == key))
    if old is None or not _newer(old.version, version):
        return 0
    return _delete_session_rows(session, key)


def _kept_session_data(data: dict[str, Any]) -> dict[str, Any]:
    """The session record as stored in ``pf_sessions.data``: the staff's ID numbers are left out
    (they live in ``pf_session_staff`` as HMAC + ciphertext only; docs/architecture.md §4)."""
    kept = copy.deepcopy(data)
    for person in kept.get("staff") or []:
        if isinstance(person, dict) and person.get("id_number"):
            person["id_number"] = mask_id_number(str(person["id_number"]))
    return kept


def _add_staff(session: Session, session_id: str, data: dict[str, Any], vault: PiiVault) -> None:
    for person in data.get("staff") or []:
        id_number = normalise_id(str(person.get("id_number") or ""))
        if not id_number:
            continue  # validated upstream (sync/feeds.py); nobody can be matched without one
        session.add(PfSessionStaff(
            session_id=session_id, role=str(person["role"]), name=str(person.get("name") or ""),
            org=str(person.get("org") or ""), id_hmac=vault.lookup_hmac(id_number),
            id_enc=vault.encrypt(id_number, context=CTX_STAFF),
        ))


# registrations


def _upsert_registration(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.scalar(select(PfRegistration).where(PfRegistration.feed_key == key))
    if old is not None and not _newer(old.version, version):
        return 0
    registration_id = str(_req(data, "registration_id", "registrations"))
    _delete_registration_rows(session, key, registration_id)
    bidder = data.get("bidder") or {}
    code_type = str(bidder.get("code_type") or "USCC")
    code = bidder.get("code")
    deposit = data.get("deposit") or {}
    row = PfRegistration(
        registration_id=registration_id,
        feed_key=key,
        version=version,
        session_id=str(_req(data, "session_id", "registrations")),
        lot_code=data.get("lot_code"),
        bidder_name=str(bidder.get("name") or ""),
        bidder_code_type=code_type,
        deposit_status=deposit.get("status"),
        deposit_amount=deposit.get("amount"),
        checkin_code=data.get("checkin_code"),
        bid_submitted_at=_time(data.get("bid_submitted_at")),
    )
    if code:
        if code_type == "USCC":
            row.bidder_code = normalise_id(str(code))
        else:  # a natural person's ID number: never in clear
            row.bidder_code_hmac = vault.lookup_hmac(str(code))
            row.bidder_code_enc = vault.encrypt(normalise_id(str(code)), context=CTX_BIDDER)
    session.add(row)
    session.flush()
    for rep in data.get("representatives") or []:
        id_number = rep.get("id_number")
        if not id_number:
            continue
        session.add(
            PfRepresentative(
                registration_id=registration_id,
                name=str(rep.get("name") or ""),
                id_hmac=vault.lookup_hmac(str(id_number)),
                id_enc=vault.encrypt(normalise_id(str(id_number)), context=CTX_REPRESENTATIVE),
                photo_sha256=_sha256_or_none(rep.get("photo_sha256")),
            )
        )
    session.flush()
    return 1


def _sha256_or_none(value: Any) -> str | None:
    """A representative's ``photo_sha256`` (docs/platform-api.md §7.1) if it is 64 hex digits, else None."""
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower()):
        return value.lower()
    return None


def _delete_registration_rows(session: Session, key: str, registration_id: str | None = None) -> int:
    return _delete_family(session, PfRegistration, PfRepresentative, "registration_id", key, registration_id)


def _delete_registration(session: Session, key: str, version: int) -> int:
    return _delete_if_newer(session, PfRegistration, PfRepresentative, "registration_id", key, version)


# blacklist


def _upsert_blacklist(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.scalar(select(PfBlacklist).where(PfBlacklist.feed_key == key))
    if old is not None and not _newer(old.version, version):
        return 0
    code = str(_req(data, "BLACKLIST_CODE", "blacklist"))
    session.execute(delete(PfBlacklist).where(or_(PfBlacklist.feed_key == key, PfBlacklist.blacklist_code == code)))
    body_type = str(data.get("BODY_TYPE") or "entity")
    body_code = data.get("BODY_CODE")
    row = PfBlacklist(
        blacklist_code=code,
        feed_key=key,
        version=version,
        body_name=str(data.get("BODY_NAME") or ""),
        body_type=body_type,
        confined_action=str(data.get("CONFINED_ACTION") or ""),
        record_reason=str(data.get("RECORD_REASON") or ""),
        valid_from=data.get("valid_from"),
        valid_until=data.get("valid_until"),
    )
    if body_code:
        if body_type == "entity":
            row.body_code = normalise_id(str(body_code))
        else:  # persons and experts are named by an ID number: never in clear
            row.body_code_hmac = vault.lookup_hmac(str(body_code))
            row.body_code_enc = vault.encrypt(normalise_id(str(body_code)), context=CTX_BLACKLIST)
    session.add(row)
    session.flush()
    return 1


def _delete_blacklist(session: Session, key: str, version: int) -> int:
    old = session.scalar(select(PfBlacklist).where(PfBlacklist.feed_key == key))
    if old is None or not _newer(old.version, version):
        return 0
    session.delete(old)
    session.flush()
    return 1


# bid results


def _upsert_bid_result(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.get(PfBidResult, key)
    if old is not None and not _newer(old.version, version):
        return 0
    session_id = str(_req(data, "session_id", "bid_results"))
    registration_id = str(_req(data, "registration_id", "bid_results"))
    session.execute(
        delete(PfBidResult).where(
            or_(
                PfBidResult.feed_key == key,
                (PfBidResult.session_id == session_id) & (PfBidResult.registration_id == registration_id),
            )
        )
    )
    session.add(
        PfBidResult(
            feed_key=key,
            version=version,
            session_id=session_id,
            registration_id=registration_id,
            decrypt_status=str(data.get("decrypt_status") or "pending"),
            decrypted_at=_time(data.get("decrypted_at")),
            bid_price=data.get("BID_PRICE"),
            price_unit=data.get("PRICE_UNIT"),
            data=copy.deepcopy(data),
        )
    )
    session.flush()
    return 1


def _delete_bid_result(session: Session, key: str, version: int) -> int:
    old = session.get(PfBidResult, key)
    if old is None or not _newer(old.version, version):
        return 0
    session.delete(old)
    session.flush()
    return 1


# remote events (docs/platform-api.md §7.3; issue 19): the person's name kept masked only


def _upsert_remote_event(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.scalar(select(PfRemoteEvent).where(PfRemoteEvent.feed_key == key))
    if old is not None and not _newer(old.version, version):
        return 0
    event_id = str(_req(data, "event_id", "remote_events"))
    at = _time(_req(data, "at", "remote_events"))
    assert at is not None
    received = old.received_at if old is not None else None
    session.execute(delete(PfRemoteEvent).where(or_(PfRemoteEvent.feed_key == key, PfRemoteEvent.event_id == event_id)))
    session.flush()

    def text(name: str) -> str | None:
        value = data.get(name)
        return str(value) if value is not None else None

    session.add(PfRemoteEvent(
        event_id=event_id, feed_key=key, version=version, session_id=str(_req(data, "session_id", "remote_events")),
        registration_id=text("registration_id"), type=str(_req(data, "type", "remote_events")), at=at,
        person_name_masked=mask_name(str(data.get("person_name") or "")), ca_serial=text("ca_serial"),
        category=text("category"), text=text("text"), decision=text("decision"),
        signature_sha256=text("signature_sha256"), received_at=received or dt.datetime.now(dt.UTC)))
    session.flush()
    return 1


def _delete_remote_event(session: Session, key: str, version: int) -> int:
    old = session.scalar(select(PfRemoteEvent).where(PfRemoteEvent.feed_key == key))
    if old is None or not _newer(old.version, version):
        return 0
    session.delete(old)
    session.flush()
    return 1


# experts and evaluations (docs/platform-api.md §7.3; issue 17): name, ID number and mobile of an expert
# only as ciphertext (ID number and mobile also as lookup HMAC), never in clear.


def _expert_row(key: str, version: int, data: dict[str, Any], vault: PiiVault) -> dict[str, Any]:
    """One ``pf_experts`` row of a feed item: name, ID number and mobile only as ciphertext (+ lookup HMAC)."""
    employer = data.get("employer") or {}
    id_number = normalise_id(str(data.get("id_number") or ""))
    mobile = "".join(ch for ch in str(data.get("mobile") or "") if ch.isdigit())
    name = str(data.get("name") or "")
    return dict(
        expert_id=str(_req(data, "expert_id", "experts")), feed_key=key, version=version,
        name_enc=vault.encrypt(name, context=CTX_EXPERT_NAME) if name else None,
        id_hmac=vault.lookup_hmac(id_number) if id_number else None,
        id_enc=vault.encrypt(id_number, context=CTX_EXPERT_ID) if id_number else None,
        mobile_hmac=vault.lookup_hmac(mobile) if mobile else None,
        mobile_enc=vault.encrypt(mobile, context=CTX_EXPERT_MOBILE) if mobile else None,
        photo_sha256=_sha256_or_none(data.get("photo_sha256")),
        specialties=[str(x) for x in data.get("specialties") or []],
        title=str(data.get("title") or ""),
        employer_code=normalise_id(str(employer.get("code"))) if employer.get("code") else None,
        employer_name=str(employer.get("name") or ""),
        region=str(data.get("region") or ""), status=str(_req(data, "status", "experts")),
        declared_conflicts=[normalise_id(str(x)) for x in data.get("declared_conflicts") or []],
        seen_at=dt.datetime.now(dt.UTC),
    )


def _upsert_expert(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    # Core statements, not ORM objects: a region's pool is tens of thousands of experts, listed whole
    # on a first start (about half the time per expert of the ORM's select-object/add/flush)
    old_version = session.scalar(select(PfExpert.version).where(PfExpert.feed_key == key))
    if old_version is not None and not _newer(old_version, version):
        return 0
    row = _expert_row(key, version, data, vault)
    session.execute(delete(PfExpert).where(or_(PfExpert.feed_key == key, PfExpert.expert_id == row["expert_id"]))
                    .execution_options(synchronize_session=False))
    session.execute(insert(PfExpert).values(**row))
    return 1


EXPERTS_BULK_CHUNK = 500  #: keys per IN (…) of the bulk path (SQLite's and psycopg's parameter limits stay far)


def upsert_experts(session: Session, items: Sequence[tuple[str, int, dict[str, Any]]], vault: PiiVault) -> int:
    """A page of ``experts`` upserts at once (issue 17: a first listing of a region's pool): one read of
    the held versions, one delete and one multi-row insert per chunk instead of three statements per
    expert — the same rows and the same version rule as :func:`_upsert_expert`. Raises what the database
    raises (two keys naming one ``expert_id``, …): the caller then applies the page item by item."""
    keys = [k for k, _v, _d in items]
    held: dict[str, int] = {}
    for i in range(0, len(keys), EXPERTS_BULK_CHUNK):
        chunk = keys[i:i + EXPERTS_BULK_CHUNK]
        held.update((str(k), int(v)) for k, v in session.execute(
            select(PfExpert.feed_key, PfExpert.version).where(PfExpert.feed_key.in_(chunk))).all())
    rows: dict[str, dict[str, Any]] = {}
    for key, version, data in items:
        newest = rows[key]["version"] if key in rows else held.get(key)
        if newest is not None and not _newer(newest, version):
            continue
        rows[key] = _expert_row(key, version, data, vault)
    todo = list(rows.values())
    for i in range(0, len(todo), EXPERTS_BULK_CHUNK):
        part = todo[i:i + EXPERTS_BULK_CHUNK]
        session.execute(delete(PfExpert).where(or_(PfExpert.feed_key.in_([r["feed_key"] for r in part]),
                                                   PfExpert.expert_id.in_([r["expert_id"] for r in part])))
                        .execution_options(synchronize_session=False))
        session.execute(insert(PfExpert), part)
    return len(todo)


def _delete_expert(session: Session, key: str, version: int) -> int:
    old = session.scalar(select(PfExpert).where(PfExpert.feed_key == key))
    if old is None or not _newer(old.version, version):
        return 0
    session.delete(old)
    session.flush()
    return 1


def _upsert_evaluation(session: Session, key: str, version: int, data: dict[str, Any], vault: PiiVault) -> int:
    old = session.scalar(select(PfEvaluation).where(PfEvaluation.feed_key == key))
    if old is not None and not _newer(old.version, version):
        return 0
    evaluation_id = str(_req(data, "evaluation_id", "evaluations"))
    _delete_family(session, PfEvaluation, PfEvaluationStaff, "evaluation_id", key, evaluation_id)
    hours = data.get("expected_hours")
    session.add(PfEvaluation(
        evaluation_id=evaluation_id, feed_key=key, version=version,
        session_ids=[str(x) for x in data.get("session_ids") or []],
        room_code=str(data.get("room_code") or ""), room_name=str(data.get("room_name") or ""),
        starts_at=_time(_req(data, "starts_at", "evaluations")),
        expected_hours=None if hours is None else str(hours),
        trade_type=str(data.get("trade_type") or ""), budget=data.get("budget"),
        members_total=int(_req(data, "members_total", "evaluations")), owner_reps=int(data.get("owner_reps") or 0),
        draws=[{"specialty": str(d["specialty"]), "count": int(d["count"]), "reserves": int(d.get("reserves") or 0)}
               for d in data.get("draws") or []],
        draw_not_before=_time(data.get("draw_not_before")), region=str(data.get("region") or ""),
        avoid_codes=[normalise_id(str(x)) for x in data.get("avoid_codes") or []],
    ))
    session.flush()
    for person in data.get("staff") or []:  # optional, the shape of sessions.staff (§7.1)
        id_number = normalise_id(str(person.get("id_number") or "")) if isinstance(person, dict) else ""
        if not id_number or not person.get("role"):
            continue
        session.add(PfEvaluationStaff(
            evaluation_id=evaluation_id, role=str(person["role"]), name=str(person.get("name") or ""),
            org=str(person.get("org") or ""), id_hmac=vault.lookup_hmac(id_number),
            id_enc=vault.encrypt(id_number, context=CTX_EVALUATION_STAFF),
        ))
    session.flush()
    return 1


def _delete_evaluation(session: Session, key: str, version: int) -> int:
    return _delete_if_newer(session, PfEvaluation, PfEvaluationStaff, "evaluation_id", key, version)


_UPSERT = {
    "sessions": _upsert_session,
    "registrations": _upsert_registration,
    "blacklist": _upsert_blacklist,
    "bid_results": _upsert_bid_result,
    "experts": _upsert_expert,
    "evaluations": _upsert_evaluation,
    "remote_events": _upsert_remote_event,
}
_DELETE = {
    "sessions": _delete_session,
    "registrations": _delete_registration,
    "blacklist": _delete_blacklist,
    "bid_results": _delete_bid_result,
    "experts": _delete_expert,
    "evaluations": _delete_evaluation,
    "remote_events": _delete_remote_event,
}


# --- look-ups for check-in --------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationMatch:
    """A registration a person may act for (plain data; no ID number in it).

    Attributes:
        via: ``representative`` (named as one) or ``bidder`` (the natural-person bidder).
        person_name: the representative's name (the bidder's name for ``via="bidder"``).
    """

    registration_id: str
    session_id: str
    lot_code: str | None
    bidder_name: str
    bidder_code_type: str
    bidder_code: str | None
    deposit_status: str | None
    deposit_amount: str | None
    checkin_code: str | None
    via: str
    person_name: str


@dataclass(frozen=True)
class Ban:
    """A blacklist entry that restricts on the day asked about."""

    blacklist_code: str
    body_name: str
    body_type: str
    confined_action: str
    record_reason: str
    valid_from: str | None
    valid_until: str | None


def _match(reg: PfRegistration, via: str, person_name: str) -> RegistrationMatch:
    return RegistrationMatch(
        registration_id=reg.registration_id,
        session_id=reg.session_id,
        lot_code=reg.lot_code,
        bidder_name=reg.bidder_name,
        bidder_code_type=reg.bidder_code_type,
        bidder_code=reg.bidder_code,
        deposit_status=reg.deposit_status,
        deposit_amount=reg.deposit_amount,
        checkin_code=reg.checkin_code,
        via=via,
        person_name=person_name,
    )


def registrations_for_person(
    session: Session, vault: PiiVault, id_number: str, *, session_id: str | None = None
) -> list[RegistrationMatch]:
    """Registrations where the holder of ``id_number`` is a representative or the bidder.

    Args:
        session: a (read-only) session.
        vault: computes the lookup HMAC; the ID number itself is never compared in clear.
        id_number: as read from the card.
        session_id: only registrations of this trading session.
    """
    digests = vault.lookup_hmacs(id_number)  # under every key id still searched (a rotation may be under way)
    out: list[RegistrationMatch] = []
    q = (
        select(PfRegistration, PfRepresentative.name)
        .join(PfRepresentative, PfRepresentative.registration_id == PfRegistration.registration_id)
        .where(PfRepresentative.id_hmac.in_(digests))
    )
    if session_id is not None:
        q = q.where(PfRegistration.session_id == session_id)
    seen: set[str] = set()
    for reg, name in session.execute(q.order_by(PfRegistration.registration_id)):
        if reg.registration_id not in seen:
            seen.add(reg.registration_id)
            out.append(_match(reg, "representative", name))
    q2 = select(PfRegistration).where(PfRegistration.bidder_code_hmac.in_(digests))
    if session_id is not None:
        q2 = q2.where(PfRegistration.session_id == session_id)
    for reg in session.scalars(q2.order_by(PfRegistration.registration_id)):
        if reg.registration_id not in seen:
            seen.add(reg.registration_id)
            out.append(_match(reg, "bidder", reg.bidder_name))
    return out


def registration_by_checkin_code(session: Session, checkin_code: str) -> RegistrationMatch | None:
    """The registration a bidder's QR code names (it identifies the registration, never a person)."""
    reg = session.scalar(select(PfRegistration).where(PfRegistration.checkin_code == checkin_code))
    return None if reg is None else _match(reg, "checkin_code", reg.bidder_name)


def active_bans(
    session: Session,
    vault: PiiVault,
    *,
    on_date: dt.date,
    body_codes: Iterable[str] = (),
    id_number: str | None = None,
) -> list[Ban]:
    """Blacklist entries restricting any of ``body_codes`` (USCCs) or ``id_number`` on ``on_date``.

    Entries whose ``valid_from..valid_until`` does not contain ``on_date`` do not restrict; a
    missing bound is open. A code in ``body_codes`` that is not an entity's may be a natural
    person's ID number (a bidder with ``code_type`` ``ID``): it is looked up by HMAC too.
    """
    codes = {normalise_id(c) for c in body_codes if c}
    hmacs = {h for c in codes for h in vault.lookup_hmacs(c)}
    if id_number:
        hmacs.update(vault.lookup_hmacs(id_number))
    if not codes and not hmacs:
        return []
    conds = []
    if codes:
        conds.append(PfBlacklist.body_code.in_(codes))
    if hmacs:
        conds.append(PfBlacklist.body_code_hmac.in_(hmacs))
    day = on_date.isoformat()
    out = []
    for row in session.scalars(select(PfBlacklist).where(or_(*conds)).order_by(PfBlacklist.blacklist_code)):
        if row.valid_from and day < row.valid_from:
            continue
        if row.valid_until and day > row.valid_until:
            continue
        out.append(
            Ban(
                blacklist_code=row.blacklist_code,
                body_name=row.body_name,
                body_type=row.body_type,
                confined_action=row.confined_action,
                record_reason=row.record_reason,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
        )
    return out
