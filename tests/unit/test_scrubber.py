"""Claim scrubber: registry, ordering, and the encounter-level and diagnosis rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from medbill_tui.db.shipped_data import ncci_pairs, standard_modifiers
from medbill_tui.domain.codes import normalize_icd10, procedure_code_set
from medbill_tui.domain.scrubber import (
    RULES,
    AuthInfo,
    Finding,
    Severity,
    field_sort_key,
    has_errors,
    scrub,
)
from tests.unit.test_scrubber_support import (
    BOOK,
    CLEAN,
    TODAY,
    coverage,
    enc,
    line,
    only,
    patient,
    rule_ids,
)

# --- registry, clean encounter, ordering -------------------------------------------------------


def test_clean_encounter_has_no_findings() -> None:
    assert scrub(CLEAN, BOOK) == ()
    assert not has_errors(())


def test_registry_lists_every_rule_with_a_description() -> None:
    expected = {
        "REQ-NAME",
        "REQ-DOB",
        "REQ-SEX",
        "REQ-ADDRESS",
        "REQ-MEMBER-ID",
        "REQ-NPI",
        "NPI-CHECK",
        "REQ-DOS",
        "DOS-FUTURE",
        "DOS-COVERAGE",
        "ELIG-INACTIVE",
        "ELIG-UNVERIFIED",
        "TIMELY-FILING",
        "POS-VALID",
        "AUTH-MISSING",
        "AUTH-EXHAUSTED",
        "DX-REQUIRED",
        "ICD-FORMAT",
        "ICD-EXISTS",
        "ICD-BILLABLE",
        "DX-DUPLICATE",
        "MAX-DX",
        "LINES-REQUIRED",
        "PROC-FORMAT",
        "PROC-EXISTS",
        "DUP-LINE",
        "NCCI-PAIR",
        "EM-PROC-25",
        "EM-TWICE",
        "MUE",
        "MOD-VALID",
        "UNITS-POSITIVE",
        "CHARGE-POSITIVE",
        "DX-POINTER",
        "MAX-POINTERS",
        "MAX-LINES",
    }
    assert set(RULES) == expected
    for rule_id, rule in RULES.items():
        assert rule.rule_id == rule_id
        assert rule.description and "\n" not in rule.description


def test_findings_come_in_screen_order() -> None:
    messy = enc(
        patient=patient(dob=None),
        diagnoses=("E11", "I10", "X", "I10", "E11.9", "E11.9", "E11.9", "E11.9", "E11.9", "E11.9"),
        lines=(line("99999", "ZZ", units="0", charge="0", pointers=()), line("9")),
        pos="",
    )
    findings = scrub(messy, BOOK)
    fields = [finding.field for finding in findings]
    assert fields == sorted(fields, key=field_sort_key)
    assert fields.index("patient.dob") < fields.index("pos") < fields.index("dx.1")
    assert fields.index("dx.3") < fields.index("dx.10") < fields.index("line.1.code")
    assert fields.index("line.1.modifier.1") < fields.index("line.1.units")
    assert fields.index("line.1.charge") < fields.index("line.1.pointers")
    assert fields.index("line.1.pointers") < fields.index("line.2.code")


def test_field_sort_key_orders_lines_numerically() -> None:
    paths = ["line.10.code", "line.2.modifier.2", "line.2.modifier.1", "dx.12", "dx.2", "auth"]
    assert sorted(paths, key=field_sort_key) == [
        "auth",
        "dx.2",
        "dx.12",
        "line.2.modifier.1",
        "line.2.modifier.2",
        "line.10.code",
    ]
    assert field_sort_key("something.else") > field_sort_key("line.99.pointers")


def test_has_errors_ignores_warnings() -> None:
    warn = Finding("DUP-LINE", Severity.WARNING, "line.2.code", "repeat")
    err = Finding("DOS-FUTURE", Severity.ERROR, "dos", "future")
    assert not has_errors([warn])
    assert has_errors([warn, err])


def test_skip_leaves_out_rules() -> None:
    bad = enc(pos="99")
    assert rule_ids(scrub(bad, BOOK)) == {"POS-VALID"}
    assert scrub(bad, BOOK, skip={"POS-VALID"}) == ()


MUST_HAVE_MODIFIERS = (
    "25 59 XE XS XP XU 26 TC 50 LT RT 51 76 77 91 95 GT GA GY GZ GP GO GN KX QW 24 57 58 78 79 "
    "80 82 AS E1 E4 F1 F9 FA TA T1 T9 22 52 53 33 CR CS FQ FR 93 KO"
)


def test_shipped_data_files_are_well_formed() -> None:
    pairs = ncci_pairs()
    assert len(pairs) >= 15
    for pair in pairs:
        assert procedure_code_set(pair.column1) and procedure_code_set(pair.column2)
        assert pair.column1 != pair.column2 and pair.note
    modifiers = standard_modifiers()
    assert len(modifiers) >= 60
    for must in MUST_HAVE_MODIFIERS.split():
        assert modifiers[must]


# --- patient ---------------------------------------------------------------------------------


def test_patient_name_required() -> None:
    findings = scrub(enc(patient=patient(first_name=" ", last_name="")), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("REQ-NAME", "patient.name")]
    assert "first and last name" in findings[0].message


@pytest.mark.parametrize(
    ("dob", "words"),
    [(None, "missing"), (TODAY + timedelta(days=1), "future"), (date(2026, 10, 21), "after")],
)
def test_dob_required_and_sensible(dob: date | None, words: str) -> None:
    findings = scrub(enc(patient=patient(dob=dob)), BOOK)
    assert [(f.rule_id, f.field, f.severity) for f in findings] == [
        ("REQ-DOB", "patient.dob", Severity.ERROR)
    ]
    assert words in findings[0].message


def test_dob_on_the_date_of_service_is_fine() -> None:
    assert scrub(enc(patient=patient(dob=date(2026, 10, 20))), BOOK) == ()


@pytest.mark.parametrize(
    ("sex", "ok"),
    [("F", True), ("m", True), ("U", True), ("Female", True), ("", False), ("X", False)],
)
def test_sex_code(sex: str, ok: bool) -> None:
    findings = scrub(enc(patient=patient(sex=sex)), BOOK)
    assert rule_ids(findings) == (set() if ok else {"REQ-SEX"})


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"address1": ""}, "no street"),
        ({"city": " "}, "no city"),
        ({"state": ""}, "no state"),
        ({"state": "Ohio"}, "2-letter"),
        ({"state": "ZZ"}, "2-letter"),
        ({"zip": ""}, "no ZIP"),
        ({"zip": "4321"}, "5 or 9 digits"),
        ({"zip": "432151"}, "5 or 9 digits"),
    ],
)
def test_address_incomplete(changes: dict[str, str], words: str) -> None:
    findings = scrub(enc(patient=patient(**changes)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("REQ-ADDRESS", "patient.address")]
    assert words in findings[0].message


@pytest.mark.parametrize("zip_code", ["43215", "43215-1234", "432151234"])
def test_address_complete(zip_code: str) -> None:
    assert scrub(enc(patient=patient(zip=zip_code, state="oh")), BOOK) == ()


# --- coverage, providers ---------------------------------------------------------------------


def test_member_id_required_when_insured() -> None:
    findings = scrub(enc(coverage=coverage(member_id="  ")), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("REQ-MEMBER-ID", "coverage.member_id")]
    assert "Buckeye Health" in findings[0].message


def test_self_pay_skips_coverage_rules() -> None:
    late = enc(coverage=None, dos=date(2020, 1, 1), lines=(line("97110"),))
    assert scrub(late, BOOK) == ()


def test_npis_required() -> None:
    findings = scrub(enc(provider_npi="", billing_npi=" "), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [
        ("REQ-NPI", "provider.npi"),
        ("REQ-NPI", "billing.npi"),
    ]


def test_npi_check_digit() -> None:
    findings = scrub(enc(provider_npi="1234567890", billing_npi="12345"), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [
        ("NPI-CHECK", "provider.npi"),
        ("NPI-CHECK", "billing.npi"),
    ]
    assert "check" in findings[0].message and "1234567890" in findings[0].message
    assert "10 digits" in findings[1].message


# --- dates -----------------------------------------------------------------------------------


def test_dos_required() -> None:
    findings = scrub(enc(dos=None), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("REQ-DOS", "dos")]


def test_dos_not_in_future() -> None:
    assert scrub(enc(dos=TODAY), BOOK) == ()
    findings = scrub(enc(dos=TODAY + timedelta(days=1)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("DOS-FUTURE", "dos")]
    assert "11/03/2026" in findings[0].message


@pytest.mark.parametrize(
    ("dos", "words"), [(date(2025, 12, 31), "before"), (date(2026, 10, 2), "after")]
)
def test_dos_inside_coverage(dos: date, words: str) -> None:
    cov = coverage(effective_to=date(2026, 10, 1))
    findings = scrub(enc(dos=dos, coverage=cov), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("DOS-COVERAGE", "coverage")]
    assert words in findings[0].message


@pytest.mark.parametrize(
    ("answer", "plan_to", "words"),
    [
        ("inactive", None, "inactive"),
        ("rejected", None, "rejected"),
        ("active", date(2026, 6, 30), "plan ended 06/30/2026"),
        ("active", None, ""),
    ],
)
def test_last_eligibility_answer_warns_unless_active_that_day(
    answer: str, plan_to: date | None, words: str
) -> None:
    cov = coverage(eligibility=answer, eligibility_on=date(2026, 7, 1), eligibility_to=plan_to)
    findings = scrub(enc(dos=date(2026, 7, 1), coverage=cov), BOOK)
    if not words:
        assert findings == ()
        return
    assert [(f.rule_id, f.severity.value) for f in findings] == [("ELIG-INACTIVE", "warning")]
    assert words in findings[0].message and "07/01/2026" in findings[0].message


def test_dos_on_coverage_edges_is_fine() -> None:
    cov = coverage(effective_to=date(2026, 10, 1))
    assert scrub(enc(dos=date(2026, 1, 1), coverage=cov), BOOK) == ()
    assert scrub(enc(dos=date(2026, 10, 1), coverage=cov), BOOK) == ()


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [(59, None), (60, Severity.WARNING), (90, Severity.WARNING), (91, Severity.ERROR)],
)
def test_timely_filing(elapsed: int, expected: Severity | None) -> None:
    dos = TODAY - timedelta(days=elapsed)
    findings = scrub(enc(dos=dos, coverage=coverage(timely_filing_days=90)), BOOK)
    if expected is None:
        assert findings == ()
        return
    assert [(f.rule_id, f.field, f.severity) for f in findings] == [
        ("TIMELY-FILING", "dos", expected)
    ]
    assert "Buckeye Health" in findings[0].message
    if elapsed == 90:
        assert "last day" in findings[0].message


# --- place of service ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pos", "words"), [("", "missing"), ("1", "2-digit"), ("O1", "2-digit"), ("99", "not a known")]
)
def test_place_of_service(pos: str, words: str) -> None:
    findings = scrub(enc(pos=pos), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("POS-VALID", "pos")]
    assert words in findings[0].message


def test_place_of_service_known() -> None:
    assert scrub(enc(pos="02"), BOOK) == ()


# --- authorization ---------------------------------------------------------------------------

PT_LINES = (line("99213", pointers=(1, 2)), line("97110", "GP"), line("97530", "GP"))


def approved(**changes: Any) -> AuthInfo:
    base = AuthInfo(
        number="PA-5521",
        status="approved",
        codes=frozenset({"97110", "97530"}),
        start=date(2026, 9, 1),
        end=date(2026, 12, 31),
        visits_allowed=12,
        visits_used=3,
    )
    return replace(base, **changes)


def test_auth_not_needed_when_no_line_requires_it() -> None:
    assert scrub(enc(authorization=None), BOOK) == ()
    assert scrub(enc(authorization=approved(status="denied")), BOOK) == ()


def test_auth_missing() -> None:
    findings = scrub(enc(lines=PT_LINES, authorization=None), BOOK)
    ncci_free = [f for f in findings if f.rule_id != "NCCI-PAIR"]
    assert [(f.rule_id, f.field) for f in ncci_free] == [("AUTH-MISSING", "auth")]
    assert "Lines 2, 3 (97110, 97530)" in ncci_free[0].message


@pytest.mark.parametrize(
    ("auth", "words"),
    [
        (approved(status="pending"), "pending"),
        (approved(status="denied"), "appeal"),
        (approved(number=None), "no number"),
    ],
)
def test_auth_not_approved_or_unnumbered(auth: AuthInfo, words: str) -> None:
    findings = only(scrub(enc(lines=PT_LINES[:2], authorization=auth), BOOK), "AUTH-MISSING")
    assert len(findings) == 1 and findings[0].field == "auth"
    assert words in findings[0].message


def test_auth_approved_and_usable() -> None:
    assert scrub(enc(lines=PT_LINES[:2], authorization=approved()), BOOK) == ()
    open_auth = approved(codes=frozenset(), start=None, end=None, visits_allowed=None)
    assert scrub(enc(lines=PT_LINES[:2], authorization=open_auth), BOOK) == ()


@pytest.mark.parametrize(
    ("auth", "words"),
    [
        (approved(end=date(2026, 10, 19)), "outside"),
        (approved(start=date(2026, 10, 21)), "outside"),
        (approved(visits_used=12), "12 of 12 approved visits"),
        (approved(codes=frozenset({"97530"})), "does not cover line 2 (97110)"),
    ],
)
def test_auth_exhausted(auth: AuthInfo, words: str) -> None:
    findings = scrub(enc(lines=PT_LINES[:2], authorization=auth), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("AUTH-EXHAUSTED", "auth")]
    assert words in findings[0].message and "PA-5521" in findings[0].message


# --- diagnoses -------------------------------------------------------------------------------


def test_diagnosis_required() -> None:
    findings = scrub(enc(diagnoses=(), lines=(line("99213", pointers=()),)), BOOK)
    assert ("DX-REQUIRED", "dx.1") in [(f.rule_id, f.field) for f in findings]


def test_at_most_twelve_diagnoses() -> None:
    twelve = (
        "E11.9",
        "I10",
        "Z00.00",
        "J02.9",
        "M54.50",
        "R05.1",
        "E78.5",
        "Z23",
        "F41.1",
        "K21.9",
        "N39.0",
        "R51.9",
    )
    assert scrub(enc(diagnoses=twelve), BOOK) == ()
    findings = scrub(enc(diagnoses=(*twelve, "E11.9")), BOOK)
    assert ("MAX-DX", "dx.13") in [(f.rule_id, f.field) for f in findings]


def test_icd_without_dot_is_accepted() -> None:
    assert normalize_icd10(" e119 ") == "E11.9"
    assert scrub(enc(diagnoses=("E119", "i10")), BOOK) == ()


@pytest.mark.parametrize("bad", ["1234", "E11.", "E1", "E11.12345", "EE11", "U", ""])
def test_icd_format(bad: str) -> None:
    findings = scrub(enc(diagnoses=("E11.9", bad)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("ICD-FORMAT", "dx.2")]
    assert findings[0].message.startswith("Diagnosis 2")


def test_icd_exists() -> None:
    findings = scrub(enc(diagnoses=("E11.9", "Z9999")), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("ICD-EXISTS", "dx.2")]
    assert "Z99.99" in findings[0].message


@pytest.mark.parametrize(("code", "kind"), [("E11", "category"), ("S52.5", "heading")])
def test_icd_billable(code: str, kind: str) -> None:
    findings = scrub(enc(diagnoses=("I10", code)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("ICD-BILLABLE", "dx.2")]
    message = findings[0].message
    assert message.startswith(f"Diagnosis 2: {code}") and kind in message
    assert "more specific" in message


def test_diagnosis_duplicate() -> None:
    findings = scrub(enc(diagnoses=("E11.9", "I10", "e119")), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("DX-DUPLICATE", "dx.3")]
    assert "diagnosis 1" in findings[0].message


# --- diagnosis pointers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointers", "words"),
    [
        ((), "no diagnosis pointer"),
        ((3,), "1 to 2"),
        ((0,), "1 to 2"),
        ((-1,), "1 to 2"),
        ((1, 1), "twice"),
    ],
)
def test_pointers_must_point_at_entered_diagnoses(pointers: tuple[int, ...], words: str) -> None:
    findings = scrub(enc(lines=(line("99213", pointers=pointers),)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("DX-POINTER", "line.1.pointers")]
    assert findings[0].message.startswith("Line 1") and words in findings[0].message


def test_pointer_past_twelve() -> None:
    many = tuple(["E11.9"] + ["I10"] * 12)
    findings = only(
        scrub(enc(diagnoses=many, lines=(line("99213", pointers=(13,)),)), BOOK), "DX-POINTER"
    )
    assert len(findings) == 1 and "1 to 12" in findings[0].message


def test_at_most_four_pointers() -> None:
    dx = ("E11.9", "I10", "Z00.00", "J02.9", "M54.50")
    findings = scrub(enc(diagnoses=dx, lines=(line("99213", pointers=(1, 2, 3, 4, 5)),)), BOOK)
    assert [(f.rule_id, f.field) for f in findings] == [("MAX-POINTERS", "line.1.pointers")]
    assert scrub(enc(diagnoses=dx, lines=(line("99213", pointers=(5, 4, 3, 1)),)), BOOK) == ()
