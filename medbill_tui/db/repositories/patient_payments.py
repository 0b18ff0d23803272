"""Front-desk money: a patient's payment applied to their visits, and refunds of a credit.

Both are ledger rows on the patient side (`payment`, responsibility `patient`): a payment is
negative (it lowers what is owed), a refund positive (it gives a credit back). The patient row
is locked first, so two desks posting to one account take turns and never apply the same
balance twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import status_not_in
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.domain.claim_state import RETIRED
from medbill_tui.domain.money import ZERO
from medbill_tui.domain.patient_payments import (
    METHODS,
    Allocation,
    PaymentRefused,
    VisitOwed,
    allocate,
)
from medbill_tui.records.payments import Receipt


@dataclass(frozen=True, slots=True)
class PaymentPlan:
    """A payment's allocation before posting (the preview)."""

    account_no: str
    patient_name: str
    balance: Decimal
    allocation: Allocation
    dos: dict[int, date]


def _account(conn: Connection, patient_id: int, lock: bool) -> tuple[str, str]:
    row = conn.execute(
        text(
            "SELECT account_no, last_name || ', ' || first_name AS name FROM patient "
            f"WHERE id = :p {'FOR UPDATE' if lock else ''}"
        ),
        {"p": patient_id},
    ).one_or_none()
    if row is None:
        raise PaymentRefused(f"account #{patient_id} does not exist")
    return str(row.account_no), str(row.name)


def patient_for_account(conn: Connection, account_no: str) -> int:
    """The patient id of an account number (case-insensitive); PaymentRefused if none."""
    found = conn.execute(
        text("SELECT id FROM patient WHERE upper(account_no) = upper(:a)"),
        {"a": account_no.strip()},
    ).scalar()
    if found is None:
        raise PaymentRefused(f"there is no account {account_no.strip()!r}")
    return int(found)


def patient_visits(conn: Connection, patient_id: int) -> list[VisitOwed]:
    """Every visit of the patient with what it owes on the patient side (may be ≤ 0)."""
    rows = conn.execute(
        text("""SELECT e.id, e.dos,
                       coalesce(sum(le.amount) FILTER (WHERE le.responsibility = 'patient'), 0)
                         AS owed
                FROM encounter e LEFT JOIN ledger_entry le ON le.encounter_id = e.id
                WHERE e.patient_id = :p GROUP BY e.id, e.dos ORDER BY e.dos, e.id"""),
        {"p": patient_id},
    ).all()
    return [VisitOwed(r.id, r.dos, Decimal(r.owed)) for r in rows]


def plan_payment(
    conn: Connection, patient_id: int, amount: Decimal, chosen: Sequence[int], lock: bool = False
) -> PaymentPlan:
    """Where `amount` would go (oldest first, or the chosen visits first)."""
    account_no, name = _account(conn, patient_id, lock)
    visits = patient_visits(conn, patient_id)
    if not visits:
        raise PaymentRefused(f"account {account_no} has no visits to post a payment to")
    balance = sum((v.owed for v in visits), ZERO)
    allocation = allocate(amount, visits, chosen)
    return PaymentPlan(
        account_no, name, balance, allocation, {v.encounter_id: v.dos for v in visits}
    )


def _check_method(method: str, reference: str) -> None:
    if method not in METHODS:
        raise PaymentRefused(f"method {method!r} is not one of {', '.join(METHODS)}")
    if method in ("check", "card") and not reference.strip():
        raise PaymentRefused(f"a {method} payment needs its reference (check or card number)")


def _post(
    conn: Connection,
    patient_id: int,
    lines: list[tuple[int, Decimal, str]],
    actor: str,
) -> int:
    """Ledger rows (encounter, signed amount, memo), each tied to the visit's latest claim."""
    insert = text(f"""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                    responsibility, amount, service_date, posted_by, memo)
                SELECT :p, e.id, (SELECT max(c.id) FROM claim c WHERE c.encounter_id = e.id
                                  AND {status_not_in(RETIRED, "c.status")}),
                       'payment', 'patient', :amt, e.dos, :a, :m
                FROM encounter e WHERE e.id = :e AND e.patient_id = :p
                RETURNING id""")
    ids = [
        int(
            conn.execute(
                insert, {"p": patient_id, "e": e, "amt": amount, "a": actor, "m": memo[:200]}
            ).scalar_one()
        )
        for e, amount, memo in lines
    ]
    return min(ids) if ids else 0


def post_payment(
    conn: Connection,
    patient_id: int,
    amount: Decimal,
    method: str,
    reference: str,
    chosen: Sequence[int],
    actor: str,
    today: date,
) -> Receipt:
    """Apply a payment; what is left over stays as a credit on the account."""
    _check_method(method, reference)
    plan = plan_payment(conn, patient_id, amount, chosen, lock=True)
    memo = f"patient payment, {method}" + (f" {reference.strip()}" if reference.strip() else "")
    lines = [(e, -share, memo) for e, share in plan.allocation.applied]
    if plan.allocation.credit > 0 and plan.allocation.credit_encounter_id is not None:
        lines.append(
            (plan.allocation.credit_encounter_id, -plan.allocation.credit, memo + " (credit)")
        )
    receipt_no = _post(conn, patient_id, lines, actor)
    record_audit(
        conn,
        actor,
        "patient-payment",
        "patient",
        patient_id,
        f"{amount} {method}; {len(plan.allocation.applied)} visit(s), "
        f"credit {plan.allocation.credit}",
    )
    return Receipt(
        receipt_no,
        "payment",
        plan.account_no,
        plan.patient_name,
        today,
        method,
        reference.strip(),
        amount,
        tuple((e, plan.dos[e], share) for e, share in plan.allocation.applied),
        plan.allocation.credit,
        plan.balance - amount,
    )


def post_refund(
    conn: Connection,
    patient_id: int,
    amount: Decimal,
    method: str,
    reference: str,
    actor: str,
    today: date,
) -> Receipt:
    """Give back up to the account's credit (the visits holding the most credit first)."""
    _check_method(method, reference)
    account_no, name = _account(conn, patient_id, lock=True)
    visits = patient_visits(conn, patient_id)
    balance = sum((v.owed for v in visits), ZERO)
    credit = -balance if balance < 0 else ZERO
    if amount > credit:
        raise PaymentRefused(
            f"account {account_no} has a credit of {credit}; a refund of {amount} is more"
        )
    left = amount
    lines: list[tuple[int, Decimal, str]] = []
    memo = f"refund, {method}" + (f" {reference.strip()}" if reference.strip() else "")
    for visit in sorted(visits, key=lambda v: (v.owed, v.encounter_id)):
        if left <= 0 or visit.owed >= 0:
            break
        share = min(left, -visit.owed)
        lines.append((visit.encounter_id, share, memo))
        left -= share
    receipt_no = _post(conn, patient_id, lines, actor)
    record_audit(conn, actor, "patient-refund", "patient", patient_id, f"{amount} {method}")
    dos = {v.encounter_id: v.dos for v in visits}
    return Receipt(
        receipt_no,
        "refund",
        account_no,
        name,
        today,
        method,
        reference.strip(),
        amount,
        tuple((e, dos[e], share) for e, share, _ in lines),
        ZERO,
        balance + amount,
    )
