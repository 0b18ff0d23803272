"""counters kept by the database: queue counts and amounts, balance totals by day

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 18:30:00.000000

The dashboard's counts, the balances' bucket totals and the aging chart read the open items
(or the ledger of the last months) each time, so they grew with the practice. `counter_delta`
holds signed delta rows: statement-level triggers append one row per statement and counter
(never an UPDATE, so concurrent postings never wait on one counter row), and a read sums the
rows of its counters; `medbill_fold_counters()` replaces the rows by their sums now and then.
Counters of a whole list have `day` NULL; the balances' buckets are kept per date of service
(a day's money moves to the next bucket as days pass, so the buckets are summed at read time
from the days, a number that grows with the calendar, not with the practice).

- `unbilled`: encounters in status unbilled and the sum of their charges (encounter, charge);
- `pending`, `rejection`, `denial`: pending claims (total charge), open work items (amount);
- `balances`: open (patient, responsibility) sums of `account_balance`;
- `claim_rows`: open (claim, responsibility) sums of `ledger_balance` (kept from the ledger's
  inserts);
- `age_account` per service date: the `ledger_balance` money of open accounts (an account whose
  sum is zero shows in no bucket, as in the balances queue: its rows are taken off when it
  closes and put back when it opens; `ledger_balance` is always written before
  `account_balance` by the ledger's triggers, which this relies on);
- `age_claim` per claim's date of service: the money of claims;
- `posted` per day posted: the ledger's money (the chart's month ends are today's less what
  was posted after).

Backfilled here; `medbill ledger check` compares them with a recount.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

PENDING = (
    "('ready','batched','submitted','accepted_999','rejected_999',"
    "'acknowledged_277ca','rejected_277ca','hold')"
)

CHANGES = {
    "INSERT": "SELECT 1 AS s, * FROM new_rows",
    "UPDATE": "SELECT 1 AS s, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows",
    "DELETE": "SELECT -1 AS s, * FROM old_rows",
}
"""The statement's rows, signed: +1 as they are now, -1 as they were."""

BODIES = {
    "encounter": """
    INSERT INTO counter_delta (counter, n, amount)
    SELECT 'unbilled', sum(x.s), coalesce(sum(x.s * ch.total), 0)
    FROM ({changes}) x
    LEFT JOIN LATERAL (SELECT sum(c.amount) AS total FROM charge c
                       WHERE c.encounter_id = x.id) ch ON TRUE
    WHERE x.status = 'unbilled'
    HAVING sum(x.s) <> 0 OR coalesce(sum(x.s * ch.total), 0) <> 0;""",
    "charge": """
    INSERT INTO counter_delta (counter, n, amount)
    SELECT 'unbilled', 0, sum(x.s * x.amount)
    FROM ({changes}) x JOIN encounter e ON e.id = x.encounter_id AND e.status = 'unbilled'
    HAVING sum(x.s * x.amount) <> 0;""",
    "claim": f"""
    INSERT INTO counter_delta (counter, n, amount)
    SELECT 'pending', sum(x.s), sum(x.s * x.total_charge)
    FROM ({{changes}}) x WHERE x.status IN {PENDING}
    HAVING sum(x.s) <> 0 OR sum(x.s * x.total_charge) <> 0;""",
    "work_item": """
    INSERT INTO counter_delta (counter, n, amount)
    SELECT x.kind, sum(x.s), sum(x.s * coalesce(x.amount, 0))
    FROM ({changes}) x WHERE x.kind IN ('rejection', 'denial') AND x.status = 'open'
    GROUP BY x.kind
    HAVING sum(x.s) <> 0 OR sum(x.s * coalesce(x.amount, 0)) <> 0;""",
    "account_balance": """
    INSERT INTO counter_delta (counter, n, amount)
    SELECT 'balances', sum(x.s * (x.amount <> 0)::int), sum(x.s * x.amount)
    FROM ({changes}) x
    HAVING sum(x.s * (x.amount <> 0)::int) <> 0 OR sum(x.s * x.amount) <> 0;
    INSERT INTO counter_delta (counter, day, amount)
    SELECT 'age_account', lb.service_date,
           sum(CASE WHEN k.now_amount <> 0 THEN lb.amount ELSE -lb.amount END)
    FROM (SELECT patient_id, responsibility,
                 coalesce(sum(amount) FILTER (WHERE s = 1), 0) AS now_amount,
                 coalesce(sum(amount) FILTER (WHERE s = -1), 0) AS was_amount
          FROM ({changes}) x GROUP BY 1, 2) k
    JOIN ledger_balance lb ON lb.patient_id = k.patient_id
     AND lb.responsibility = k.responsibility AND lb.amount <> 0
    WHERE (k.now_amount <> 0) <> (k.was_amount <> 0)
    GROUP BY lb.service_date;""",
    "ledger_balance": """
    INSERT INTO counter_delta (counter, day, amount)
    SELECT 'age_account', x.service_date, sum(x.s * x.amount)
    FROM ({changes}) x
    JOIN account_balance a ON a.patient_id = x.patient_id
     AND a.responsibility = x.responsibility AND a.amount <> 0
    GROUP BY x.service_date HAVING sum(x.s * x.amount) <> 0;
    INSERT INTO counter_delta (counter, day, amount)
    SELECT 'age_claim', e.dos, sum(x.s * x.amount)
    FROM ({changes}) x JOIN claim c ON c.id = x.claim_id JOIN encounter e ON e.id = c.encounter_id
    GROUP BY e.dos HAVING sum(x.s * x.amount) <> 0;
""",
}
"""Per table: the statements adding its rows' changes (`{changes}`) to the counters."""

