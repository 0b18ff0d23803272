"""Reading the charge-entry form: text fields to typed values, with findings (pure).

Findings from parsing ("CHARGE-FORMAT": letters in a money field) and from the scrubber are
merged into one list the screen shows next to the fields. Errors of the encounter's own
entries (`ENTRY_RULES`) block saving; every error blocks billing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from medbill_tui.domain.money import to_money
from medbill_tui.domain.scrub_model import Finding, LineInput
from medbill_tui.domain.scrubber import field_sort_key
from medbill_tui.domain.setup_field_checks import npi_problem
from medbill_tui.records.forms import FormFinding, LineForm

ENTRY_RULES = frozenset(
    {
        "DOS-FORMAT",
        "REQ-DOS",
        "DOS-FUTURE",
        "POS-VALID",
        "DX-REQUIRED",
        "MAX-DX",
        "ICD-FORMAT",
        "ICD-EXISTS",
        "ICD-BILLABLE",
        "DX-DUPLICATE",
        "LINES-REQUIRED",
        "MAX-LINES",
        "PROC-FORMAT",
        "PROC-EXISTS",
        "MOD-VALID",
        "UNITS-FORMAT",
        "UNITS-POSITIVE",
        "CHARGE-FORMAT",
        "CHARGE-POSITIVE",
        "POINTER-FORMAT",
        "DX-POINTER",
        "MAX-POINTERS",
        "REQ-PROVIDER",
    }
)
"""Rules about what was keyed on this encounter: an error here means the form is not saved."""

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m%d%Y", "%m/%d/%y", "%m-%d-%Y")


@dataclass(frozen=True, slots=True)
class ParsedForm:
    """Typed values of the form plus what could not be read."""

    dos: date | None
    lines: tuple[LineInput, ...]
    diagnoses: tuple[str, ...]
    findings: tuple[FormFinding, ...]


def _error(rule: str, field: str, message: str) -> FormFinding:
    return FormFinding(rule, "error", field, message, blocks_save=True)


def parse_date(text: str) -> date | None:
    """A date as billers type it: 2026-11-02, 11/02/2026, 11022026 or 11/02/26."""
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def parse_pointers(text: str) -> tuple[int, ...] | None:
    """'1', '12', '1,2' or '1 2 3' -> (1, 2, 3); None when it is not pointers."""
    cleaned = text.strip()
    if not cleaned:
        return ()
    if re.fullmatch(r"[1-9A-La-l]+", cleaned):
        return tuple(_pointer_value(ch) for ch in cleaned)
    parts = [p for p in re.split(r"[\s,]+", cleaned) if p]
    if all(p.isdigit() and 1 <= int(p) <= 12 for p in parts):
        return tuple(int(p) for p in parts)
    return None


def _pointer_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch.upper()) - ord("A") + 1


def encode_pointers(pointers: Iterable[int]) -> str:
    """Store pointers as one character each: 1-9 as digits, 10-12 as the claim form's J, K, L."""
    return "".join(str(p) if p <= 9 else chr(ord("A") + p - 1) for p in pointers)


def decode_pointers(stored: str) -> tuple[int, ...]:
    """Inverse of `encode_pointers` (characters that are not pointers are ignored)."""
    return tuple(_pointer_value(ch) for ch in stored if ch.isdigit() or "A" <= ch.upper() <= "L")


