"""The claim scrubber: checks an encounter before it is billed.

`scrub(encounter, codebook)` runs every rule in `RULES` and returns `Finding`s sorted in the
order fields appear on the charge-entry screen. Errors block billing; warnings do not. Pure:
no database, no UI, no files: the code sets and NCCI pairs come in through the CodeBook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from medbill_tui.domain import scrub_dx_rules as dx
from medbill_tui.domain import scrub_eligibility_rules as elig
from medbill_tui.domain import scrub_line_rules as ln
from medbill_tui.domain import scrub_rules as hdr
from medbill_tui.domain import scrub_visit_rules as visits
from medbill_tui.domain.codes import CodeBook, IcdCode, ProcedureInfo
from medbill_tui.domain.scrub_model import (
    AuthInfo,
    CoverageInfo,
    EncounterForScrub,
    Finding,
    LineInput,
    PatientInfo,
    Rule,
    Severity,
    build_context,
)

__all__ = [
    "FIELD_ORDER",
    "RULES",
    "AuthInfo",
    "CodeBook",
    "CoverageInfo",
    "EncounterForScrub",
    "Finding",
    "IcdCode",
    "LineInput",
    "PatientInfo",
    "ProcedureInfo",
    "Rule",
    "Severity",
    "field_sort_key",
    "has_errors",
    "scrub",
]

_RULE_LIST: tuple[Rule, ...] = (
    Rule("REQ-NAME", "Patient first and last name are entered", hdr.check_patient_name),
    Rule("REQ-DOB", "Patient date of birth is entered and not after the visit", hdr.check_dob),
    Rule("REQ-SEX", "Patient sex is M, F or U", hdr.check_sex),
    Rule(
        "REQ-ADDRESS",
        "Patient address has street, city, 2-letter state and 5- or 9-digit ZIP",
        hdr.check_address,
    ),
    Rule("REQ-MEMBER-ID", "Insured encounters have the member ID", hdr.check_member_id),
    Rule("REQ-NPI", "Rendering and billing NPIs are entered", hdr.check_npi_present),
    Rule("NPI-CHECK", "Each NPI is 10 digits with a correct check digit", hdr.check_npi_valid),
    Rule("REQ-DOS", "Date of service is entered", hdr.check_dos_present),
    Rule("DOS-FUTURE", "Date of service is not after today", hdr.check_dos_future),
    Rule("DOS-COVERAGE", "Date of service is within the coverage dates", hdr.check_dos_coverage),
    Rule(
        "ELIG-INACTIVE",
        "The payer's last eligibility answer says the coverage is active that day (warning)",
        hdr.check_eligibility,
    ),
    Rule(
        "ELIG-UNVERIFIED",
        "An eligibility answer verifies the coverage for the visit, once the payer is asked "
        "(warning)",
        elig.check_eligibility_verified,
    ),
    Rule(
        "TIMELY-FILING",
        "Within the payer's filing limit (warning in the last 30 days)",
        hdr.check_timely_filing,
    ),
    Rule("POS-VALID", "Place of service is a known 2-digit code", hdr.check_pos),
    Rule(
        "AUTH-MISSING",
        "Codes the payer wants pre-approved have an approved, numbered authorization",
        hdr.check_auth_missing,
    ),
    Rule(
        "AUTH-EXHAUSTED",
        "The authorization covers the date of service, has visits left and covers the codes",
        hdr.check_auth_usable,
    ),
    Rule("DX-REQUIRED", "At least one diagnosis", dx.check_dx_required),
    Rule("ICD-FORMAT", "Diagnoses look like ICD-10-CM codes", dx.check_icd_format),
    Rule("ICD-EXISTS", "Diagnoses are in the ICD-10-CM code set", dx.check_icd_exists),
    Rule("ICD-BILLABLE", "Diagnoses are billable codes, not categories", dx.check_icd_billable),
    Rule("DX-DUPLICATE", "No diagnosis is entered twice", dx.check_dx_duplicate),
    Rule("MAX-DX", "No more than 12 diagnoses", dx.check_max_dx),
    Rule("LINES-REQUIRED", "At least one service line", ln.check_lines_required),
    Rule("PROC-FORMAT", "Procedure codes look like CPT or HCPCS codes", ln.check_proc_format),
    Rule(
        "PROC-EXISTS",
        "Procedure codes are known (practice-added, unverified codes warn)",
        ln.check_proc_exists,
    ),
    Rule("DUP-LINE", "No line repeats a code already billed that day", ln.check_duplicate_lines),
    Rule("NCCI-PAIR", "No bundled procedure pairs without a valid modifier", ln.check_ncci_pairs),
    Rule(
        "EM-PROC-25",
        "A visit billed with a surgical procedure the same day carries modifier 25",
        visits.check_visit_with_procedure,
    ),
    Rule("EM-TWICE", "One visit per patient per day", visits.check_second_visit),
    Rule("MUE", "Units within the code's medically unlikely edit", visits.check_unit_limits),
    Rule("MOD-VALID", "Up to 4 known, non-repeated 2-character modifiers", ln.check_modifiers),
    Rule("UNITS-POSITIVE", "Units are more than 0", ln.check_units),
    Rule("CHARGE-POSITIVE", "Charges are more than $0.00, in whole cents", ln.check_charge),
    Rule("DX-POINTER", "Each line points at entered diagnoses", dx.check_pointers),
    Rule("MAX-POINTERS", "No more than 4 diagnosis pointers per line", dx.check_max_pointers),
    Rule("MAX-LINES", "No more than 50 service lines", ln.check_max_lines),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.rule_id: rule for rule in _RULE_LIST})
"""Every scrubber rule by id, in the order a help screen lists them."""

FIELD_ORDER: tuple[str, ...] = (
    "patient.name",
    "patient.dob",
    "patient.sex",
    "patient.address",
    "coverage",
    "coverage.member_id",
    "provider.npi",
    "billing.npi",
    "dos",
    "pos",
    "auth",
    "referring.npi",
    "referring.last",
    "referring.first",
)
"""Encounter-level fields in screen order; diagnoses ("dx.N") and lines ("line.N.…") follow."""

_HEADER_RANK = {name: rank for rank, name in enumerate(FIELD_ORDER)}
_LINE_PART_RANK = {"code": 0, "modifier": 1, "units": 2, "charge": 3, "pointers": 4}
_RULE_RANK = {rule_id: rank for rank, rule_id in enumerate(RULES)}


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() else 10**9


def field_sort_key(field: str) -> tuple[int, ...]:
    """Sort key putting field paths in the order they appear on the charge-entry screen."""
    if field in _HEADER_RANK:
        return (0, _HEADER_RANK[field])
    parts = field.split(".")
    if parts[0] == "dx" and len(parts) == 2:
        return (1, _number(parts[1]))
    if parts[0] == "line" and len(parts) >= 3:
        extra = _number(parts[3]) if len(parts) > 3 else 0
        return (2, _number(parts[1]), _LINE_PART_RANK.get(parts[2], 9), extra)
    return (3,)


def scrub(
    enc: EncounterForScrub, codes: CodeBook, *, skip: Iterable[str] = ()
) -> tuple[Finding, ...]:
    """Run every rule (except the ids in `skip`) and return findings in screen order."""
    ctx = build_context(enc, codes)
    skipped = frozenset(skip)
    findings = [
        Finding(rule.rule_id, issue.severity, issue.field, issue.message)
        for rule in _RULE_LIST
        if rule.rule_id not in skipped
        for issue in rule.check(ctx)
    ]
    findings.sort(key=lambda f: (field_sort_key(f.field), _RULE_RANK[f.rule_id]))
    return tuple(findings)


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding blocks billing."""
    return any(finding.severity is Severity.ERROR for finding in findings)
