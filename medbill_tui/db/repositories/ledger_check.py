"""The ledger's self-check (`medbill ledger check`): every way the ledger could disagree with
itself, with its balance tables or with what was posted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from medbill_tui.db.balance_sql import ACCOUNT_MISMATCH_SQL, BALANCE_MISMATCH_SQL
from medbill_tui.db.claim_sql import status_not_in
from medbill_tui.db.counter_sql import COUNTER_MISMATCH_SQL
from medbill_tui.db.repositories.remits import LIVE
from medbill_tui.db.repositories.secondary import crossover_sql
from medbill_tui.domain.claim_state import ClaimStatus

_NO_CHARGE_CHECK = frozenset(
    {ClaimStatus.READY, ClaimStatus.HOLD, ClaimStatus.VOID, ClaimStatus.DRAFT, ClaimStatus.REPLACED}
)
"""Claims whose charge entries need not add up to their total (check "claim charge"); nor
need a void (frequency 8), which repeats the voided claim's total and charges nothing."""


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    what: str
    detail: str


def check_ledger(conn: Connection) -> tuple[LedgerProblem, ...]:
    """Every way the ledger could disagree with itself or with what was posted."""
    problems: list[LedgerProblem] = []
    checks = {
        "reversal": """SELECT r.id, 'entry ' || r.id || ' reverses ' || r.reverses_id ||
                              ' but does not negate it' FROM ledger_entry r
                       JOIN ledger_entry o ON o.id = r.reverses_id
                       WHERE r.amount <> -o.amount OR r.responsibility <> o.responsibility""",
        "double reversal": f"""SELECT reverses_id, 'entry ' || reverses_id || ' is reversed ' ||
                                     count(*) || ' times' FROM ledger_entry le
                              WHERE reverses_id IS NOT NULL AND {LIVE}
                              GROUP BY reverses_id
                              HAVING count(*) > 1""",
        # OFFSET 0 fences the mismatches off from the crossover test: planned together, the
        # anti-join's estimate of one row made a nested loop that re-summed the ledger per
        # claim (over 10 minutes at 1,000,000 encounters).
        "claim charge": f"""SELECT c.id, 'claim ' || c.claim_no || ' charges ' || c.total_charge ||
                                  ' but its charge entries sum to ' || c.entered
                           FROM (SELECT c.id, c.claim_no, c.total_charge, c.coverage_id,
                                        c.encounter_id, coalesce(s.total, 0) AS entered
                                 FROM claim c LEFT JOIN (SELECT le.claim_id, sum(le.amount) AS total
                                     FROM ledger_entry le
                                     LEFT JOIN ledger_entry o ON o.id = le.reverses_id
                                     WHERE le.kind = 'charge' OR o.kind = 'charge'
                                     GROUP BY le.claim_id) s
                                   ON s.claim_id = c.id
                                 WHERE {status_not_in(_NO_CHARGE_CHECK, "c.status")}
                                   AND c.frequency <> '8'
                                   AND coalesce(s.total, 0) <> c.total_charge
                                 OFFSET 0) c
                           WHERE NOT """
        + crossover_sql("c"),
        "transfer": """SELECT remittance_id, 'transfers of remittance ' || remittance_id ||
                              ' for claim ' || claim_id || ' do not net to zero'
                       FROM ledger_entry WHERE kind = 'transfer' AND remittance_id IS NOT NULL
                       GROUP BY remittance_id, claim_id HAVING sum(amount) <> 0""",
        "payments": """SELECT r.id, 'payment ' || r.trace_no || ' paid ' || r.amount ||
                              ' but its claims were paid ' || coalesce(cp.paid, 0) ||
                              ' less provider adjustments ' || coalesce(plb.amt, 0)
                       FROM remittance r
                       LEFT JOIN (SELECT remittance_id, sum(paid) AS paid FROM claim_payment
                                  GROUP BY remittance_id) cp ON cp.remittance_id = r.id
                       LEFT JOIN (SELECT remittance_id, sum(amount) AS amt FROM remittance_plb
                                  GROUP BY remittance_id) plb ON plb.remittance_id = r.id
                       WHERE r.raw IS NOT NULL
                         AND coalesce(cp.paid, 0) - coalesce(plb.amt, 0) <> r.amount""",
        "posted payments": """SELECT r.id, 'payment ' || r.trace_no || ' posted ' ||
                                     coalesce(-le.total, 0) ||
                                     ' to claims but matched claims were paid ' ||
                                     coalesce(cp.paid, 0)
                              FROM remittance r
                              LEFT JOIN (SELECT le.remittance_id, sum(le.amount) AS total
                                         FROM ledger_entry le
                                         LEFT JOIN ledger_entry o ON o.id = le.reverses_id
                                         JOIN encounter e ON e.id = le.encounter_id
                                         WHERE e.status <> 'opening'
                                           AND (le.kind = 'payment' OR (o.kind = 'payment'
                                           AND o.remittance_id = le.remittance_id))
                                         GROUP BY le.remittance_id) le ON le.remittance_id = r.id
                              LEFT JOIN (SELECT cp.remittance_id,
                                                sum(cp.paid) - coalesce(max(tb.amt), 0) AS paid
                                         FROM claim_payment cp
                                         LEFT JOIN (SELECT remittance_id, sum(amount) AS amt
                                                    FROM remittance_plb
                                                    WHERE claim_id IS NOT NULL
                                                    GROUP BY remittance_id) tb
                                           ON tb.remittance_id = cp.remittance_id
                                         WHERE cp.claim_id IS NOT NULL
                                           AND cp.status_code <> '22'
                                         GROUP BY cp.remittance_id) cp
                                ON cp.remittance_id = r.id AND r.status = 'posted'
                              WHERE coalesce(-le.total, 0) <> coalesce(cp.paid, 0)""",
        # The 835's own words against the ledger: BPR02 is the cash this payment put on the
        # ledger (its payments, less the earlier payments its reversals took back), plus what
        # waits unmatched, less the provider-level adjustments.
        "cash": """SELECT r.id, 'payment ' || r.trace_no || ' says ' || r.amount ||
                          ' but the ledger holds ' || coalesce(-le.cash, 0) ||
                          ', unmatched ' || coalesce(um.paid, 0) ||
                          ', provider adjustments ' || coalesce(plb.amt, 0)
                   FROM remittance r
                   LEFT JOIN (SELECT le.remittance_id, sum(le.amount) AS cash
                              FROM ledger_entry le
                              LEFT JOIN ledger_entry o ON o.id = le.reverses_id
                              LEFT JOIN ledger_entry o2 ON o2.id = o.reverses_id
                              WHERE le.remittance_id IS NOT NULL
                                AND 'payment' IN (le.kind, o.kind, o2.kind)
                              GROUP BY le.remittance_id) le ON le.remittance_id = r.id
                   LEFT JOIN (SELECT remittance_id, sum(paid) AS paid FROM claim_payment
                              WHERE claim_id IS NULL GROUP BY remittance_id) um
                     ON um.remittance_id = r.id
                   LEFT JOIN (SELECT remittance_id, sum(amount) AS amt FROM remittance_plb
                              WHERE claim_id IS NULL
                              GROUP BY remittance_id) plb ON plb.remittance_id = r.id
                   WHERE r.raw IS NOT NULL AND r.status = 'posted'
                     AND coalesce(-le.cash, 0) + coalesce(um.paid, 0) - coalesce(plb.amt, 0)
                         <> r.amount""",
        # Opening balances (`balances import`) are their own kind: each on a visit of its own
        # that has no claim and no other charge.
        "opening balance": """SELECT le.id, 'entry ' || le.id || ' is an opening balance ' ||
                                     CASE WHEN le.claim_id IS NOT NULL THEN 'on a claim'
                                          ELSE 'on visit ' || e.id || ', which is ' || e.status
                                     END
                              FROM ledger_entry le JOIN encounter e ON e.id = le.encounter_id
                              WHERE le.kind = 'opening'
                                AND (e.status <> 'opening' OR le.claim_id IS NOT NULL)
                              UNION ALL
                              SELECT e.id, 'opening balance visit ' || e.id || ' has a claim ' ||
                                     'or a charge'
                              FROM encounter e WHERE e.status = 'opening'
                                AND (EXISTS (SELECT 1 FROM claim c WHERE c.encounter_id = e.id)
                                     OR EXISTS (SELECT 1 FROM ledger_entry le
                                                WHERE le.encounter_id = e.id
                                                  AND le.kind = 'charge'))""",
        # A payer's check keyed against opening balances (`balances pay`, no 835): its
        # payments there add up to the check.
        "opening payments": """SELECT r.id, 'check ' || r.trace_no || ' of ' || r.amount ||
                                      ' paid opening balances ' || -le.total
                               FROM remittance r
                               JOIN (SELECT le.remittance_id, sum(le.amount) AS total
                                     FROM ledger_entry le
                                     JOIN encounter e ON e.id = le.encounter_id
                                     WHERE e.status = 'opening' AND le.kind = 'payment'
                                     GROUP BY le.remittance_id) le ON le.remittance_id = r.id
                               WHERE r.status = 'posted' AND -le.total <> r.amount""",
        "balance table": BALANCE_MISMATCH_SQL,
        "account balance table": ACCOUNT_MISMATCH_SQL,
        "counters": COUNTER_MISMATCH_SQL,
    }
    for what, sql in checks.items():
        for row in conn.execute(text(sql)):
            problems.append(LedgerProblem(what, str(row[1])))
    return tuple(problems)
