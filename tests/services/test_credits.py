"""Credit balances: a real 835 that pays a visit past its balance opens a credit item; refunds
to the payer (supervisors) or the patient and applying a patient's credit to another visit
move exactly the credit the ledger shows, once; a credit that is gone closes its item."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.claims import insert_claims
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay, write_835
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.x837_read import read_837p
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.credits import CreditGone, CreditRefused, CreditService
from medbill_tui.services.imports import ImportService
from medbill_tui.services.patient_payments import PatientPaymentService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.submissions import SubmissionService
from medbill_tui.services.users import RoleRefused
from tests.conftest import DEMO_TODAY
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p
from tests.factories import Builder, insert

DOS = date(2026, 10, 5)
CHARGES = ("120.00", "40.00")
Adjust = tuple[tuple[str, str, str], ...]
FULL: tuple[Adjust, Adjust] = ((), ())
"""Each line paid its whole charge, no adjustment."""
WITH_PR: tuple[Adjust, Adjust] = (
    (("CO", "45", "20.00"), ("PR", "1", "30.00")),
    (("CO", "45", "10.00"), ("PR", "2", "6.00")),
)
"""CO-45 and the patient's share (PR 36.00 in all)."""


@dataclass
class Visit:
    """A new patient of the demo practice with one coverage, a two-line visit, its claim sent
    and acknowledged."""

    engine: Engine
    tmp: Path
    patient_id: int
    encounter_id: int
    claim_id: int
    sent: str

    def era(self, trace: int, adjustments: tuple[Adjust, Adjust], status: str = "1") -> str:
        """The payer's 835 for the claim: each line paid its charge less `adjustments`;
        status 22 takes that payment back (every amount negated)."""
        batch = read_837p(self.sent)
        (claim,) = batch.claims
        sign = -1 if status == "22" else 1
        lines = []
        for line, adjust in zip(claim.lines, adjustments, strict=True):
            cas = tuple((g, r, sign * Decimal(a)) for g, r, a in adjust)
            charge = sign * line.charge
            paid = charge - sum((a for _, _, a in cas), Decimal(0))
            co = sum((a for g, _, a in cas if g == "CO"), Decimal(0))
            lines.append(LinePay(replace(line, charge=charge), paid, charge - co, cas, ""))
        claim = replace(claim, charge=sign * claim.charge)
        decision = ClaimDecision(claim, True, ("A1", "20", ""), None, "26300000999")
        env = Envelope.answering(batch, DEMO_TODAY, usage="T", minutes=600)
        payment = ClaimPayment(decision, status, tuple(lines))
        return write_835(env, 700_000_000 + trace, [payment], random.Random(0))

    def post(self, trace: int, adjustments: tuple[Adjust, Adjust], status: str = "1") -> Any:
        path = self.tmp / f"{trace}.835"
        path.write_text(self.era(trace, adjustments, status))
        result = ImportService(self.engine, Clock(DEMO_TODAY), "poster").import_file(path)
        assert result.status == "imported", result
        return result

    def balance(self, responsibility: str, encounter_id: int | None = None) -> Decimal:
        with self.engine.connect() as conn:
            return Decimal(
                conn.execute(
                    text(
                        "SELECT coalesce(sum(amount), 0) FROM ledger_entry "
                        "WHERE encounter_id = :e AND responsibility = :r"
                    ),
                    {"e": encounter_id or self.encounter_id, "r": responsibility},
                ).scalar_one()
            )

    def items(self) -> list[Any]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT * FROM work_item WHERE kind = 'credit' ORDER BY id")
                ).all()
            )

    def another_visit_owing(self, amount: str) -> int:
        """A later visit of the same patient on which the patient owes `amount`."""
        with self.engine.begin() as conn:
            cov, provider = conn.execute(
                text("SELECT coverage_id, provider_id FROM encounter WHERE id = :e"),
                {"e": self.encounter_id},
            ).one()
            other = insert(
                conn,
                "encounter",
                patient_id=self.patient_id,
                provider_id=provider,
                coverage_id=cov,
                dos=date(2026, 10, 20),
                pos="11",
                status="billed",
            )
            insert(
                conn,
                "ledger_entry",
                patient_id=self.patient_id,
                encounter_id=other,
                kind="charge",
                responsibility="patient",
                amount=Decimal(amount),
                service_date=date(2026, 10, 20),
                posted_by="desk",
            )
        return other

    def ledger_ok(self) -> None:
        assert RemittanceService(self.engine, Clock(DEMO_TODAY), "x").check_ledger() == ()


