"""Opening balances: a ledger kind of their own for the open A/R a practice brings from the
system it leaves (`medbill balances import`)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 16:40:00.000000

An opening balance is posted on a visit of its own (`encounter.status = 'opening'`, no charge
lines, no claim) with `ledger_entry.kind = 'opening'`, so that `ledger check`, the reports and
the statements tell it from a charge of ours.
"""

from __future__ import annotations

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_KINDS = "'charge','payment','adjustment','writeoff','transfer','reversal'"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_ledger_entry_kind"), "ledger_entry", type_="check")
    op.create_check_constraint(
        op.f("ck_ledger_entry_kind"), "ledger_entry", f"kind IN ({_KINDS},'opening')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_ledger_entry_kind"), "ledger_entry", type_="check")
    op.create_check_constraint(op.f("ck_ledger_entry_kind"), "ledger_entry", f"kind IN ({_KINDS})")
