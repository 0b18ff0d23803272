"""Credit balances: a payer's payment that leaves a visit below zero on one side opens a `credit`
work item; refunds and applying a patient's credit to another visit are ledger rows.

A credit is per visit (encounter) and responsibility, not per claim: a secondary claim's payment
posts to the secondary claim while the balance it pays came by transfer on the primary claim,
and a replacement claim's payment to the replacement, so only the visit's sum on that side says
whether money was paid past what was owed. The sums come from `ledger_balance` (migration
0011), which holds them per (patient, responsibility, encounter, claim, date of service).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audits
from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.records.credits import CreditRow, VisitOwing


class CreditRefused(Exception):
    """The credit cannot be worked as asked; nothing changed. The message says why."""


OPEN_CREDITS_SQL = """
WITH moved AS (
    SELECT le.patient_id, le.encounter_id, le.responsibility, max(le.claim_id) AS claim_id
    FROM ledger_entry le
    WHERE le.remittance_id = :r
    GROUP BY le.patient_id, le.encounter_id, le.responsibility
    HAVING sum(le.amount) < 0
), credit AS (
    SELECT m.patient_id, m.encounter_id, m.responsibility, m.claim_id, -sum(lb.amount) AS amount
    FROM moved m
    JOIN ledger_balance lb
      ON lb.patient_id = m.patient_id AND lb.responsibility = m.responsibility
     AND lb.encounter_id = m.encounter_id
    GROUP BY m.patient_id, m.encounter_id, m.responsibility, m.claim_id
    HAVING sum(lb.amount) < 0
)
INSERT INTO work_item (kind, claim_id, patient_id, encounter_id, responsibility, remittance_id,
                       amount, opened_on, source, detail)
SELECT 'credit', c.claim_id, c.patient_id, c.encounter_id, c.responsibility, r.id, c.amount,
       :today, '835',
       '835 ' || r.trace_no || ' from ' || py.name || ' left '
       || CASE WHEN c.responsibility = 'patient' THEN 'the patient''s share'
               ELSE 'the ' || c.responsibility || ' payer''s balance' END
       || ' ' || c.amount || ' in credit'
