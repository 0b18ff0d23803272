"""Claim scrubber: service-line rules (codes, modifiers, units, charges, repeats, bundling)."""

from __future__ import annotations

import pytest

from medbill_tui.domain.scrubber import (
    EncounterForScrub,
    Finding,
    LineInput,
    Severity,
    has_errors,
    scrub,
)
from tests.unit.test_scrubber_support import BOOK, coverage, enc, line, only, rule_ids


def pairs(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.field) for f in findings]


def no_auth(*lines: LineInput) -> EncounterForScrub:
    """The clean encounter with these lines, billed to a payer that needs no authorizations."""
    return enc(lines=lines, coverage=coverage(auth_required_codes=frozenset()))


# --- lines present ---------------------------------------------------------------------------


def test_lines_required() -> None:
    findings = scrub(enc(lines=()), BOOK)
    assert pairs(findings) == [("LINES-REQUIRED", "line.1.code")]


def test_at_most_fifty_lines() -> None:
    fifty = tuple(line("81003", "76") for _ in range(50))
    assert scrub(enc(lines=fifty), BOOK) == ()
    findings = scrub(enc(lines=(*fifty, line("81003", "76"))), BOOK)
    assert pairs(findings) == [("MAX-LINES", "line.51.code")]


# --- procedure codes -------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0001F", "0042T", "0001U", "g0439", " 99213 "])
def test_procedure_formats_accepted(code: str) -> None:
    assert scrub(enc(lines=(line(code),)), BOOK) == ()


@pytest.mark.parametrize(
    ("code", "words"),
    [("", "missing"), ("9921", "not a CPT"), ("992130", "not a CPT"), ("W1234", "not a CPT"),
     ("0001X", "not a CPT"), ("G043", "not a CPT")],
)  # fmt: skip
def test_procedure_format(code: str, words: str) -> None:
    findings = scrub(enc(lines=(line("99213"), line(code))), BOOK)
    assert pairs(findings) == [("PROC-FORMAT", "line.2.code")]
    assert findings[0].message.startswith("Line 2") and words in findings[0].message


def test_procedure_must_exist() -> None:
    findings = scrub(enc(lines=(line("99213"), line("99499"))), BOOK)
    assert pairs(findings) == [("PROC-EXISTS", "line.2.code")]
    assert findings[0].severity is Severity.ERROR and "99499" in findings[0].message


def test_unverified_practice_code_only_warns() -> None:
    findings = scrub(enc(lines=(line("J3490"),)), BOOK)
    assert pairs(findings) == [("PROC-EXISTS", "line.1.code")]
    assert findings[0].severity is Severity.WARNING and "verified" in findings[0].message
    assert not has_errors(findings)


# --- modifiers -------------------------------------------------------------------------------


def test_modifiers_accepted_in_any_case_and_blank_boxes_ignored() -> None:
    assert scrub(enc(lines=(line("20610", "rt", "", " 59 "),)), BOOK) == ()


@pytest.mark.parametrize(
    ("mods", "field", "words"),
    [
        (("2",), "line.1.modifier.1", "not a modifier"),
        (("25X",), "line.1.modifier.1", "not a modifier"),
        (("LT", "Z9"), "line.1.modifier.2", "not a known modifier"),
        (("LT", "", "lt"), "line.1.modifier.3", "already modifier 1"),
        (("25", "59", "LT", "RT", "XS"), "line.1.modifier.5", "at most 4"),
    ],
)
def test_modifiers_invalid(mods: tuple[str, ...], field: str, words: str) -> None:
    findings = scrub(enc(lines=(line("20610", *mods),)), BOOK)
    assert pairs(findings) == [("MOD-VALID", field)]
    assert findings[0].message.startswith("Line 1") and words in findings[0].message


# --- units and charge ------------------------------------------------------------------------


@pytest.mark.parametrize("units", ["0", "-1", "NaN", "-Infinity"])
def test_units_must_be_positive(units: str) -> None:
    findings = scrub(no_auth(line("99213"), line("97110", "GP", units=units)), BOOK)
    assert ("UNITS-POSITIVE", "line.2.units") in pairs(findings)


def test_units_fractional_is_fine() -> None:
    assert scrub(enc(lines=(line("99213", units="0.5"),)), BOOK) == ()


