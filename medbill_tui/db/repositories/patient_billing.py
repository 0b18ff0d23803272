"""Billing a visit to the patient instead of a payer: a self-pay visit, or one a biller decides
the patient pays (no claim is made; the charge goes straight to patient responsibility)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.notes import write_note

BILLABLE = ("unbilled", "hold")
BILLED_TO_PATIENT = "patient"
"""`encounter.status` of a visit billed to the patient (it leaves the unbilled queue)."""


class PatientBillingRefused(Exception):
    """The visit cannot be billed to the patient as it stands (message in words)."""


@dataclass(frozen=True, slots=True)
class PatientBill:
    encounter_id: int
    amount: Decimal
    self_pay: bool


def bill_to_patient(conn: Connection, encounter_id: int, actor: str, reason: str) -> PatientBill:
    """Post the visit's charges to patient responsibility and take it out of the unbilled queue.

    A visit with a coverage needs a reason (why not its payer); a self-pay one does not."""
    row = conn.execute(
        text(
            "SELECT e.status, e.coverage_id IS NULL AS self_pay, e.patient_id, e.dos, "
            "(SELECT coalesce(sum(amount), 0) FROM charge c WHERE c.encounter_id = e.id) AS total "
            "FROM encounter e WHERE e.id = :id FOR UPDATE OF e"
        ),
        {"id": encounter_id},
    ).one_or_none()
    if row is None:
        raise PatientBillingRefused(f"encounter {encounter_id} does not exist")
    if row.status not in BILLABLE:
        raise PatientBillingRefused(
            f"encounter {encounter_id} is {row.status}: only an unbilled visit is billed to "
            f"the patient"
        )
    total = Decimal(row.total)
    if total <= 0:
        raise PatientBillingRefused(f"encounter {encounter_id} has no charges to bill")
    why = reason.strip()
    if not row.self_pay and not why:
        raise PatientBillingRefused(
            "this visit has insurance: give the reason the patient is billed instead"
        )
    memo = "self-pay visit billed to the patient" if row.self_pay else "billed to the patient"
    conn.execute(
        text(
            "INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility, "
            "amount, service_date, posted_by, memo) "
            "VALUES (:p, :e, NULL, 'charge', 'patient', :amt, :d, :a, :m)"
        ),
        {
            "p": row.patient_id,
            "e": encounter_id,
            "amt": total,
            "d": row.dos,
            "a": actor,
            "m": f"{memo}: {why}"[:500] if why else memo,
        },
    )
    conn.execute(
        text("UPDATE encounter SET status = :s, version = version + 1 WHERE id = :id"),
        {"s": BILLED_TO_PATIENT, "id": encounter_id},
    )
    if why:
        write_note(conn, "encounter", encounter_id, actor, f"Billed to the patient: {why}")
    record_audit(conn, actor, "bill-patient", "encounter", encounter_id, f"{memo} ({total})")
    return PatientBill(encounter_id, total, bool(row.self_pay))
