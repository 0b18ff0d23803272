"""Claim chain: a claim names the claim it replaces (corrected, void or rebilled)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:10:00.000000

`claim.replaces_claim_id` links a replacement (frequency 7), a void (8) or a rebill (1) to the
claim it takes the place of. The partial unique index lets the database itself hold at most
one live (not void, not replaced) replacement per claim.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claim", sa.Column("replaces_claim_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_claim_replaces_claim_id_claim"), "claim", "claim", ["replaces_claim_id"], ["id"]
    )
    op.create_index(
        "ux_claim_one_live_replacement",
        "claim",
        ["replaces_claim_id"],
        unique=True,
        postgresql_where=sa.text(
            "replaces_claim_id IS NOT NULL AND status NOT IN ('void','replaced')"
        ),
    )


def downgrade() -> None:
    op.drop_index("ux_claim_one_live_replacement", table_name="claim")
    op.drop_constraint(op.f("fk_claim_replaces_claim_id_claim"), "claim", "foreignkey")
    op.drop_column("claim", "replaces_claim_id")