def parse_form(dos_text: str, diagnoses: Iterable[str], lines: Iterable[LineForm]) -> ParsedForm:
    """Turn the form's text into typed values; unreadable fields become findings."""
    findings: list[FormFinding] = []
    dos = parse_date(dos_text) if dos_text.strip() else None
    if dos_text.strip() and dos is None:
        findings.append(
            _error(
                "DOS-FORMAT",
                "dos",
                f"Date of service {dos_text.strip()!r} is not a date: type it as MM/DD/YYYY",
            )
        )
    parsed: list[LineInput] = []
    entered = [
        line
        for line in lines
        if any((line.code.strip(), line.charge.strip(), *(m.strip() for m in line.modifiers)))
    ]
    for n, line in enumerate(entered, start=1):
        try:
            units = Decimal(line.units.strip() or "1")
            if not units.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            findings.append(
                _error(
                    "UNITS-FORMAT",
                    f"line.{n}.units",
                    f"Line {n}: units {line.units.strip()!r} is not a number",
                )
            )
            units = Decimal(1)
        try:
            charge = to_money(line.charge) if line.charge.strip() else Decimal("0.00")
        except ValueError:
            findings.append(
                _error(
                    "CHARGE-FORMAT",
                    f"line.{n}.charge",
                    f"Line {n}: charge {line.charge.strip()!r} is not an amount "
                    "(digits and a decimal point, e.g. 95.00)",
                )
            )
            charge = Decimal("0.01")
        pointers = parse_pointers(line.pointers)
        if pointers is None:
            findings.append(
                _error(
                    "POINTER-FORMAT",
                    f"line.{n}.pointers",
                    f"Line {n}: diagnosis pointers {line.pointers.strip()!r} must "
                    "be diagnosis numbers, e.g. 1 or 12 or 1,3",
                )
            )
            pointers = (1,)
        modifiers = tuple(m.strip().upper() for m in line.modifiers if m.strip())
        parsed.append(LineInput(line.code.strip().upper(), modifiers, units, charge, pointers))
    dx = tuple(code.strip().upper() for code in diagnoses if code.strip())
    return ParsedForm(dos, tuple(parsed), dx, tuple(findings))


REFERRING_LAST_MAX = 60
REFERRING_FIRST_MAX = 35
"""NM103 / NM104 of the 837P's 2310A (and the encounter's columns)."""


def referring_findings(npi: str, last: str, first: str) -> tuple[FormFinding, ...]:
    """What is wrong with the referring provider as typed (nothing when all three are empty):
    the NPI must pass the practice setup's NPI check and be a person's, and goes with a last
    name."""
    npi, last, first = npi.strip(), last.strip(), first.strip()
    if not (npi or last or first):
        return ()
    findings = []
    if not npi:
        findings.append(
            _error("REF-NPI", "referring.npi", "Referring provider: type the NPI (10 digits)")
        )
    elif (problem := npi_problem(npi, 0) or _person_npi(npi)) is not None:
        findings.append(_error("REF-NPI", "referring.npi", f"Referring provider NPI: {problem}"))
    if not last:
        findings.append(
            _error("REF-NAME", "referring.last", "Referring provider: type the last name")
        )
    elif len(last) > REFERRING_LAST_MAX:
        findings.append(
            _error(
                "REF-NAME",
                "referring.last",
                f"Referring provider: the last name is over {REFERRING_LAST_MAX} characters",
            )
        )
    if len(first) > REFERRING_FIRST_MAX:
        findings.append(
            _error(
                "REF-NAME",
                "referring.first",
                f"Referring provider: the first name is over {REFERRING_FIRST_MAX} characters",
            )
        )
    return tuple(findings)


def _person_npi(npi: str) -> str | None:
    if npi[0] != "1":
        return "a referring provider's NPI is a person's (type 1, it starts with 1)"
    return None


def merge_findings(
    parsed: Iterable[FormFinding], scrubbed: Iterable[Finding]
) -> tuple[FormFinding, ...]:
    """One list in screen order; a field that could not be read shows only that problem."""
    parsed = list(parsed)
    unreadable = {f.field for f in parsed}
    merged = parsed + [
        FormFinding(
            f.rule_id,
            f.severity.value,
            f.field,
            f.message,
            blocks_save=f.severity.value == "error" and f.rule_id in ENTRY_RULES,
        )
        for f in scrubbed
        if f.field not in unreadable
    ]
    return tuple(sorted(merged, key=lambda f: field_sort_key(f.field)))