@pytest.mark.parametrize(
    ("charge", "words"), [("0", "more than"), ("-5.00", "more than"), ("NaN", "more than"),
                          ("12.345", "fractions of a cent")],
)  # fmt: skip
def test_charge_must_be_positive_cents(charge: str, words: str) -> None:
    findings = scrub(enc(lines=(line("99213", charge=charge),)), BOOK)
    assert pairs(findings) == [("CHARGE-POSITIVE", "line.1.charge")]
    assert words in findings[0].message


@pytest.mark.parametrize("charge", ["12.3400", "1E+3", "0.01"])
def test_charge_in_cents_is_fine(charge: str) -> None:
    assert scrub(enc(lines=(line("99213", charge=charge),)), BOOK) == ()


# --- repeated lines --------------------------------------------------------------------------


def test_duplicate_line_in_encounter_warns() -> None:
    findings = scrub(enc(lines=(line("36415"), line("83036"), line("36415"))), BOOK)
    assert pairs(findings) == [("DUP-LINE", "line.3.code")]
    assert findings[0].severity is Severity.WARNING
    assert "Line 3 repeats line 1" in findings[0].message and "76" in findings[0].message


def test_duplicate_line_modifier_order_does_not_matter() -> None:
    findings = scrub(enc(lines=(line("20610", "LT", "GA"), line("20610", "GA", "LT"))), BOOK)
    assert rule_ids(findings) == {"DUP-LINE"}


@pytest.mark.parametrize("mod", ["76", "77", "91", "59", "XE", "XS", "XP", "XU"])
def test_repeat_modifier_clears_duplicate(mod: str) -> None:
    assert scrub(enc(lines=(line("83036"), line("83036", mod))), BOOK) == ()


def test_different_modifiers_are_not_duplicates() -> None:
    assert scrub(enc(lines=(line("20610", "LT"), line("20610", "RT"))), BOOK) == ()


def test_duplicate_of_line_billed_elsewhere_that_day() -> None:
    findings = scrub(enc(other_lines_same_day=(("36415", ()),)), BOOK)
    assert pairs(findings) == [("DUP-LINE", "line.3.code")]
    assert "another encounter" in findings[0].message and "10/20/2026" in findings[0].message
    assert scrub(enc(other_lines_same_day=(("36415", ("91",)), ("93000", ()))), BOOK) == ()


# --- bundled pairs ---------------------------------------------------------------------------


def test_pair_never_billable_together_even_with_59() -> None:
    findings = scrub(enc(lines=(line("93000"), line("93010", "59"))), BOOK)
    assert pairs(findings) == [("NCCI-PAIR", "line.2.code")]
    assert "never billable together" in findings[0].message
    assert "Remove line 2" in findings[0].message


def test_pair_with_modifier_allowed_needs_one() -> None:
    findings = scrub(no_auth(line("97530", "GP"), line("97110", "GP")), BOOK)
    assert pairs(findings) == [("NCCI-PAIR", "line.2.code")]
    assert findings[0].severity is Severity.ERROR
    assert "59" in findings[0].message and "97530 (line 1)" in findings[0].message


@pytest.mark.parametrize("mod", ["59", "XE", "XS", "XP", "XU"])
def test_distinct_service_modifier_clears_pair(mod: str) -> None:
    assert scrub(no_auth(line("97530", "GP"), line("97110", "GP", mod)), BOOK) == ()


def test_visit_with_25_clears_e_m_pair() -> None:
    findings = scrub(enc(lines=(line("96372"), line("99211"))), BOOK)
    assert pairs(findings) == [("NCCI-PAIR", "line.2.code")]
    assert "25" in findings[0].message
    assert scrub(enc(lines=(line("96372"), line("99211", "25"))), BOOK) == ()


def test_pair_with_column_one_billed_elsewhere_that_day() -> None:
    findings = scrub(enc(lines=(line("93010"),), other_lines_same_day=(("93000", ()),)), BOOK)
    assert pairs(findings) == [("NCCI-PAIR", "line.1.code")]
    assert "another encounter" in findings[0].message


def test_column_one_alone_is_fine() -> None:
    assert only(scrub(enc(lines=(line("93000"), line("99213"))), BOOK), "NCCI-PAIR") == []
