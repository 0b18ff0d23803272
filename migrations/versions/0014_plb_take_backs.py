"""PLB take-backs: a provider-level adjustment that recovers money on a claim it names

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:50:00.000000

`remittance_plb.claim_id` is set when the PLB (WO overpayment recovery, 72 authorized return)
was posted against the claim its reference names; NULL for the rest (interest, forward
balances, withholds), which stay at the provider level. Payer claim numbers get partial
indexes (on the claim and on each claim payment): a PLB reference and an 835 CLP07 are looked
up by them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("remittance_plb", sa.Column("claim_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_remittance_plb_claim_id_claim"), "remittance_plb", "claim", ["claim_id"], ["id"]
    )
    op.create_index(
        "ix_claim_payer_claim_no",
        "claim",
        ["payer_claim_no"],
        postgresql_where=sa.text("payer_claim_no IS NOT NULL"),
    )
    op.create_index(
        "ix_claim_payment_payer_claim_no",
        "claim_payment",
        ["payer_claim_no"],
        postgresql_where=sa.text("payer_claim_no IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_claim_payment_payer_claim_no", table_name="claim_payment")
    op.drop_index("ix_claim_payer_claim_no", table_name="claim")
    op.drop_constraint(op.f("fk_remittance_plb_claim_id_claim"), "remittance_plb", "foreignkey")
    op.drop_column("remittance_plb", "claim_id")
