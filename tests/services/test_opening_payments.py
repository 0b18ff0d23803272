"""`balances pay` when one original claim was brought in as balances on more than one date:
the check must not land on whichever visit the database happens to return first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from medbill_tui.services.opening_balances import OpeningBalanceService
from medbill_tui.services.opening_payments import OpeningPaymentNotPosted, OpeningPaymentService
from tests.cli.test_practice_setup_cli import set_up

TWO_DATES = """account,date_of_service,responsibility,amount,original_claim_no
R1002,2026-08-01,62318,100.00,OLD-77
R1002,2026-08-02,62318,50.00,OLD-77
"""


def owed_by_date(engine: Engine) -> dict[str, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT e.dos, sum(le.amount) AS owed FROM ledger_entry le
                    JOIN encounter e ON e.id = le.encounter_id
                    JOIN patient p ON p.id = e.patient_id
                    WHERE p.account_no = 'R1002' AND e.dos < '2026-09-01' GROUP BY e.dos""")
        ).all()
    return {r.dos.isoformat(): r.owed for r in rows}


def test_a_check_for_a_claim_on_two_dates_needs_the_date(engine: Engine) -> None:
    set_up(engine)
    balances = OpeningBalanceService(engine, "tester", "supervisor")
    plan = balances.check(TWO_DATES, date(2026, 12, 1))
    balances.post(plan, "two-dates.csv")
    payments = OpeningPaymentService(engine, "tester")
    args = ("R1002", "OLD-77", "62318", Decimal("50.00"), Decimal("0.00"), "CHK77")
    with pytest.raises(OpeningPaymentNotPosted, match=r"on 2026-08-01, 2026-08-02: give the date"):
        payments.pay(*args, date(2026, 12, 1))
    assert owed_by_date(engine) == {"2026-08-01": Decimal("100.00"), "2026-08-02": Decimal("50.00")}
    left = payments.pay(*args, date(2026, 12, 1), service_date=date(2026, 8, 2))
    assert left == Decimal("0.00")
    assert owed_by_date(engine) == {"2026-08-01": Decimal("100.00"), "2026-08-02": Decimal("0.00")}
    # the service refuses amounts the command line would (zero, negative, not a number)
    for paid, adjusted in (("0", "0"), ("-5", "0"), ("5", "-1"), ("NaN", "0")):
        bad = (*args[:3], Decimal(paid), Decimal(adjusted), "CHK78")
        with pytest.raises(OpeningPaymentNotPosted, match=r"more than 0\.00"):
            payments.pay(*bad, date(2026, 12, 1), service_date=date(2026, 8, 1))
    assert owed_by_date(engine)["2026-08-01"] == Decimal("100.00")
