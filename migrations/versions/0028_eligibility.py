"""Eligibility and claim status checks: each coverage asked about in a 270 and what its 271
answered; each claim asked about in a 276 and what its 277 answered

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eligibility_check",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("coverage_id", sa.Integer(), sa.ForeignKey("coverage.id"), nullable=False),
        sa.Column("request_file_id", sa.BigInteger(), sa.ForeignKey("edi_file.id"), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("service_types", sa.String(40), nullable=False),
        sa.Column(
            "requested_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("response_file_id", sa.BigInteger(), sa.ForeignKey("edi_file.id")),
        sa.Column("verified_on", sa.Date()),
        sa.Column("outcome", sa.String(12)),
        sa.Column("plan_from", sa.Date()),
        sa.Column("plan_to", sa.Date()),
        sa.Column("words", sa.Text()),
        sa.Column("benefits", postgresql.JSONB()),
    )
    op.create_index("ix_eligibility_check_coverage_id", "eligibility_check", ["coverage_id"])
    op.create_table(
        "claim_status_check",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("claim_id", sa.BigInteger(), sa.ForeignKey("claim.id"), nullable=False),
        sa.Column("request_file_id", sa.BigInteger(), sa.ForeignKey("edi_file.id"), nullable=False),
        sa.Column(
            "requested_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("response_file_id", sa.BigInteger(), sa.ForeignKey("edi_file.id")),
        sa.Column("answered_on", sa.Date()),
        sa.Column("category", sa.String(3)),
        sa.Column("status_code", sa.String(5)),
        sa.Column("words", sa.Text()),
    )
    op.create_index("ix_claim_status_check_claim_id", "claim_status_check", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_claim_status_check_claim_id", table_name="claim_status_check")
    op.drop_table("claim_status_check")
    op.drop_index("ix_eligibility_check_coverage_id", table_name="eligibility_check")
    op.drop_table("eligibility_check")
