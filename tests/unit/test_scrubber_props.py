"""Property tests: the scrubber never raises, whatever an encounter holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill_tui.domain.codes import normalize_icd10
from medbill_tui.domain.scrubber import (
    RULES,
    AuthInfo,
    CoverageInfo,
    EncounterForScrub,
    LineInput,
    PatientInfo,
    Severity,
    field_sort_key,
    scrub,
)
from tests.unit.test_scrubber_support import BOOK

KNOWN_PROCEDURES = sorted(BOOK.procedures)
PROCEDURES = st.one_of(
    st.sampled_from([*KNOWN_PROCEDURES, "93010", "97110", "99211", "J3490", "", " 99213 "]),
    st.text(max_size=8),
    st.from_regex(r"[0-9A-Z]{4,6}", fullmatch=True),
)
DIAGNOSES = st.one_of(
    st.sampled_from([*BOOK.icd, "E119", "e11", "Z99.99", "", "E11."]),
    st.text(max_size=9),
    st.from_regex(r"[A-Z][0-9][0-9A-Z]\.?[0-9A-Z]{0,5}", fullmatch=True),
)
MODIFIERS = st.one_of(
    st.sampled_from(["25", "59", "76", "91", "XU", "GP", "LT", "RT", "ZZ", "", " "]),
    st.text(max_size=4),
)
AMOUNTS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal(0), Decimal(-1), Decimal("0.001"), Decimal("1E+40")]),
)
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
OPT_DATES = st.none() | DATES
TEXT = st.text(max_size=12)

lines = st.builds(
    LineInput,
    code=PROCEDURES,
    modifiers=st.lists(MODIFIERS, max_size=6).map(tuple),
    units=AMOUNTS,
    charge=AMOUNTS,
    pointers=st.lists(st.integers(-3, 16) | st.integers(), max_size=6).map(tuple),
)
coverages = st.builds(
    CoverageInfo,
    payer_name=TEXT,
    member_id=TEXT,
    effective_from=DATES,
    effective_to=OPT_DATES,
    timely_filing_days=st.integers(-10, 400) | st.integers(),
    auth_required_codes=st.frozensets(PROCEDURES, max_size=4),
)
auths = st.builds(
    AuthInfo,
    number=st.none() | TEXT,
    status=st.sampled_from(["approved", "pending", "denied", "Approved", "", "?"]),
    codes=st.frozensets(PROCEDURES, max_size=4),
    start=OPT_DATES,
    end=OPT_DATES,
    visits_allowed=st.none() | st.integers(-2, 30),
    visits_used=st.integers(-2, 40),
)
patients = st.builds(
    PatientInfo,
    first_name=TEXT,
    last_name=TEXT,
    dob=OPT_DATES,
    sex=st.sampled_from(["M", "F", "U", "", "x"]) | TEXT,
    address1=TEXT,
    city=TEXT,
    state=st.sampled_from(["OH", "oh", "", "Ohio"]) | TEXT,
    zip=st.sampled_from(["43215", "43215-1234", ""]) | TEXT,
)
encounters = st.builds(
    EncounterForScrub,
    today=DATES,
    dos=OPT_DATES,
    pos=st.sampled_from(["11", "02", "99", ""]) | TEXT,
    patient=patients,
    coverage=st.none() | coverages,
    provider_npi=st.sampled_from(["1234567893", "1234567890", ""]) | TEXT,
    billing_npi=st.sampled_from(["1234567893", ""]) | TEXT,
    authorization=st.none() | auths,
    diagnoses=st.lists(DIAGNOSES, max_size=15).map(tuple),
    lines=st.lists(lines, max_size=60).map(tuple),
    other_lines_same_day=st.lists(
        st.tuples(PROCEDURES, st.lists(MODIFIERS, max_size=3).map(tuple)), max_size=4
    ).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(encounters)
def test_scrub_never_raises_and_reports_known_rules(enc: EncounterForScrub) -> None:
    findings = scrub(enc, BOOK)
    for finding in findings:
        assert finding.rule_id in RULES
        assert isinstance(finding.severity, Severity)
        assert finding.field
        assert isinstance(finding.message, str) and finding.message.strip()
    fields = [finding.field for finding in findings]
    assert fields == sorted(fields, key=field_sort_key)


@given(DIAGNOSES)
def test_icd_normalisation_is_idempotent(raw: str) -> None:
    code = normalize_icd10(raw)
    if code is not None:
        assert normalize_icd10(code) == code
        assert normalize_icd10(code.replace(".", "")) == code