LEDGER_ENTRY_FUNCTION = """
CREATE FUNCTION medbill_count_ledger_entry() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO counter_delta (counter, day, amount)
    SELECT 'posted', posted_at::date, sum(amount) FROM new_rows
    GROUP BY 2 HAVING sum(amount) <> 0;
    INSERT INTO counter_delta (counter, n, amount)
    SELECT 'claim_rows', sum((t.total <> 0)::int - (t.total - k.delta <> 0)::int),
           sum(k.delta)
    FROM (SELECT claim_id, responsibility, sum(amount) AS delta FROM new_rows
          WHERE claim_id IS NOT NULL GROUP BY 1, 2) k
    CROSS JOIN LATERAL (SELECT coalesce(sum(lb.amount), 0) AS total FROM ledger_balance lb
                        WHERE lb.claim_id = k.claim_id AND lb.responsibility = k.responsibility
                          AND lb.amount <> 0) t
    HAVING sum(k.delta) <> 0
        OR sum((t.total <> 0)::int - (t.total - k.delta <> 0)::int) <> 0;
    RETURN NULL;
END
$$
"""
"""The money posted per day, and the open (claim, responsibility) sums: the statement's rows
are all of its change to a claim's sums, which `ledger_entry_balance` (named before this
trigger, so it fires first) has already added to `ledger_balance`. Not on `ledger_balance`
itself: an INSERT … ON CONFLICT there fires its INSERT and its UPDATE trigger with part of a
claim's change each, and a patient merge's re-keying moves sums without changing a claim's."""

FOLD_FUNCTION = """
CREATE FUNCTION medbill_fold_counters() RETURNS boolean LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('medbill_fold_counters')) THEN
        RETURN false;  -- another session is folding: its result serves
    END IF;
    WITH gone AS (DELETE FROM counter_delta RETURNING counter, day, n, amount)
    INSERT INTO counter_delta (counter, day, n, amount)
    SELECT counter, day, sum(n), sum(amount) FROM gone GROUP BY counter, day
    HAVING sum(n) <> 0 OR sum(amount) <> 0
    ORDER BY counter, day;
    RETURN true;
END
$$
"""
"""Replaces the delta rows by one row per counter and day (zero sums dropped). The app calls it
when a read found many rows; rows appended meanwhile by other sessions are not in its
snapshot and stay."""

