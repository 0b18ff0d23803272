"""Billing a visit to the patient instead of a payer: self-pay, or the biller's choice."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.statements import visits
from medbill_tui.records.queues import QueueFilter, QueueKind, UnbilledRow
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimRefused, ClaimService
from medbill_tui.services.queues import QueueService
from medbill_tui.services.remittances import RemittanceService
from tests.conftest import DEMO_TODAY


def _unbilled(engine: Engine, self_pay: bool) -> tuple[int, int, Decimal]:
    """An unbilled visit with charges: (encounter, patient, charges). A self-pay one is made
    from an insured one when the demo has none."""
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT e.id, e.patient_id, sum(c.amount) AS total FROM encounter e "
                "JOIN charge c ON c.encounter_id = e.id WHERE e.status = 'unbilled' "
                "GROUP BY e.id HAVING sum(c.amount) > 0 ORDER BY (e.coverage_id IS NULL) DESC, "
                "e.id LIMIT 1"
            )
        ).one()
        if self_pay:
            conn.execute(
                text(
                    "UPDATE encounter SET coverage_id = NULL, authorization_id = NULL "
                    "WHERE id = :id"
                ),
                {"id": row.id},
            )
    return int(row.id), int(row.patient_id), Decimal(row.total)


def _ledger(engine: Engine, encounter_id: int) -> list[tuple[str, str, Decimal, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT kind, responsibility, amount, claim_id FROM ledger_entry "
                "WHERE encounter_id = :e ORDER BY id"
            ),
            {"e": encounter_id},
        ).all()
    return [(r.kind, r.responsibility, Decimal(r.amount), r.claim_id) for r in rows]


def test_a_self_pay_visit_is_billed_to_the_patient_in_one_step(demo_engine: Engine) -> None:
    clock = Clock(DEMO_TODAY)
    encounter, patient, total = _unbilled(demo_engine, self_pay=True)
    claims = ClaimService(demo_engine, clock, "biller1")
    assert claims.bill_patient(encounter) == total
    assert _ledger(demo_engine, encounter) == [("charge", "patient", total, None)]
    with demo_engine.connect() as conn:
        status, audit = conn.execute(
            text(
                "SELECT e.status, (SELECT detail FROM audit_event WHERE action = 'bill-patient' "
                "AND entity_id = e.id) FROM encounter e WHERE e.id = :e"
            ),
            {"e": encounter},
        ).one()
        guarantor = conn.execute(
            text("SELECT coalesce(guarantor_id, id) FROM patient WHERE id = :p"), {"p": patient}
        ).scalar_one()
        # the ledger row is stamped now (the clock is pinned in the past)
        lines = visits(conn, [guarantor], datetime.now(UTC).date())[guarantor]
    assert status == "patient" and audit.startswith("self-pay visit billed to the patient")
    (line,) = [v for v in lines if v.encounter_id == encounter]
    assert line.billed_direct and line.due == total and line.insurance_paid == 0
    page = QueueService(demo_engine, clock).page(QueueKind.UNBILLED, QueueFilter(), None, 5000)
    assert encounter not in {r.encounter_id for r in page.rows if isinstance(r, UnbilledRow)}
    with pytest.raises(ClaimRefused, match="only an unbilled visit"):
        claims.bill_patient(encounter)
    assert RemittanceService(demo_engine, clock, "x").check_ledger() == ()


def test_an_insured_visit_needs_a_reason(demo_engine: Engine) -> None:
    encounter, _, total = _unbilled(demo_engine, self_pay=False)
    claims = ClaimService(demo_engine, Clock(DEMO_TODAY), "biller1")
    with pytest.raises(ClaimRefused, match="give the reason"):
        claims.bill_patient(encounter, "  ")
    assert _ledger(demo_engine, encounter) == []
    assert claims.bill_patient(encounter, "not a covered service") == total
    with demo_engine.connect() as conn:
        note = conn.execute(
            text("SELECT body FROM note WHERE entity = 'encounter' AND entity_id = :e"),
            {"e": encounter},
        ).scalar_one()
    assert note == "Billed to the patient: not a covered service"
    with pytest.raises(ClaimRefused, match="does not exist"):
        claims.bill_patient(999_999_999, "x")
