"""The setup forms' rules (pure): a provider, payer or fee schedule row as typed, checked
field by field with the same rules as `practice init` (domain/setup_field_checks.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.domain.fees import MODIFIER_RE, PROCEDURE_RE
from medbill_tui.domain.money import to_money
from medbill_tui.domain.scrub_rules import US_STATES
from medbill_tui.domain.setup_field_checks import (
    CLAIM_FILING_INDICATORS,
    digits,
    npi_problem,
    taxonomy_problem,
    zip_problem,
)
from medbill_tui.records.forms import FieldError
from medbill_tui.records.setup import FeeForm, PayerForm, ProviderForm

_PAYER_CODE = re.compile(r"^[A-Za-z0-9-]{2,80}$")
YES_NO = ("yes", "no")


@dataclass(frozen=True, slots=True)
class CheckedProvider:
    npi: str
    first_name: str
    last_name: str
    taxonomy: str


@dataclass(frozen=True, slots=True)
class CheckedPayer:
    payer_code: str
    name: str
    claim_filing_indicator: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip: str
    paper: bool
    secondary_electronic: bool
    clearinghouse_id: int | None
    timely_filing_days: int
    appeal_days: int
    payment_timer_days: int | None


@dataclass(frozen=True, slots=True)
class CheckedFee:
    payer_id: int | None
    code: str
    modifier: str
    price: Decimal


class _Check:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def text(self, field: str, value: str, max_len: int, label: str, required: bool = True) -> str:
        found = " ".join(value.split())
        if required and not found:
            self.fail(field, f"{label} is required")
        elif len(found) > max_len:
            self.fail(field, f"{label} is longer than {max_len} characters")
        return found

    def problem(self, field: str, problem: str | None) -> None:
        if problem is not None:
            self.fail(field, problem)

    def days(self, field: str, value: str, label: str, required: bool = True) -> int | None:
        text = value.strip()
        if not text:
            if required:
                self.fail(field, f"{label} is required")
            return None
        if not text.isdigit() or not 1 <= int(text) <= 3650:
            self.fail(field, f"{label} must be a whole number of days from 1 to 3650")
            return None
        return int(text)

    def yes_no(self, field: str, value: str, label: str) -> bool:
        if value not in YES_NO:
            self.fail(field, f"{label} is yes or no")
        return value == "yes"


def check_provider(form: ProviderForm) -> tuple[CheckedProvider | None, list[FieldError]]:
    c = _Check()
    npi = c.text("npi", form.npi, 10, "The NPI")
    if npi:
        c.problem("npi", npi_problem(npi, 1))
    first = c.text("first_name", form.first_name, 35, "The first name")
    last = c.text("last_name", form.last_name, 60, "The last name")
    taxonomy = c.text("taxonomy", form.taxonomy, 10, "The taxonomy").upper()
    if taxonomy:
        c.problem("taxonomy", taxonomy_problem(taxonomy))
    if c.errors:
        return None, c.errors
    return CheckedProvider(npi, first, last, taxonomy), []


def check_payer(form: PayerForm) -> tuple[CheckedPayer | None, list[FieldError]]:
    c = _Check()
    code = c.text("payer_code", form.payer_code, 80, "The payer id")
    if code and not _PAYER_CODE.match(code):
        c.fail("payer_code", "a payer id is 2 to 80 letters, digits and -")
    name = c.text("name", form.name, 60, "The name")
    cfi = c.text("claim_filing_indicator", form.claim_filing_indicator, 2, "The filing code")
    cfi = cfi.upper()
    if cfi and cfi not in CLAIM_FILING_INDICATORS:
        c.fail("claim_filing_indicator", f"{cfi!r} is not a claim filing code (CI, MB, MC, BL …)")
    line1 = c.text("address_line1", form.address_line1, 55, "The address", required=False)
    line2 = c.text("address_line2", form.address_line2, 55, "The second line", required=False)
    city = c.text("city", form.city, 30, "The city", required=False)
    state = c.text("state", form.state, 2, "The state", required=False).upper()
    if state and state not in US_STATES:
        c.fail("state", f"{state!r} is not a state")
    zip_code = form.zip.strip()
    if zip_code:
        c.problem("zip", zip_problem(zip_code))
    parts = (("address_line1", line1), ("city", city), ("state", state), ("zip", zip_code))
    if line2 or any(value for _, value in parts):
        for field, value in parts:  # the form shows each under its own (empty) field
            if not value:
                c.fail(field, "an address needs a first line, city, state and ZIP")
    paper = c.yes_no("paper", form.paper, "Paper")
    secondary = c.yes_no("secondary_electronic", form.secondary_electronic, "Secondary by 837")
    house = form.clearinghouse.strip()
    if house and not house.isdigit():
        c.fail("clearinghouse", "choose a clearinghouse from the list")
    timely = c.days("timely_filing_days", form.timely_filing_days, "Timely filing")
    appeal = c.days("appeal_days", form.appeal_days, "Appeal")
    timer = c.days("payment_timer_days", form.payment_timer_days, "Payment timer", False)
    if c.errors or timely is None or appeal is None:
        return None, c.errors
    return (
        CheckedPayer(
            code,
            name,
            cfi,
            line1,
            line2,
            city,
            state,
            digits(zip_code),
            paper,
            secondary,
            int(house) if house else None,
            timely,
            appeal,
            timer,
        ),
        [],
    )


def check_fee(form: FeeForm) -> tuple[CheckedFee | None, list[FieldError]]:
    c = _Check()
    payer = form.payer.strip()
    if payer and not payer.isdigit():
        c.fail("payer", "choose a payer from the list, or the default schedule")
    code = form.code.strip().upper()
    if not code:
        c.fail("code", "The code is required")
    elif not PROCEDURE_RE.match(code):
        c.fail("code", f"{code!r} is not a CPT or HCPCS code")
    modifier = form.modifier.strip().upper()
    if modifier and not MODIFIER_RE.match(modifier):
        c.fail("modifier", "a modifier is two letters or digits")
    price = Decimal(0)
    try:
        price = to_money(form.price)
    except ValueError:
        c.fail("price", f"{form.price.strip() or 'blank'} is not an amount")
    else:
        if price <= 0:
            c.fail("price", "the price must be more than zero")
        elif price >= Decimal("10000000000"):
            c.fail("price", "the price is too large")
    if c.errors:
        return None, c.errors
    return CheckedFee(int(payer) if payer else None, code, modifier, price), []