BACKFILL = f"""
INSERT INTO counter_delta (counter, day, n, amount)
SELECT 'unbilled', NULL::date, count(*), coalesce(sum(x.s), 0)
FROM encounter e
LEFT JOIN LATERAL (SELECT sum(c.amount) AS s FROM charge c WHERE c.encounter_id = e.id) x ON TRUE
WHERE e.status = 'unbilled'
UNION ALL
SELECT 'pending', NULL, count(*), coalesce(sum(total_charge), 0) FROM claim
WHERE status IN {PENDING}
UNION ALL
SELECT kind, NULL, count(*), coalesce(sum(amount), 0) FROM work_item
WHERE kind IN ('rejection', 'denial') AND status = 'open' GROUP BY kind
UNION ALL
SELECT 'balances', NULL, count(*), coalesce(sum(amount), 0) FROM account_balance
WHERE amount <> 0
UNION ALL
SELECT 'claim_rows', NULL, count(*) FILTER (WHERE total <> 0), coalesce(sum(total), 0)
FROM (SELECT claim_id, responsibility, sum(amount) AS total FROM ledger_balance
      WHERE claim_id IS NOT NULL GROUP BY 1, 2) c
UNION ALL
SELECT 'age_account', lb.service_date, 0, sum(lb.amount)
FROM ledger_balance lb
JOIN account_balance a ON a.patient_id = lb.patient_id
 AND a.responsibility = lb.responsibility AND a.amount <> 0
GROUP BY lb.service_date HAVING sum(lb.amount) <> 0
UNION ALL
SELECT 'age_claim', e.dos, 0, sum(lb.amount)
FROM ledger_balance lb JOIN claim c ON c.id = lb.claim_id JOIN encounter e ON e.id = c.encounter_id
GROUP BY e.dos HAVING sum(lb.amount) <> 0
UNION ALL
SELECT 'posted', posted_at::date, 0, sum(amount) FROM ledger_entry
GROUP BY 2 HAVING sum(amount) <> 0
"""

EVENTS = {
    "ins": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "upd": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "del": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}


def _function(table: str) -> str:
    """One trigger function per table; each event's branch reads its own transition tables
    (a trigger with transition tables may have one event only)."""
    branches = "\n    ".join(
        f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op_name}' THEN"
        + BODIES[table].format(changes=changes)
        for i, (op_name, changes) in enumerate(CHANGES.items())
    )
    return f"""
CREATE FUNCTION medbill_count_{table}() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    {branches}
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "counter_delta",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("counter", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_delta")),
    )
    op.create_index(
        "ix_counter_delta_counter",
        "counter_delta",
        ["counter", "day"],
        postgresql_include=["n", "amount"],
    )
    op.execute(BACKFILL)
    for table in BODIES:
        op.execute(_function(table))
        for event, (sql_event, referencing) in EVENTS.items():
            op.execute(
                f"CREATE TRIGGER {table}_counter_{event} AFTER {sql_event} ON {table} "
                f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION medbill_count_{table}()"
            )
    op.execute(LEDGER_ENTRY_FUNCTION)
    op.execute(
        "CREATE TRIGGER ledger_entry_counter_ins AFTER INSERT ON ledger_entry "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION medbill_count_ledger_entry()"
    )
    op.execute(FOLD_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION medbill_fold_counters() FROM PUBLIC")
    op.execute("GRANT EXECUTE ON FUNCTION medbill_fold_counters() TO medbill_biller")
    op.execute("ANALYZE counter_delta")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ledger_entry_counter_ins ON ledger_entry")
    op.execute("DROP FUNCTION IF EXISTS medbill_count_ledger_entry()")
    for table in BODIES:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_counter_{event} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS medbill_count_{table}()")
    op.execute("DROP FUNCTION IF EXISTS medbill_fold_counters()")
    op.drop_table("counter_delta")
