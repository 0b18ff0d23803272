"""Applying a patient payment to visits: oldest first, chosen first, credits, amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill_tui.domain.patient_payments import (
    PaymentRefused,
    VisitOwed,
    allocate,
    parse_amount,
    receipt_text,
)
from medbill_tui.records.payments import Receipt

D = Decimal
VISITS = [
    VisitOwed(3, date(2026, 9, 1), D("30.00")),
    VisitOwed(1, date(2026, 7, 1), D("20.00")),
    VisitOwed(2, date(2026, 8, 1), D("0.00")),
    VisitOwed(4, date(2026, 10, 1), D("-5.00")),
]


def test_oldest_first_to_the_cent() -> None:
    got = allocate(D("35.00"), VISITS)
    assert got.applied == ((1, D("20.00")), (3, D("15.00")))
    assert got.credit == 0 and got.credit_encounter_id is None


def test_chosen_visits_first_then_oldest() -> None:
    got = allocate(D("25.00"), VISITS, chosen=[3])
    assert got.applied == ((3, D("25.00")),)
    got = allocate(D("45.00"), VISITS, chosen=[3])
    assert got.applied == ((3, D("30.00")), (1, D("15.00")))


def test_more_than_owed_leaves_a_credit_on_the_newest_visit() -> None:
    got = allocate(D("60.00"), VISITS)
    assert got.applied == ((1, D("20.00")), (3, D("30.00")))
    assert got.credit == D("10.00") and got.credit_encounter_id == 4


def test_unknown_visit_and_bad_amounts_are_refused() -> None:
    with pytest.raises(PaymentRefused, match="not on this account"):
        allocate(D("5"), VISITS, chosen=[99])
    for bad in ("", "abc", "0", "-5", "1.005", "NaN", "Infinity"):
        with pytest.raises(PaymentRefused):
            parse_amount(bad)
    assert parse_amount("$1,234.5") == D("1234.50")


@given(
    st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2),
    st.lists(st.decimals(min_value=D("-50"), max_value=D("500"), places=2), max_size=6),
)
def test_every_cent_goes_somewhere_once(amount: Decimal, owed: list[Decimal]) -> None:
    visits = [VisitOwed(i + 1, date(2026, 1, 1 + i), o) for i, o in enumerate(owed)]
    got = allocate(amount, visits)
    assert sum((a for _, a in got.applied), D(0)) + got.credit == amount
    assert all(a > 0 for _, a in got.applied)
    for encounter_id, applied in got.applied:
        assert applied <= next(v.owed for v in visits if v.encounter_id == encounter_id)


def test_receipt_fits_80_columns() -> None:
    receipt = Receipt(17, "payment", "A000123", "Doe, Jane", date(2026, 11, 2), "check",
                      "1042", D("60.00"), ((1, date(2026, 7, 1), D("20.00")),
                                           (3, date(2026, 9, 1), D("30.00"))),
                      D("10.00"), D("-10.00"))  # fmt: skip
    text = receipt_text(receipt, "Maple Clinic")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "PAYMENT RECEIPT" in text and "check 1042" in text
    assert "Left as a credit on the account" in text and "Credit on the account" in text
