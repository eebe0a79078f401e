"""the evaluation area's expert draw (issue 17): the experts and evaluations feeds, draws and picks

``pf_experts``: the platform's experts feed (docs/platform-api.md §7.3) with name, ID number and mobile only
as ciphertext (ID number and mobile also as lookup HMAC). ``pf_evaluations`` and
``pf_evaluation_staff``: sittings of evaluation committees and who the record appoints to run the
draw. ``expert_draws``: one round of a verifiable draw (commitment, encrypted seed, beacon);
``expert_picks``: the experts a round drew, in draw order, and each one's answer.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pf_experts",
        sa.Column("expert_id", sa.String(64), nullable=False),
        sa.Column("feed_key", sa.String(128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("name_enc", sa.LargeBinary(), nullable=True),
        sa.Column("id_hmac", sa.String(64), nullable=True),
        sa.Column("id_enc", sa.LargeBinary(), nullable=True),
        sa.Column("mobile_hmac", sa.String(64), nullable=True),
        sa.Column("mobile_enc", sa.LargeBinary(), nullable=True),
        sa.Column("photo_sha256", sa.String(64), nullable=True),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("employer_code", sa.String(32), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("declared_conflicts", sa.JSON(), nullable=False),
        sa.Column("seen_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("expert_id", name=op.f("pk_pf_experts")),
        sa.UniqueConstraint("feed_key", name=op.f("uq_pf_experts_feed_key")),
    )
    op.create_index(op.f("ix_pf_experts_id_hmac"), "pf_experts", ["id_hmac"])
    op.create_index(op.f("ix_pf_experts_mobile_hmac"), "pf_experts", ["mobile_hmac"])
    op.create_index(op.f("ix_pf_experts_employer_code"), "pf_experts", ["employer_code"])
    op.create_index(op.f("ix_pf_experts_region"), "pf_experts", ["region"])
    op.create_table(
        "pf_evaluations",
        sa.Column("evaluation_id", sa.String(64), nullable=False),
        sa.Column("feed_key", sa.String(128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("session_ids", sa.JSON(), nullable=False),
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("room_name", sa.String(200), nullable=False),
        sa.Column("starts_at", UTC(), nullable=False),
        sa.Column("expected_hours", sa.String(16), nullable=True),
        sa.Column("trade_type", sa.String(16), nullable=False),
        sa.Column("budget", sa.String(32), nullable=True),
        sa.Column("members_total", sa.Integer(), nullable=False),
        sa.Column("owner_reps", sa.Integer(), nullable=False),
        sa.Column("draws", sa.JSON(), nullable=False),
        sa.Column("draw_not_before", UTC(), nullable=True),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("avoid_codes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("evaluation_id", name=op.f("pk_pf_evaluations")),
        sa.UniqueConstraint("feed_key", name=op.f("uq_pf_evaluations_feed_key")),
    )
    op.create_index(op.f("ix_pf_evaluations_starts_at"), "pf_evaluations", ["starts_at"])
    op.create_table(
        "pf_evaluation_staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("id_hmac", sa.String(64), nullable=False),
        sa.Column("id_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["pf_evaluations.evaluation_id"],
                                name=op.f("fk_pf_evaluation_staff_evaluation_id_pf_evaluations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_evaluation_staff")),
    )
    op.create_index(op.f("ix_pf_evaluation_staff_evaluation_id"), "pf_evaluation_staff", ["evaluation_id"])
    op.create_index(op.f("ix_pf_evaluation_staff_id_hmac"), "pf_evaluation_staff", ["id_hmac"])
    op.create_table(
        "expert_draws",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.String(64), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("pool_sha256", sa.String(64), nullable=False),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("seed_commitment", sa.String(64), nullable=False),
        sa.Column("seed_enc", sa.LargeBinary(), nullable=False),
        sa.Column("commit_seq", sa.Integer(), nullable=False),
        sa.Column("committed_at", UTC(), nullable=False),
        sa.Column("beacon", sa.Text(), nullable=True),
        sa.Column("draw_seq", sa.Integer(), nullable=True),
        sa.Column("drawn_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_draws")),
        sa.UniqueConstraint("evaluation_id", "round", name="uq_expert_draws_evaluation_round"),
    )
    op.create_index(op.f("ix_expert_draws_evaluation_id"), "expert_draws", ["evaluation_id"])
    op.create_table(
        "expert_picks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("evaluation_id", sa.String(64), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.String(64), nullable=False),
        sa.Column("specialty", sa.String(64), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("reserve", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_ref", sa.String(64), nullable=True),
        sa.Column("called_at", UTC(), nullable=True),
        sa.Column("answered_at", UTC(), nullable=True),
        sa.Column("replaces", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_picks")),
    )
    op.create_index(op.f("ix_expert_picks_evaluation_id"), "expert_picks", ["evaluation_id"])
    op.create_index(op.f("ix_expert_picks_expert_id"), "expert_picks", ["expert_id"])


def downgrade() -> None:
    for table in ("expert_picks", "expert_draws", "pf_evaluation_staff", "pf_evaluations", "pf_experts"):
        op.drop_table(table)
