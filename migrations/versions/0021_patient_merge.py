"""Patient duplicates and merges: the keys the duplicate check looks up, a merged patient's
survivor, and the one change the append-only ledger and dunning rows allow (re-keying a merged
patient's rows to its survivor)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 10:00:00.000000

`ix_patient_name_dob_key` (last and first name trimmed, lower case, accents dropped, and the
date of birth; patients not merged) and `ix_coverage_payer_member` (payer, member id in upper
case) answer the duplicate check on save with one index probe each. `patient.merged_into_id`
marks a merged patient (kept, never deleted) with the account it now lives in.

`ledger_entry` and `dunning_event` stay append-only, except for one UPDATE: moving
`patient_id` (`guarantor_id`) from a merged patient to its survivor and changing nothing else;
the trigger checks both. A statement-level AFTER UPDATE trigger on `ledger_entry` moves the
re-keyed rows' sums in `ledger_balance` and `account_balance` (taken off the old key, added to
the new), so the maintained sums stay exact and the application still never writes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž"
PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz"
"""As db/patient_sql.py holds them at this revision."""


def name_key(column: str) -> str:
    return f"translate(lower(btrim({column})), '{ACCENTED}', '{PLAIN}')"


KEY = "patient_id, responsibility, encounter_id, claim_id, service_date"

REKEY_FUNCTION = """
CREATE FUNCTION medbill_append_only_rekey() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - col) = (to_jsonb(OLD) - col)
       AND EXISTS (SELECT 1 FROM patient
                   WHERE id = (to_jsonb(OLD) ->> col)::bigint
                     AND merged_into_id = (to_jsonb(NEW) ->> col)::bigint) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: post a reversal instead of changing or deleting rows',
        TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$
"""
"""Refuses UPDATE and DELETE, except an UPDATE that only moves the column named by the
trigger's argument from a merged patient to the patient it was merged into."""

BALANCE_REKEY_FUNCTION = f"""
CREATE FUNCTION medbill_ledger_balance_rekey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_balance AS b ({KEY}, amount)
    SELECT {KEY}, sum(amount) FROM (
        SELECT {KEY}, -amount AS amount FROM old_rows
        UNION ALL SELECT {KEY}, amount FROM new_rows) moved
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET amount = b.amount + EXCLUDED.amount;
    INSERT INTO account_balance AS a (patient_id, responsibility, amount)
    SELECT patient_id, responsibility, sum(amount) FROM (
        SELECT patient_id, responsibility, -amount AS amount FROM old_rows
        UNION ALL SELECT patient_id, responsibility, amount FROM new_rows) moved
    GROUP BY patient_id, responsibility ORDER BY patient_id, responsibility
    ON CONFLICT (patient_id, responsibility) DO UPDATE SET amount = a.amount + EXCLUDED.amount;
    RETURN NULL;
END
$$
"""
"""Moves each UPDATE statement's rows' sums from their old key to their new one."""

GUARDED = (("ledger_entry", "patient_id"), ("dunning_event", "guarantor_id"))


def upgrade() -> None:
    op.add_column("patient", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_patient_merged_into_id_patient"), "patient", "patient", ["merged_into_id"], ["id"]
    )
    op.create_index(
        "ix_patient_name_dob_key",
        "patient",
        [
            sa.literal_column(name_key("last_name")),
            sa.literal_column(name_key("first_name")),
            "dob",
        ],
        unique=False,
        postgresql_where=sa.text("merged_into_id IS NULL"),
    )
    op.create_index(
        "ix_coverage_payer_member",
        "coverage",
        ["payer_id", sa.literal_column("upper(btrim(member_id))")],
        unique=False,
    )
    op.execute(REKEY_FUNCTION)
    for table, column in GUARDED:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION medbill_append_only_rekey('{column}')"
        )
    op.execute(BALANCE_REKEY_FUNCTION)
    op.execute(
        "CREATE TRIGGER ledger_entry_balance_rekey AFTER UPDATE ON ledger_entry"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        " FOR EACH STATEMENT EXECUTE FUNCTION medbill_ledger_balance_rekey()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_balance_rekey ON ledger_entry")
    op.execute("DROP FUNCTION IF EXISTS medbill_ledger_balance_rekey()")
    for table, _ in GUARDED:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION medbill_append_only()"
        )
    op.execute("DROP FUNCTION IF EXISTS medbill_append_only_rekey()")
    op.drop_index("ix_coverage_payer_member", table_name="coverage")
    op.drop_index("ix_patient_name_dob_key", table_name="patient")
    op.drop_constraint(op.f("fk_patient_merged_into_id_patient"), "patient", type_="foreignkey")
    op.drop_column("patient", "merged_into_id")
