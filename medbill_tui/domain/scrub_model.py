"""What the claim scrubber reads and what it reports (see `scrubber.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from medbill_tui.domain.codes import (
    CodeBook,
    CodeSet,
    IcdCode,
    ProcedureInfo,
    clean_code,
    normalize_icd10,
    procedure_code_set,
)

MAX_DIAGNOSES = 12
MAX_POINTERS = 4
MAX_MODIFIERS = 4
MAX_LINES = 50
"""Service lines one 837P claim can carry."""


class Severity(StrEnum):
    """An error blocks billing; a warning is shown but does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on an encounter.

    `field` is a stable path the charge-entry screen maps to a widget ("patient.dob",
    "dx.2", "line.1.modifier.2", ...); `message` says what is wrong and how to fix it.
    """

    rule_id: str
    severity: Severity
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class PatientInfo:
    """The patient as the claim will show them."""

    first_name: str
    last_name: str
    dob: date | None
    sex: str
    address1: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class CoverageInfo:
    """The insurance billed; `auth_required_codes` are codes this payer wants pre-approved."""

    payer_name: str
    member_id: str
    effective_from: date
    effective_to: date | None
    timely_filing_days: int
    auth_required_codes: frozenset[str] = frozenset()
    eligibility: str = ""
    """The payer's last eligibility answer (active, inactive, other-payer, rejected; "": none)."""
    eligibility_on: date | None = None
    eligibility_to: date | None = None
    """The plan's end date in that answer (None: open or not said)."""
    eligibility_asked_on: date | None = None
    """When a 270 still unanswered asked about this coverage (None: nothing waiting)."""
    payer_checks_eligibility: bool = False
    """The practice has asked this payer about eligibility, so a visit not verified warns."""


@dataclass(frozen=True, slots=True)
class AuthInfo:
    """A prior authorization attached to the encounter.

    `status` is "approved", "pending" or "denied"; empty `codes` means any code;
    `visits_used` counts visits used before this one.
    """

    number: str | None
    status: str
    codes: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    visits_allowed: int | None = None
    visits_used: int = 0


@dataclass(frozen=True, slots=True)
class LineInput:
    """One service line as entered; `pointers` are 1-based diagnosis numbers."""

    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    pointers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EncounterForScrub:
    """Everything the scrubber checks; `coverage` None means self-pay.

    `other_lines_same_day` are (code, modifiers) already billed for this patient on this
    date of service in other encounters, `other_units_same_day` their (code, units).
    """

    today: date
    dos: date | None
    pos: str
    patient: PatientInfo
    coverage: CoverageInfo | None
    provider_npi: str
    billing_npi: str
    authorization: AuthInfo | None
    diagnoses: tuple[str, ...]
    lines: tuple[LineInput, ...]
    other_lines_same_day: tuple[tuple[str, tuple[str, ...]], ...] = ()
    other_units_same_day: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule function yields; the scrubber adds the rule id to make a Finding."""

    severity: Severity
    field: str
    message: str


def error(field: str, message: str) -> Issue:
    """An issue that blocks billing."""
    return Issue(Severity.ERROR, field, message)


def warning(field: str, message: str) -> Issue:
    """An issue shown to the biller that does not block billing."""
    return Issue(Severity.WARNING, field, message)


@dataclass(frozen=True, slots=True)
class DxEntry:
    """A diagnosis with its number, dotted code (None if malformed) and code-set entry."""

    number: int
    raw: str
    code: str | None
    info: IcdCode | None


@dataclass(frozen=True, slots=True)
class LineEntry:
    """A service line with its cleaned code and modifiers and its code-set entry.

    `modifier_slots` are (1-based box number, cleaned modifier) for the non-blank boxes.
    """

    number: int
    line: LineInput
    code: str
    code_set: CodeSet | None
    info: ProcedureInfo | None
    modifier_slots: tuple[tuple[int, str], ...]

    @property
    def modifiers(self) -> frozenset[str]:
        """The line's cleaned, non-blank modifiers."""
        return frozenset(mod for _, mod in self.modifier_slots)


@dataclass(frozen=True, slots=True)
class ScrubContext:
    """The encounter with codes cleaned and looked up once, shared by all rules."""

    enc: EncounterForScrub
    codes: CodeBook
    dx: tuple[DxEntry, ...]
    lines: tuple[LineEntry, ...]

    @property
    def payer(self) -> str:
        """The payer's name for messages ("the payer" when unnamed or self-pay)."""
        cov = self.enc.coverage
        return show(cov.payer_name, 40) if cov and cov.payer_name.strip() else "the payer"


def build_context(enc: EncounterForScrub, codes: CodeBook) -> ScrubContext:
    """Clean every code and look each up in the CodeBook once."""
    dx: list[DxEntry] = []
    for number, raw in enumerate(enc.diagnoses, start=1):
        code = normalize_icd10(raw)
        dx.append(DxEntry(number, raw, code, codes.icd10(code) if code else None))
    lines: list[LineEntry] = []
    for number, line in enumerate(enc.lines, start=1):
        code = clean_code(line.code)
        code_set = procedure_code_set(code)
        info = codes.procedure(code) if code_set else None
        slots = tuple(
            (box, clean_code(mod)) for box, mod in enumerate(line.modifiers, start=1) if mod.strip()
        )
        lines.append(LineEntry(number, line, code, code_set, info, slots))
    return ScrubContext(enc, codes, tuple(dx), tuple(lines))


RuleCheck = Callable[[ScrubContext], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered scrubber rule: id, one-line description for help screens, and check."""

    rule_id: str
    description: str
    check: RuleCheck


def show(text: str, limit: int = 15) -> str:
    """A code as typed, made safe and short for a message."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text.strip())
    if not cleaned:
        return "(blank)"
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def fmt_date(day: date) -> str:
    """MM/DD/YYYY, as billers read dates."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def plural(count: int, word: str) -> str:
    """ "1 visit", "3 visits"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