def a_visit(engine: Engine, tmp: Path) -> Visit:
    with engine.begin() as conn:
        b = Builder(conn)
        patient = b.patient("Credit", "Cora", account="ZCRD0001")
        eid = b.encounter(patient, DOS, charges=CHARGES)
        conn.execute(
            text("UPDATE charge SET code = '36415' WHERE encounter_id = :e AND line_no = 2"),
            {"e": eid},
        )
        insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
        (claim_id,) = insert_claims(conn, [eid], "b1", DEMO_TODAY)
    run = SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp / "out").submit([claim_id])
    sent = Path(run.files[0].path).read_text()
    assert_both_parsers_read_837p(sent)
    answer = respond(
        sent, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY, ack_reject_rate=0.0
    )
    importer = ImportService(engine, Clock(DEMO_TODAY), "poster")
    for name, body in (("a.999", answer.ack_999), ("a.277", answer.ack_277ca)):
        (tmp / name).write_text(body or "")
        assert importer.import_file(tmp / name).status == "imported"
    return Visit(engine, tmp, patient[0], eid, claim_id, sent)


def credits(engine: Engine, role: str = "supervisor") -> CreditService:
    return CreditService(engine, Clock(DEMO_TODAY), "sue", role=role)


@pytest.fixture
def visit(demo_engine: Engine, tmp_path: Path) -> Visit:
    return a_visit(demo_engine, tmp_path)


def test_a_second_payment_opens_one_payer_credit_naming_the_payment(visit: Visit) -> None:
    visit.post(1, FULL)
    assert visit.balance("primary") == 0 and visit.items() == []  # paid exactly: no credit
    visit.post(2, FULL)
    (item,) = visit.items()
    assert (item.status, item.responsibility, item.amount) == ("open", "primary", Decimal(160))
    assert (item.claim_id, item.patient_id, item.encounter_id) == (
        visit.claim_id,
        visit.patient_id,
        visit.encounter_id,
    )
    assert item.opened_on == DEMO_TODAY
    assert item.detail.startswith("835 700000002001 from Acme Health left the primary payer's")
    (row,) = credits(visit.engine).open_items()
    assert (row.payer_name, row.trace_no, row.amount) == ("Acme Health", "700000002001", 160)
    visit.post(3, FULL)  # a third payment: the open item says the credit it is now
    (item,) = visit.items()
    assert item.amount == Decimal(320)
    visit.ledger_ok()


