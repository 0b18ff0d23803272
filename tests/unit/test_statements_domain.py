"""The dunning cycle and the statement text (pure functions, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from medbill_tui.domain.statement_text import render_statement
from medbill_tui.domain.statements import decide, file_name, pay_by
from medbill_tui.domain.us_format import us_date
from medbill_tui.records.statements import (
    Action,
    CycleState,
    Decision,
    DunningPolicy,
    PracticeInfo,
    StatementAccount,
    Step,
    VisitLine,
)

POLICY = DunningPolicy(reminder_days=30, final_days=20, collections_days=10)
START = date(2026, 1, 5)


def account(
    balance: str, cycle: CycleState | None = None, hold: str | None = None
) -> StatementAccount:
    return StatementAccount(7, "G0007", "Rosa Diaz", "12 Elm St", "Springfield", "IL",
                            "627011234", Decimal(balance), hold, cycle or CycleState())  # fmt: skip


def simulate(balances: dict[date, str], days: int) -> list[tuple[date, Decision]]:
    """Run the cycle once a day for `days` days; `balances` changes the balance from a date
    on. Records what a run would record (sent steps, collections confirmed at once, closes)."""
    cycle = CycleState()
    balance = "0.00"
    log: list[tuple[date, Decision]] = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        balance = balances.get(day, balance)
        decision = decide(account(balance, cycle), POLICY, day)
        if decision is None:
            continue
        log.append((day, decision))
        if decision.action in (Action.SEND, Action.PROPOSE, Action.CLOSE):
            assert decision.step is not None
            cycle = CycleState(decision.cycle_no, decision.step, day)
    return log


def test_cycle_over_simulated_days_sends_each_step_once_at_its_day() -> None:
    log = simulate({START: "80.00"}, 100)
    sent = [(day, d.step) for day, d in log if d.action is Action.SEND]
    assert sent == [
        (START, Step.FIRST),
        (START + timedelta(days=30), Step.REMINDER),
        (START + timedelta(days=50), Step.FINAL),
    ]
    proposed = [day for day, d in log if d.action is Action.PROPOSE]
    assert proposed == [START + timedelta(days=60)]
    waits = {d.reason for _, d in log if d.action is Action.WAIT}
    assert f"reminder due {START + timedelta(days=30)}" in waits
    after = [d for day, d in log if day > START + timedelta(days=60)]
    assert after and all(d.action is Action.SKIP and "collections" in d.reason for d in after)


def test_paying_closes_the_cycle_and_a_new_balance_starts_a_new_one() -> None:
    paid_on = START + timedelta(days=35)
    again = START + timedelta(days=40)
    log = simulate({START: "80.00", paid_on: "0.00", again: "25.00"}, 45)
    closes = [(day, d) for day, d in log if d.action is Action.CLOSE]
    assert [(day, d.cycle_no, d.reason) for day, d in closes] == [(paid_on, 1, "paid in full")]
    firsts = [(day, d.cycle_no) for day, d in log if d.step is Step.FIRST]
    assert firsts == [(START, 1), (again, 2)]
    assert not [d for day, d in log if paid_on < day < again]  # nothing to say in between


def test_a_rerun_on_the_same_day_sends_nothing_more() -> None:
    first = decide(account("80.00"), POLICY, START)
    assert first is not None and first.action is Action.SEND
    again = decide(account("80.00", CycleState(1, Step.FIRST, START)), POLICY, START)
    assert again == Decision(Action.WAIT, None, 1, f"reminder due {date(2026, 2, 4)}",
                             date(2026, 2, 4))  # fmt: skip


def test_minimum_amount_and_hold_and_credit_are_skipped_with_reasons() -> None:
    small = decide(account("4.99"), POLICY, START)
    assert small is not None and small.action is Action.SKIP and "minimum" in small.reason
    exact = decide(account("5.00"), POLICY, START)
    assert exact is not None and exact.action is Action.SEND
    held = decide(account("90.00", hold="G0007 (disputes the bill)"), POLICY, START)
    assert held is not None and held.action is Action.SKIP
    assert held.reason == "on statement hold: G0007 (disputes the bill)"
    mid_cycle_hold = decide(account("90.00", CycleState(1, Step.FIRST, START), "G0007"),
                            POLICY, START + timedelta(days=90))  # fmt: skip
    assert mid_cycle_hold is not None and mid_cycle_hold.action is Action.SKIP
    credit = decide(account("-12.50"), POLICY, START)
    assert (
        credit is not None
        and credit.action is Action.SKIP
        and "credit balance 12.50" in credit.reason
    )
    assert decide(account("0.00"), POLICY, START) is None


def test_zero_minimum_still_needs_a_positive_balance() -> None:
    policy = replace(POLICY, minimum=Decimal("0.00"))
    cents = decide(account("0.01"), policy, START)
    assert cents is not None and cents.action is Action.SEND
    assert decide(account("0.00"), policy, START) is None


PRACTICE = PracticeInfo("Maple Street Family Medicine and Associates of Springfield Valley",
                        "400 Maple St", "Springfield", "IL", "627011932",
                        "2175550142")  # fmt: skip


def visit(patient: str, account_no: str, dos: date, due: str, **kw: str) -> VisitLine:
    amounts = {"charges": "150.00", "insurance_paid": "90.00", "adjusted": "20.00",
               "patient_paid": "0.00", "insurance_pending": "0.00"} | kw  # fmt: skip
    money = {key: Decimal(value) for key, value in amounts.items()}
    return VisitLine(patient_id=1, patient_account=account_no, patient_name=patient,
                     encounter_id=1, dos=dos, provider="A. Lee", due=Decimal(due),
                     **money)  # fmt: skip


@pytest.mark.parametrize("step", [Step.FIRST, Step.REMINDER, Step.FINAL])
def test_statement_for_a_guarantor_with_several_patients_fits_80_columns(step: Step) -> None:
    visits = [
        visit("Rosa Diaz", "G0007", date(2025, 12, 1), "40.00"),
        visit("Luis Diaz", "G0008", date(2025, 11, 3), "30.00", patient_paid="10.00"),
        visit("Luis Diaz", "G0008", date(2025, 12, 9), "1234567.89", charges="1234577.89",
              insurance_paid="0.00", adjusted="0.00", insurance_pending="10.00"),
    ]  # fmt: skip
    total = sum((v.due for v in visits), Decimal("0.00"))
    text = render_statement(PRACTICE, account(str(total)), step, START, visits, POLICY)
    lines = text.splitlines()
    assert text.endswith("\n") and max(len(line) for line in lines) <= 80
    assert lines.index("Patient: Rosa Diaz (account G0007)") < lines.index(
        "Patient: Luis Diaz (account G0008)"
    )
    assert "you paid 10.00" in text and "insurance still owes 10.00" in text
    assert "AMOUNT DUE: $1,234,637.89" in text
    totals = next(line for line in lines if line.startswith("Totals"))
    assert totals.split()[-1] == "1234637.89"  # no separators once it fills the column
    assert f"PLEASE PAY BY: {us_date(pay_by(step, START, POLICY))}" in text
    assert "12/09/2025  A. Lee" in text and "Springfield, IL 62701-1932" in text
    assert "Billing office: (217) 555-0142" in text and text.count("(217) 555-0142") == 2
    assert ("FINAL NOTICE" in text) is (step is Step.FINAL)
    assert ("collection agency" in text) is (step is Step.FINAL)


def test_a_statement_of_visits_billed_directly_says_nothing_of_insurance() -> None:
    direct = replace(
        visit(
            "Rosa Diaz",
            "G0007",
            date(2025, 12, 1),
            "150.00",
            insurance_paid="0.00",
            adjusted="0.00",
        ),
        billed_direct=True,
    )
    text = render_statement(PRACTICE, account("150.00"), Step.FIRST, START, [direct], POLICY)
    assert "insurance" not in text.lower() and "ins. paid" not in text.lower()
    assert "billed to you directly" in text and "AMOUNT DUE: $150.00" in text
    insured = visit("Luis Diaz", "G0008", date(2025, 11, 3), "30.00")
    mixed = render_statement(
        PRACTICE, account("180.00"), Step.FIRST, START, [direct, insured], POLICY
    )
    assert "Ins. paid" in mixed and "billed to you directly" in mixed


def test_file_names_are_safe() -> None:
    assert file_name("A/12 3", Step.REMINDER) == "A_12_3_reminder.txt"
    assert file_name("G0007", Step.FIRST) == "G0007_first.txt"
