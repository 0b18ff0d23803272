"""SQL of `ledger_balance`, the ledger's sums kept by a trigger (migration 0011).

The migration has its own copy of the trigger and backfill (migrations never import the app);
this module serves the demo loader, which fills the table in one statement after its COPY, and
`medbill ledger check`, which compares the table with the ledger.
"""

from __future__ import annotations

BALANCE_KEY = "patient_id, responsibility, encounter_id, claim_id, service_date"
"""What each sum is per: everything the balance queries group or age by."""

BALANCE_TRIGGER = "ledger_entry_balance"

REBUILD_BALANCES_SQL = (
    f"INSERT INTO ledger_balance ({BALANCE_KEY}, amount)"
    f" SELECT {BALANCE_KEY}, sum(amount) FROM ledger_entry GROUP BY {BALANCE_KEY}",
    "INSERT INTO account_balance (patient_id, responsibility, amount)"
    " SELECT patient_id, responsibility, sum(amount) FROM ledger_balance"
    " GROUP BY patient_id, responsibility",
)
"""Fills the empty ledger_balance and account_balance from the ledger (the demo load, with
the trigger off)."""

BALANCE_MISMATCH_SQL = f"""
    SELECT coalesce(l.patient_id, b.patient_id),
           'patient ' || coalesce(l.patient_id, b.patient_id) || ' '
           || coalesce(l.responsibility, b.responsibility) || ' visit '
           || coalesce(l.encounter_id, b.encounter_id) || ': the ledger sums to '
           || coalesce(l.amount, 0) || ' but ledger_balance holds ' || coalesce(b.amount, 0)
    FROM (SELECT {BALANCE_KEY}, sum(amount) AS amount FROM ledger_entry
          GROUP BY {BALANCE_KEY}) l
    FULL JOIN ledger_balance b
      ON b.patient_id = l.patient_id AND b.responsibility = l.responsibility
     AND b.encounter_id = l.encounter_id AND b.claim_id IS NOT DISTINCT FROM l.claim_id
     AND b.service_date = l.service_date
    WHERE coalesce(l.amount, 0) <> coalesce(b.amount, 0)"""
"""Every sum the maintained table disagrees with the ledger on (none when the trigger works)."""

ACCOUNT_MISMATCH_SQL = """
    SELECT coalesce(l.patient_id, a.patient_id),
           'patient ' || coalesce(l.patient_id, a.patient_id) || ' '
           || coalesce(l.responsibility, a.responsibility) || ': the ledger sums to '
           || coalesce(l.amount, 0) || ' but account_balance holds ' || coalesce(a.amount, 0)
    FROM (SELECT patient_id, responsibility, sum(amount) AS amount FROM ledger_entry
          GROUP BY patient_id, responsibility) l
    FULL JOIN account_balance a
      ON a.patient_id = l.patient_id AND a.responsibility = l.responsibility
    WHERE coalesce(l.amount, 0) <> coalesce(a.amount, 0)"""
"""Every account sum the maintained table disagrees with the ledger on."""