def test_a_supervisor_refunds_the_payer_once(visit: Visit) -> None:
    visit.post(1, FULL)
    visit.post(2, FULL)
    (item,) = visit.items()
    with pytest.raises(RoleRefused, match="supervisor"):
        credits(visit.engine, role="biller").refund_to_payer(item.id, "chk 12")
    assert visit.balance("primary") == Decimal(-160) and visit.items()[0].status == "open"
    with pytest.raises(CreditRefused, match="reference"):
        credits(visit.engine).refund_to_payer(item.id, "  ")
    with pytest.raises(CreditRefused, match="payer's money"):
        credits(visit.engine).refund_to_patient(item.id, "chk 12")
    with pytest.raises(CreditRefused, match="payer's money"):
        credits(visit.engine).apply_to_visit(item.id, visit.encounter_id)
    done = credits(visit.engine).refund_to_payer(item.id, "chk 12")
    assert (done.amount, done.left) == (Decimal(160), 0) and "Acme Health" in done.words
    assert visit.balance("primary") == 0
    (closed,) = visit.items()
    assert closed.status == "done" and closed.outcome.endswith("ref chk 12 by sue")
    with visit.engine.connect() as conn:
        memo = conn.execute(
            text("SELECT memo FROM ledger_entry WHERE kind = 'payment' AND amount > 0")
        ).scalar_one()
        audit = conn.execute(
            text(
                "SELECT actor, action FROM audit_event WHERE entity = 'work_item' "
                "AND entity_id = :i ORDER BY id"
            ),
            {"i": item.id},
        ).all()
    assert memo == "refund to payer Acme Health, ref chk 12"
    assert [tuple(a) for a in audit] == [
        ("poster", "credit-open"),
        ("sue", "work-take"),  # a free item acted on is taken first
        ("sue", "credit-refund-payer"),
    ]
    with pytest.raises(CreditRefused, match="already done"):
        credits(visit.engine).refund_to_payer(item.id, "chk 13")
    visit.ledger_ok()


def patient_credit(visit: Visit) -> Any:
    """The payer's share and the patient's 36.00 posted, the patient pays it at the desk, then
    the payer takes its payment back: the patient's 36.00 is now a credit."""
    visit.post(1, WITH_PR)
    assert visit.balance("patient") == Decimal(36) and visit.items() == []
    PatientPaymentService(visit.engine, Clock(DEMO_TODAY), "desk", visit.tmp / "receipts").pay(
        visit.patient_id, "36.00", "cash"
    )
    visit.post(2, WITH_PR, status="22")
    assert visit.balance("primary") == Decimal(160) and visit.balance("patient") == -36
    (item,) = visit.items()
    assert (item.responsibility, item.amount) == ("patient", Decimal(36))
    return item


def test_the_payer_taking_back_what_the_patient_paid_opens_a_patient_credit(
    visit: Visit,
) -> None:
    item = patient_credit(visit)
    with pytest.raises(CreditRefused, match="patient's credit"):
        credits(visit.engine).refund_to_payer(item.id, "x")
    done = credits(visit.engine, role="biller").refund_to_patient(item.id, "chk 7")
    assert done.amount == Decimal(36) and visit.balance("patient") == 0
    assert visit.items()[0].status == "done"
    visit.ledger_ok()


def test_a_patient_credit_applies_to_another_visit_up_to_what_it_owes(visit: Visit) -> None:
    item = patient_credit(visit)
    other = visit.another_visit_owing("20.00")
    service = credits(visit.engine, role="biller")
    assert [v.encounter_id for v in service.visits_owing(item.id)] == [other]
    with pytest.raises(CreditRefused, match="not another visit"):
        service.apply_to_visit(item.id, visit.encounter_id)
    done = service.apply_to_visit(item.id, other)
    assert (done.amount, done.left) == (Decimal(20), Decimal(16))
    assert visit.balance("patient", other) == 0 and visit.balance("patient") == -16
    (still,) = visit.items()
    assert (still.status, still.amount) == ("open", Decimal(16))
    assert service.refund_to_patient(item.id, "chk 8").amount == Decimal(16)
    assert visit.balance("patient") == 0 and visit.items()[0].status == "done"
    visit.ledger_ok()


def test_a_credit_gone_meanwhile_closes_the_item_and_moves_nothing(visit: Visit) -> None:
    item = patient_credit(visit)
    visit.post(3, WITH_PR)  # the payer pays again: the patient owes the 36.00 they paid
    assert visit.balance("patient") == 0
    with visit.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one()
    with pytest.raises(CreditGone, match="no longer in credit"):
        credits(visit.engine).refund_to_patient(item.id, "chk 9")
    with visit.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one() == before
    (closed,) = visit.items()
    assert closed.status == "done" and closed.outcome.startswith("credit gone")
    visit.ledger_ok()
