"""Tables of the queue capability (排队叫号; registered on ``kiosk.db.models.Base``).

* ``q_services`` — business types (业务类型): prefix letter, number range, daily quota, issuing hours.
* ``q_counters`` — service windows: which queues they call from, priority ratio, the one active ticket.
* ``q_day_numbers`` — one numbering row per (business date, service): the lazy daily counter.
* ``q_tickets`` — tickets; never deleted (a new day closes the old day's open tickets as expired).
* ``q_calls`` — one row per call of a ticket at a counter (the period called → ended), for statistics.

The number is a label, never an ordering key: queues are ordered by ``queue_at`` (arrival, kept
across transfers) and then ``id`` (UUIDv7). Personal data: a ticket taken with an ID card keeps
only the vault's lookup HMAC of the ID number, never the number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class QService(Base):
    __tablename__ = "q_services"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    first_no: Mapped[int] = mapped_column(Integer, default=1)
    last_no: Mapped[int] = mapped_column(Integer, default=999)
    daily_quota: Mapped[int] = mapped_column(Integer, default=999)
    open_from: Mapped[str] = mapped_column(String(5), default="08:30")  #: HH:MM Beijing time
    open_until: Mapped[str] = mapped_column(String(5), default="17:30")
    avg_service_s: Mapped[int] = mapped_column(Integer, default=300)  #: estimate before today's figures exist
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class QCounter(Base):
    __tablename__ = "q_counters"
    counter_no: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    service_codes: Mapped[str] = mapped_column(String(200), default="")  #: comma-separated, the work profile
    priority_ratio: Mapped[int] = mapped_column(Integer, default=2)  #: priority calls per normal call (0 = none)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    current_ticket_id: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    clerk: Mapped[str | None] = mapped_column(String(64), nullable=True)


class QDayNumber(Base):
    __tablename__ = "q_day_numbers"
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("q_services.code"), primary_key=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    last_no: Mapped[int] = mapped_column(Integer, default=0)


class QTicket(Base):
    __tablename__ = "q_tickets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  #: UUIDv7, the journal's ticket_id
    token: Mapped[str] = mapped_column(String(24), unique=True)  #: opaque, printed as QR
    business_date: Mapped[dt.date] = mapped_column(Date)
    issued_service: Mapped[str] = mapped_column(ForeignKey("q_services.code"))  #: the series it was numbered in
    seq: Mapped[int] = mapped_column(Integer)
    ticket_no: Mapped[str] = mapped_column(String(8))
    service_code: Mapped[str] = mapped_column(ForeignKey("q_services.code"))  #: the queue it is in now
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    queue_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  #: ordering key (arrival; kept across transfers)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_reason: Mapped[str] = mapped_column(String(32), default="")
    person_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16))  #: waiting, called, held, missed, done
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    counter_no: Mapped[str | None] = mapped_column(String(8), nullable=True)
    clerk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    first_called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    missed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    held_by: Mapped[str | None] = mapped_column(String(8), nullable=True)
    printed: Mapped[bool] = mapped_column(Boolean, default=False)
    terminal_id: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        UniqueConstraint("business_date", "issued_service", "seq", name="uq_q_tickets_day_service_seq"),
        UniqueConstraint("business_date", "ticket_no", name="uq_q_tickets_day_ticket_no"),
        Index("ix_q_tickets_open", "status", "business_date"),
        Index("ix_q_tickets_queue", "business_date", "service_code", "status", "queue_at"),
    )


class QCall(Base):
    __tablename__ = "q_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("q_tickets.id"), index=True)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    service_code: Mapped[str] = mapped_column(String(16))
    ticket_no: Mapped[str] = mapped_column(String(8))
    counter_no: Mapped[str] = mapped_column(String(8))
    clerk: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))  #: next, callback
    called_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    call_count: Mapped[int] = mapped_column(Integer, default=1)
    wait_s: Mapped[int | None] = mapped_column(Integer, nullable=True)  #: queue wait before this call
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: served, missed, held, transferred, …
    note: Mapped[str] = mapped_column(Text, default="")