FROM credit c CROSS JOIN remittance r JOIN payer py ON py.id = r.payer_id
WHERE r.id = :r
ORDER BY c.encounter_id, c.responsibility
ON CONFLICT (encounter_id, responsibility) WHERE kind = 'credit' AND status = 'open'
DO UPDATE SET amount = excluded.amount
RETURNING id, xmax = 0 AS opened
"""
"""Each (visit, side) the payment lowered (its own rows there sum below zero) whose balance on
that side is now below zero gets a credit item, or the open one its new amount (`opened`: the
row was inserted, not updated). A patient's own overpayment
at the desk raises no item (the payment's rows did not lower that side): it is an account
credit, refunded at the desk."""


def open_credits_for_remittance(
    conn: Connection, remittance_id: int, actor: str, today: date
) -> int:
    """Open a credit item for every visit and side remittance `remittance_id` paid below zero
    (one statement; an open item of that visit and side gets the credit it has now); how many
    were opened. Call it in the posting's transaction."""
    rows = conn.execute(text(OPEN_CREDITS_SQL), {"r": remittance_id, "today": today}).all()
    ids = [int(r.id) for r in rows if r.opened]
    if ids:
        record_audits(conn, actor, "credit-open", "work_item", [(i, None) for i in ids])
    return len(ids)


_ROW_SQL = f"""
SELECT w.id, w.opened_on, w.patient_id, p.last_name || ', ' || p.first_name AS patient,
       p.account_no, w.encounter_id, e.dos, w.claim_id, c.claim_no,
       coalesce(py.name, '') AS payer, coalesce(r.trace_no, '') AS trace_no,
       w.responsibility, w.amount, {HOLDER_SQL} AS holder
FROM work_item w
JOIN patient p ON p.id = w.patient_id
JOIN encounter e ON e.id = w.encounter_id
LEFT JOIN claim c ON c.id = w.claim_id
LEFT JOIN remittance r ON r.id = w.remittance_id
LEFT JOIN payer py ON py.id = r.payer_id
"""


def _row(r: Any) -> CreditRow:
    return CreditRow(
        work_item_id=int(r.id),
        opened_on=r.opened_on,
        patient_id=int(r.patient_id),
        patient_name=str(r.patient),
        account_no=str(r.account_no),
        encounter_id=int(r.encounter_id),
        dos=r.dos,
        claim_id=r.claim_id,
        claim_no=r.claim_no,
        payer_name=str(r.payer),
        trace_no=str(r.trace_no),
        responsibility=str(r.responsibility),
        amount=Decimal(r.amount),
        holder=r.holder,
    )


def open_credits(conn: Connection, limit: int) -> list[CreditRow]:
    """The open credit items, oldest first (the order `work next credits` takes them in)."""
    rows = conn.execute(
        text(
            _ROW_SQL + "WHERE w.kind = 'credit' AND w.status = 'open' "
            "ORDER BY w.opened_on, w.id LIMIT :n"
        ),
        {"n": limit},
    ).all()
    return [_row(r) for r in rows]


def open_credit_rows(conn: Connection, ids: Sequence[int]) -> list[CreditRow]:
    """The credit items with these ids still open (a live list re-reads what changed)."""
    rows = conn.execute(
        text(_ROW_SQL + "WHERE w.kind = 'credit' AND w.status = 'open' AND w.id = ANY(:ids)"),
        {"ids": list(ids)},
    ).all()
    return [_row(r) for r in rows]


def credit_item(conn: Connection, work_item_id: int) -> CreditRow:
    """One credit item, open or not (CreditRefused when there is none with that id)."""
    row = conn.execute(
        text(_ROW_SQL + "WHERE w.id = :id AND w.kind = 'credit'"), {"id": work_item_id}
    ).one_or_none()
    if row is None:
        raise CreditRefused(f"there is no credit item {work_item_id}")
    return _row(row)


@dataclass(frozen=True, slots=True)
class CreditState:
    """A credit item, locked, with the visit's balance on its side now (negative: a credit)."""

    row: CreditRow
    status: str
    balance: Decimal

    @property
    def credit(self) -> Decimal:
        """The credit now, positive (zero or less: it is gone)."""
        return -self.balance


def lock_credit(conn: Connection, work_item_id: int) -> CreditState:
    """Lock a credit item and read its visit's balance on its side (CreditRefused when there
    is no credit item with that id)."""
    found = conn.execute(
        text("SELECT kind, status FROM work_item WHERE id = :id FOR UPDATE"), {"id": work_item_id}
    ).one_or_none()
    if found is None or found.kind != "credit":
        raise CreditRefused(f"there is no credit item {work_item_id}")
    row = credit_item(conn, work_item_id)
    balance = conn.execute(
        text(
            "SELECT coalesce(sum(amount), 0) FROM ledger_balance "
            "WHERE patient_id = :p AND responsibility = :resp AND encounter_id = :e"
        ),
        {"p": row.patient_id, "resp": row.responsibility, "e": row.encounter_id},
    ).scalar_one()
    return CreditState(row, str(found.status), Decimal(balance))


_ENTRY = text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                     responsibility, amount, service_date, posted_by, memo)
                 SELECT e.patient_id, e.id, coalesce(:c, (SELECT max(c.id) FROM claim c
                            WHERE c.encounter_id = e.id AND c.status NOT IN ('void', 'replaced'))),
                        :k, :resp, :amt, e.dos, :a, :m
                 FROM encounter e WHERE e.id = :e
                 RETURNING id""")


def post_entry(
    conn: Connection,
    encounter_id: int,
    claim_id: int | None,
    kind: str,
    responsibility: str,
    amount: Decimal,
    memo: str,
    actor: str,
) -> int:
    """One ledger row on a visit (its claim `claim_id`, else the visit's latest live claim)."""
    return int(
        conn.execute(
            _ENTRY,
            {
                "e": encounter_id,
                "c": claim_id,
                "k": kind,
                "resp": responsibility,
                "amt": amount,
                "a": actor,
                "m": memo[:200],
            },
        ).scalar_one()
    )


def close_credit(conn: Connection, work_item_id: int, actor: str, outcome: str) -> None:
    """Close the item with how it ended (its lease with it)."""
    conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, outcome = :o WHERE id = :id"
        ),
        {"id": work_item_id, "o": f"{outcome} by {actor}"},
    )


def set_credit_amount(conn: Connection, work_item_id: int, amount: Decimal) -> None:
    """What is still in credit after part of it went to another visit."""
    conn.execute(
        text("UPDATE work_item SET amount = :amt WHERE id = :id"),
        {"id": work_item_id, "amt": amount},
    )


def visits_owing(conn: Connection, patient_id: int) -> list[VisitOwing]:
    """Visits of the patient and of everyone with the same guarantor that owe on the patient
    side, oldest first."""
    rows = conn.execute(
        text("""WITH g AS (SELECT coalesce(guarantor_id, id) AS id FROM patient WHERE id = :p)
                SELECT lb.encounter_id, e.dos, p.last_name || ', ' || p.first_name AS patient,
                       sum(lb.amount) AS owed
                FROM g JOIN patient p ON p.id = g.id OR p.guarantor_id = g.id
                JOIN ledger_balance lb ON lb.patient_id = p.id AND lb.responsibility = 'patient'
                JOIN encounter e ON e.id = lb.encounter_id
                GROUP BY lb.encounter_id, e.dos, p.last_name, p.first_name
                HAVING sum(lb.amount) > 0
                ORDER BY e.dos, lb.encounter_id"""),
        {"p": patient_id},
    ).all()
    return [VisitOwing(int(r.encounter_id), r.dos, str(r.patient), Decimal(r.owed)) for r in rows]
