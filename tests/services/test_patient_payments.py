"""Front-desk payments and refunds through the append-only ledger, with receipts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.patient_payments import PatientPaymentService, PaymentNotPosted
from tests.factories import Builder

TODAY = date(2026, 11, 2)
D = Decimal


@pytest.fixture
def account(engine: Engine) -> dict[str, Any]:
    """Three visits owing the patient 20.00 (July), 0 (August) and 30.00 (September)."""
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Front", account="F0001")
        visits = {}
        for dos, owed in ((date(2026, 7, 1), "20.00"), (date(2026, 8, 1), "0.00"),
                          (date(2026, 9, 1), "30.00")):  # fmt: skip
            e = b.encounter(p, dos, status="billed")
            if owed != "0.00":
                b.ledger(p, e, owed, dos, responsibility="patient")
            visits[dos.month] = e
    return {"patient": p, "visits": visits}


def service(engine: Engine, tmp_path: Path) -> PatientPaymentService:
    return PatientPaymentService(engine, Clock(TODAY), "desk1", tmp_path / "receipts")


def owed(engine: Engine, patient_id: int) -> dict[int, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT encounter_id, sum(amount) FROM ledger_entry WHERE patient_id = :p "
                 "AND responsibility = 'patient' GROUP BY encounter_id"), {"p": patient_id},
        ).all()  # fmt: skip
    return {int(e): D(a) for e, a in rows}


def ledger_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one())


def test_payment_goes_oldest_first_and_prints_a_receipt(
    engine: Engine, account: dict[str, Any], tmp_path: Path
) -> None:
    pid, v = account["patient"][0], account["visits"]
    svc = service(engine, tmp_path)
    preview = svc.preview(pid, "35")
    assert [(e, a) for e, _, a in preview.lines] == [(v[7], D("20.00")), (v[9], D("15.00"))]
    receipt, path = svc.pay(pid, "35.00", "check", "1042")
    assert owed(engine, pid) == {v[7]: D("0.00"), v[9]: D("15.00")}
    assert receipt.balance_after == D("15.00") and receipt.credit == 0
    body = path.read_text()
    assert "check 1042" in body and "Balance you owe now" in body
    with engine.connect() as conn:
        memo, by = conn.execute(text("SELECT memo, posted_by FROM ledger_entry "
                                     "WHERE kind = 'payment' LIMIT 1")).one()  # fmt: skip
        audit = conn.execute(text("SELECT count(*) FROM audit_event "
                                  "WHERE action = 'patient-payment'")).scalar_one()  # fmt: skip
    assert memo == "patient payment, check 1042" and by == "desk1" and audit == 1
    assert check_ledger_clean(engine)


def check_ledger_clean(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not check_ledger(conn)


def test_chosen_visit_first_and_overpayment_is_a_refundable_credit(
    engine: Engine, account: dict[str, Any], tmp_path: Path
) -> None:
    pid, v = account["patient"][0], account["visits"]
    svc = service(engine, tmp_path)
    receipt, _ = svc.pay(pid, "60", "cash", visits=[v[9]])
    assert [(e, a) for e, _, a in receipt.lines] == [(v[9], D("30.00")), (v[7], D("20.00"))]
    assert receipt.credit == D("10.00") and receipt.balance_after == D("-10.00")
    assert sum(owed(engine, pid).values()) == D("-10.00")
    before = ledger_rows(engine)
    with pytest.raises(PaymentNotPosted, match=r"credit of 10\.00"):
        svc.refund(pid, "10.01", "check", "2001")
    assert ledger_rows(engine) == before
    refund, path = svc.refund(pid, "10", "check", "2001")
    assert refund.balance_after == D("0.00") and "REFUND" in path.read_text()
    assert sum(owed(engine, pid).values()) == D("0.00")


@pytest.mark.parametrize(
    ("amount", "method", "ref", "visits", "words"),
    [
        ("abc", "cash", "", (), "not an amount"),
        ("0", "cash", "", (), "above zero"),
        ("10", "bitcoin", "", (), "not one of"),
        ("10", "check", "", (), "needs its reference"),
        ("10", "cash", "", (999999,), "not on this account"),
    ],
)
def test_bad_input_changes_nothing(
    engine: Engine, account: dict[str, Any], tmp_path: Path,
    amount: str, method: str, ref: str, visits: tuple[int, ...], words: str,
) -> None:  # fmt: skip
    before = ledger_rows(engine)
    with pytest.raises(PaymentNotPosted, match=words):
        service(engine, tmp_path).pay(account["patient"][0], amount, method, ref, visits)
    assert ledger_rows(engine) == before
    assert not (tmp_path / "receipts").exists()
