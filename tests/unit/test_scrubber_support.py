"""Builders shared by the scrubber tests: a clean encounter and a small in-memory CodeBook."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from medbill_tui.db.shipped_data import mue_limits, ncci_by_column2, standard_modifiers
from medbill_tui.domain.codes import IcdCode, InMemoryCodeBook, ProcedureInfo
from medbill_tui.domain.npi import npi_with_check_digit
from medbill_tui.domain.scrubber import (
    CoverageInfo,
    EncounterForScrub,
    Finding,
    LineInput,
    PatientInfo,
)

TODAY = date(2026, 11, 2)
BILLING_NPI = npi_with_check_digit("198765432")

_ICD = {
    "E11.9": ("Type 2 diabetes mellitus without complications", True),
    "E11": ("Type 2 diabetes mellitus", False),
    "I10": ("Essential (primary) hypertension", True),
    "Z00.00": ("General adult exam without abnormal findings", True),
    "J02.9": ("Acute pharyngitis, unspecified", True),
    "M54.50": ("Low back pain, unspecified", True),
    "S52.5": ("Fracture of lower end of radius", False),
    "R05.1": ("Acute cough", True),
    "E78.5": ("Hyperlipidemia, unspecified", True),
    "Z23": ("Encounter for immunization", True),
    "F41.1": ("Generalized anxiety disorder", True),
    "K21.9": ("Reflux disease without esophagitis", True),
    "N39.0": ("Urinary tract infection, site not specified", True),
    "R51.9": ("Headache, unspecified", True),
}
_CPT = (
    "99211 99212 99213 99214 36415 36416 83036 93000 93005 93010 97110 97530 20610 20611 "
    "96372 81002 81003 90471 0001F 0042T 0001U"
)
BOOK = InMemoryCodeBook(
    icd={code: IcdCode(code, text, billable) for code, (text, billable) in _ICD.items()},
    procedures={code: ProcedureInfo(code, "CPT", f"CPT {code}") for code in _CPT.split()}
    | {
        "G0439": ProcedureInfo("G0439", "HCPCS", "Annual wellness visit"),
        "J3490": ProcedureInfo("J3490", "HCPCS", "Unclassified drug", verified=False),
    },
    places={"11": "Office", "02": "Telehealth", "10": "Telehealth in patient's home"},
    modifiers=standard_modifiers(),
    ncci=ncci_by_column2(),
    mue={limit.code: limit for limit in mue_limits()},
)

PATIENT = PatientInfo(
    first_name="Ann",
    last_name="Lee",
    dob=date(1970, 5, 17),
    sex="F",
    address1="12 Elm St",
    city="Columbus",
    state="OH",
    zip="43215",
)
COVERAGE = CoverageInfo(
    payer_name="Buckeye Health",
    member_id="W123456789",
    effective_from=date(2026, 1, 1),
    effective_to=None,
    timely_filing_days=365,
    auth_required_codes=frozenset({"97110", "97530"}),
)


def line(
    code: str,
    *modifiers: str,
    units: str = "1",
    charge: str = "25.00",
    pointers: tuple[int, ...] = (1,),
) -> LineInput:
    """A service line with sensible defaults."""
    return LineInput(code, modifiers, Decimal(units), Decimal(charge), pointers)


CLEAN = EncounterForScrub(
    today=TODAY,
    dos=date(2026, 10, 20),
    pos="11",
    patient=PATIENT,
    coverage=COVERAGE,
    provider_npi="1234567893",
    billing_npi=BILLING_NPI,
    authorization=None,
    diagnoses=("E11.9", "I10"),
    lines=(
        line("99213", charge="120.00", pointers=(1, 2)),
        line("83036", charge="30.00"),
        line("36415", charge="12.00"),
    ),
)


def enc(**changes: Any) -> EncounterForScrub:
    """The clean encounter with some fields replaced."""
    return replace(CLEAN, **changes)


def patient(**changes: Any) -> PatientInfo:
    """The clean patient with some fields replaced."""
    return replace(PATIENT, **changes)


def coverage(**changes: Any) -> CoverageInfo:
    """The clean coverage with some fields replaced."""
    return replace(COVERAGE, **changes)


def only(findings: tuple[Finding, ...], rule_id: str) -> list[Finding]:
    """The findings of one rule."""
    return [finding for finding in findings if finding.rule_id == rule_id]


def rule_ids(findings: tuple[Finding, ...]) -> set[str]:
    """The distinct rule ids among findings."""
    return {finding.rule_id for finding in findings}
