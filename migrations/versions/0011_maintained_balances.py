"""maintained balances: ledger_balance kept by a trigger on ledger_entry, open-item indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000

The dashboard's balance count and the balances queue's bucket totals summed the whole ledger
(every row, every time). `ledger_balance` holds the ledger's sum per (patient, responsibility,
encounter, claim, service date) — everything the balance queries group or age by — kept by a
statement-level AFTER INSERT trigger (the ledger is insert-only; reversals are inserts), so
those queries read only the open (non-zero) sums through a partial index. Backfilled here;
`medbill ledger check` compares it with the ledger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PENDING_CLAIM_SQL = (
    "status IN ('ready','batched','submitted','accepted_999','rejected_999',"
    "'acknowledged_277ca','rejected_277ca','hold')"
)
"""The pending-claims predicate as of this revision (the app's copy is db/claim_sql.py)."""

KEY = "patient_id, responsibility, encounter_id, claim_id, service_date"

BALANCE_FUNCTION = f"""
CREATE FUNCTION medbill_ledger_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_balance AS b ({KEY}, amount)
    SELECT {KEY}, sum(amount) FROM new_rows
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET amount = b.amount + EXCLUDED.amount;
    INSERT INTO account_balance AS a (patient_id, responsibility, amount)
    SELECT patient_id, responsibility, sum(amount) FROM new_rows
    GROUP BY patient_id, responsibility ORDER BY patient_id, responsibility
    ON CONFLICT (patient_id, responsibility) DO UPDATE SET amount = a.amount + EXCLUDED.amount;
    RETURN NULL;
END
$$
"""
"""Adds each INSERT statement's rows to their sums (and to the account's), in key order (two postings that touch
the same sums lock them in the same order)."""


def upgrade() -> None:
    op.create_table(
        "ledger_balance",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("responsibility", sa.String(length=10), nullable=False),
        sa.Column("encounter_id", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_balance")),
    )
    op.create_index(
        "uq_ledger_balance_key",
        "ledger_balance",
        ["patient_id", "responsibility", "encounter_id", "claim_id", "service_date"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.execute(
        f"INSERT INTO ledger_balance ({KEY}, amount)"
        f" SELECT {KEY}, sum(amount) FROM ledger_entry GROUP BY {KEY}"
    )
    op.create_index(
        "ix_ledger_balance_open",
        "ledger_balance",
        ["patient_id", "responsibility"],
        postgresql_include=["amount", "service_date", "claim_id"],
        postgresql_where=sa.text("amount <> 0"),
    )
    op.create_index(
        "ix_ledger_balance_open_claim",
        "ledger_balance",
        ["claim_id", "responsibility"],
        postgresql_include=["amount"],
        postgresql_where=sa.text("amount <> 0 AND claim_id IS NOT NULL"),
    )
    op.create_table(
        "account_balance",
        sa.Column("patient_id", sa.BigInteger(), nullable=False),
        sa.Column("responsibility", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", "responsibility", name=op.f("pk_account_balance")),
    )
    op.execute(
        "INSERT INTO account_balance (patient_id, responsibility, amount)"
        " SELECT patient_id, responsibility, sum(amount) FROM ledger_balance"
        " GROUP BY patient_id, responsibility"
    )
    op.create_index(
        "ix_account_balance_open",
        "account_balance",
        ["responsibility"],
        postgresql_include=["amount"],
        postgresql_where=sa.text("amount <> 0"),
    )
    op.execute(BALANCE_FUNCTION)
    op.execute(
        "CREATE TRIGGER ledger_entry_balance AFTER INSERT ON ledger_entry"
        " REFERENCING NEW TABLE AS new_rows"
        " FOR EACH STATEMENT EXECUTE FUNCTION medbill_ledger_balance()"
    )
    # Open items, read whole by the dashboard's counts: covering indexes (index-only scans).
    op.create_index(
        "ix_charge_encounter_amount", "charge", ["encounter_id"], postgresql_include=["amount"]
    )
    op.create_index(
        "ix_claim_pending_total",
        "claim",
        ["status"],
        postgresql_include=["total_charge"],
        postgresql_where=sa.text(PENDING_CLAIM_SQL),
    )
    op.create_index(
        "ix_work_item_open_amount",
        "work_item",
        ["kind"],
        postgresql_include=["amount"],
        postgresql_where=sa.text("status = 'open'"),
    )
    # The aging report reads the balance tables when nothing was posted after its as-of day;
    # this index answers "anything posted since?" without reading the ledger.
    op.create_index("ix_ledger_entry_posted_at", "ledger_entry", ["posted_at"])
    op.execute("ANALYZE ledger_balance, account_balance")


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_posted_at", table_name="ledger_entry")
    op.drop_index("ix_work_item_open_amount", table_name="work_item")
    op.drop_index("ix_claim_pending_total", table_name="claim")
    op.drop_index("ix_charge_encounter_amount", table_name="charge")
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_balance ON ledger_entry")
    op.execute("DROP FUNCTION IF EXISTS medbill_ledger_balance()")
    op.drop_table("account_balance")
    op.drop_table("ledger_balance")
