"""patient statements: statement hold on patient, statement runs and the dunning history

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-27 14:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "patient",
        sa.Column("statement_hold", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("patient", sa.Column("statement_hold_reason", sa.Text(), nullable=True))
    op.create_table(
        "statement_run",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_run")),
    )
    op.create_table(
        "dunning_event",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("guarantor_id", sa.Integer(), nullable=False),
        sa.Column("cycle_no", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=12), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "step IN ('first','reminder','final','collections','closed')",
            name=op.f("ck_dunning_event_step"),
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"],
            ["patient.id"],
            name=op.f("fk_dunning_event_guarantor_id_patient"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["statement_run.id"], name=op.f("fk_dunning_event_run_id_statement_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_event")),
        sa.UniqueConstraint(
            "guarantor_id", "cycle_no", "step", name="uq_dunning_event_guarantor_cycle_step"
        ),
    )
    op.create_index(op.f("ix_dunning_event_run_id"), "dunning_event", ["run_id"], unique=False)
    op.create_index(
        "ix_dunning_event_guarantor_latest", "dunning_event", ["guarantor_id", "id"], unique=False
    )
    op.execute(
        "CREATE TRIGGER dunning_event_append_only BEFORE UPDATE OR DELETE ON dunning_event "
        "FOR EACH ROW EXECUTE FUNCTION medbill_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS dunning_event_append_only ON dunning_event")
    op.drop_index("ix_dunning_event_guarantor_latest", table_name="dunning_event")
    op.drop_index(op.f("ix_dunning_event_run_id"), table_name="dunning_event")
    op.drop_table("dunning_event")
    op.drop_table("statement_run")
    op.drop_column("patient", "statement_hold_reason")
    op.drop_column("patient", "statement_hold")
