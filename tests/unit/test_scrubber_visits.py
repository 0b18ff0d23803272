"""Scrubber rules about the patient's day: a visit with a procedure, two visits, MUE units,
and NCCI edits by date of service."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from medbill_tui.domain.ncci import NcciPair
from medbill_tui.domain.scrubber import Finding, Severity, scrub
from tests.unit.test_scrubber_support import BOOK, enc, line


def found(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.field) for f in findings]


def test_visit_with_joint_injection_needs_25() -> None:
    """The review's miss: 99214 + 20610 without 25."""
    findings = scrub(enc(lines=(line("99214"), line("20610"))), BOOK)
    assert found(findings) == [("EM-PROC-25", "line.1.modifier.1")]
    assert "20610 (line 2)" in findings[0].message and "Add 25 to line 1" in findings[0].message
    assert scrub(enc(lines=(line("99214", "25"), line("20610"))), BOOK) == ()


def test_visit_with_procedure_in_another_encounter_that_day() -> None:
    findings = scrub(enc(lines=(line("99213"),), other_lines_same_day=(("20610", ("RT",)),)), BOOK)
    assert found(findings) == [("EM-PROC-25", "line.1.modifier.1")]
    assert "another encounter that day" in findings[0].message


def test_blood_draw_and_labs_need_no_25() -> None:
    assert scrub(enc(lines=(line("99213"), line("36415"), line("83036"))), BOOK) == ()


def test_second_visit_same_day() -> None:
    findings = scrub(enc(lines=(line("99213"), line("99212"))), BOOK)
    assert found(findings) == [("EM-TWICE", "line.2.code")]
    assert "99213 is already billed (line 1)" in findings[0].message
    elsewhere = scrub(enc(lines=(line("99213"),), other_lines_same_day=(("99214", ()),)), BOOK)
    assert found(elsewhere) == [("EM-TWICE", "line.1.code")]
    assert "another encounter that day" in elsewhere[0].message


def test_preventive_and_problem_visit_with_25_is_allowed() -> None:
    both = (line("G0439", charge="180.00"), line("99213", "25"))
    assert scrub(enc(lines=both), BOOK) == ()
    without_25 = scrub(enc(lines=(line("G0439"), line("99213"))), BOOK)
    assert found(without_25) == [("EM-TWICE", "line.2.code")]
    assert "add modifier 25 to the problem visit (99213)" in without_25[0].message


def test_units_over_a_line_edit() -> None:
    findings = scrub(enc(lines=(line("99213", "25"), line("20610", "RT", units="3"))), BOOK)
    assert found(findings) == [("MUE", "line.2.units")]
    assert "limit is 2 per line" in findings[0].message
    split = (line("99213", "25"), line("20610", "RT", units="2"), line("20610", "LT"))
    assert scrub(enc(lines=split), BOOK) == ()


def test_units_over_a_day_edit_count_other_encounters() -> None:
    policy = scrub(enc(lines=(line("93000"),), other_units_same_day=(("93000", Decimal(1)),)), BOOK)
    assert [(f.rule_id, f.severity) for f in policy] == [("MUE", Severity.ERROR)]
    assert "2 units of 93000" in policy[0].message and "per day" in policy[0].message
    clinical = scrub(enc(lines=(line("36415", units="3"),)), BOOK)
    assert [(f.rule_id, f.severity) for f in clinical] == [("MUE", Severity.WARNING)]
    assert scrub(enc(lines=(line("36415", units="2"),)), BOOK) == ()


def test_ncci_edit_applies_by_date_of_service() -> None:
    ended = NcciPair("93000", "93010", "0", "ended", date(2020, 1, 1), date(2026, 6, 30))
    book = replace(BOOK, ncci={"93010": (ended,)})
    both = (line("93000"), line("93010"))
    assert found(scrub(enc(lines=both, dos=date(2026, 6, 30)), book)) == [
        ("NCCI-PAIR", "line.2.code")
    ]
    assert scrub(enc(lines=both, dos=date(2026, 7, 1)), book) == ()
    future = NcciPair("93000", "93010", "0", "", date(2026, 12, 1), None)
    assert scrub(enc(lines=both), replace(BOOK, ncci={"93010": (future,)})) == ()
    withdrawn = NcciPair("93000", "93010", "9", "", date(2020, 1, 1), None)
    assert scrub(enc(lines=both), replace(BOOK, ncci={"93010": (withdrawn,)})) == ()
