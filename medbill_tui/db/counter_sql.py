"""SQL of `counter_delta`, the queue counts and balance totals the database keeps (0032).

Triggers on `encounter`, `charge`, `claim`, `work_item`, `ledger_balance`,
`account_balance` and `ledger_entry` append one delta row per statement and counter (no row is
ever updated, so posting never waits on a hot counter row); a read sums the few rows of a
counter, and `fold` now and then replaces them by their sums. The migration has its own copy of
the triggers and the backfill (migrations never import the app); this module serves the demo
loader (rebuild after its COPY, triggers off) and `medbill ledger check` (counters against a
full recount).
"""

from __future__ import annotations

QUEUE_COUNTERS = ("unbilled", "pending", "rejection", "denial", "balances", "claim_rows")
"""Counters of a whole list (day is NULL): count and amount."""

AGE_ACCOUNT, AGE_CLAIM, POSTED = "age_account", "age_claim", "posted"
"""Counters per day (amount only): open accounts' money by date of service, claims' money
by the claim's date of service, and the ledger's money by the day it was posted."""

_COUNTED_TABLES = ("encounter", "charge", "claim", "work_item", "ledger_balance", "account_balance")

COUNTER_TRIGGERS: tuple[tuple[str, str], ...] = (
    *(
        (table, f"{table}_counter_{event}")
        for table in _COUNTED_TABLES
        for event in ("ins", "upd", "del")
    ),
    ("ledger_entry", "ledger_entry_counter_ins"),
)
"""(table, trigger) of every counter trigger: the demo load turns them off for its COPY."""

RECOUNT_SQL = """
    SELECT 'unbilled'::text AS counter, NULL::date AS day, count(*) AS n,
           coalesce(sum(x.s), 0) AS amount
    FROM encounter e
    LEFT JOIN LATERAL (SELECT sum(c.amount) AS s FROM charge c WHERE c.encounter_id = e.id) x
      ON TRUE
    WHERE e.status = 'unbilled'
    UNION ALL
    SELECT 'pending', NULL, count(*), coalesce(sum(total_charge), 0) FROM claim
    WHERE status IN ('ready','batched','submitted','accepted_999','rejected_999',
                     'acknowledged_277ca','rejected_277ca','hold')
    UNION ALL
    SELECT k.kind, NULL, count(w.id), coalesce(sum(w.amount), 0)
    FROM (VALUES ('rejection'), ('denial')) k(kind)
    LEFT JOIN work_item w ON w.kind = k.kind AND w.status = 'open'
    GROUP BY k.kind
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
    FROM ledger_balance lb JOIN claim c ON c.id = lb.claim_id
    JOIN encounter e ON e.id = c.encounter_id
    GROUP BY e.dos HAVING sum(lb.amount) <> 0
    UNION ALL
    SELECT 'posted', posted_at::date, 0, sum(amount) FROM ledger_entry
    GROUP BY 2 HAVING sum(amount) <> 0"""
"""Every counter counted from the data (what the triggers keep), one row per counter and day."""

REBUILD_COUNTERS_SQL = (
    "DELETE FROM counter_delta",
    f"INSERT INTO counter_delta (counter, day, n, amount) {RECOUNT_SQL}",
)
"""Replaces the counters with a recount (the demo load, its triggers off)."""

COUNTER_MISMATCH_SQL = f"""
    SELECT 0, 'counter ' || coalesce(r.counter, k.counter)
           || coalesce(' on ' || coalesce(r.day, k.day), '')
           || ': a recount gives ' || coalesce(r.n, 0) || ' items, ' || coalesce(r.amount, 0)
           || ' but the counter holds ' || coalesce(k.n, 0) || ' items, ' || coalesce(k.amount, 0)
    FROM ({RECOUNT_SQL}) r
    FULL JOIN (SELECT counter, day, sum(n) AS n, sum(amount) AS amount FROM counter_delta
               GROUP BY counter, day) k
      ON k.counter = r.counter AND k.day IS NOT DISTINCT FROM r.day
    WHERE coalesce(r.n, 0) <> coalesce(k.n, 0) OR coalesce(r.amount, 0) <> coalesce(k.amount, 0)"""
"""Every counter the triggers disagree with a full recount on (none when they work)."""
