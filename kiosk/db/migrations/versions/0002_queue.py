"""queue tables (kiosk/db/models_queue.py)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "q_services",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(3), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("first_no", sa.Integer(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("open_from", sa.String(5), nullable=False),
        sa.Column("open_until", sa.String(5), nullable=False),
        sa.Column("avg_service_s", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_q_services"),
        sa.UniqueConstraint("prefix", name="uq_q_services_prefix"),
    )
    op.create_table(
        "q_counters",
        sa.Column("counter_no", sa.String(8), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("service_codes", sa.String(200), nullable=False),
        sa.Column("priority_ratio", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("current_ticket_id", sa.String(36), nullable=True),
        sa.Column("priority_streak", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("counter_no", name="pk_q_counters"),
        sa.UniqueConstraint("current_ticket_id", name="uq_q_counters_current_ticket_id"),
    )
    op.create_table(
        "q_day_numbers",
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(16), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_code"], ["q_services.code"], name="fk_q_day_numbers_service_code_q_services"),
        sa.PrimaryKeyConstraint("business_date", "service_code", name="pk_q_day_numbers"),
    )
    op.create_table(
        "q_tickets",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("token", sa.String(24), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("issued_service", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ticket_no", sa.String(8), nullable=False),
        sa.Column("service_code", sa.String(16), nullable=False),
        sa.Column("issued_at", UTC(), nullable=False),
        sa.Column("queue_at", UTC(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("priority_reason", sa.String(32), nullable=False),
        sa.Column("person_hmac", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("counter_no", sa.String(8), nullable=True),
        sa.Column("clerk", sa.String(64), nullable=True),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("first_called_at", UTC(), nullable=True),
        sa.Column("called_at", UTC(), nullable=True),
        sa.Column("missed_at", UTC(), nullable=True),
        sa.Column("finished_at", UTC(), nullable=True),
        sa.Column("held_by", sa.String(8), nullable=True),
        sa.Column("printed", sa.Boolean(), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["issued_service"], ["q_services.code"], name="fk_q_tickets_issued_service_q_services"),
        sa.ForeignKeyConstraint(["service_code"], ["q_services.code"], name="fk_q_tickets_service_code_q_services"),
        sa.PrimaryKeyConstraint("id", name="pk_q_tickets"),
        sa.UniqueConstraint("token", name="uq_q_tickets_token"),
        sa.UniqueConstraint("business_date", "issued_service", "seq", name="uq_q_tickets_day_service_seq"),
        sa.UniqueConstraint("business_date", "ticket_no", name="uq_q_tickets_day_ticket_no"),
    )
    op.create_index("ix_q_tickets_person_hmac", "q_tickets", ["person_hmac"])
    op.create_index("ix_q_tickets_open", "q_tickets", ["status", "business_date"])
    op.create_index("ix_q_tickets_queue", "q_tickets", ["business_date", "service_code", "status", "queue_at"])
    op.create_table(
        "q_calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(16), nullable=False),
        sa.Column("ticket_no", sa.String(8), nullable=False),
        sa.Column("counter_no", sa.String(8), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("called_at", UTC(), nullable=False),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("wait_s", sa.Integer(), nullable=True),
        sa.Column("ended_at", UTC(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["q_tickets.id"], name="fk_q_calls_ticket_id_q_tickets"),
        sa.PrimaryKeyConstraint("id", name="pk_q_calls"),
    )
    op.create_index("ix_q_calls_ticket_id", "q_calls", ["ticket_id"])
    op.create_index("ix_q_calls_business_date", "q_calls", ["business_date"])


def downgrade() -> None:
    op.drop_table("q_calls")
    op.drop_table("q_tickets")
    op.drop_table("q_day_numbers")
    op.drop_table("q_counters")
    op.drop_table("q_services")
