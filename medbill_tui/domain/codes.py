"""Medical code formats and the CodeBook the scrubber looks codes up in.

Format checks are pure string rules. Whether a code *exists* is the CodeBook's job: the app
implements it over the database; tests and the demo use `InMemoryCodeBook`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from medbill_tui.domain.ncci import NcciPair, UnitLimit

CodeSet = Literal["CPT", "HCPCS"]

ICD10_RE = re.compile(r"([A-Z][0-9][0-9AB])(?:\.?([0-9A-TV-Z]{1,4}))?", re.ASCII)
"""ICD-10-CM, with or without the dot: category (3 characters) plus up to 4 more.
The first letter may be U too (U07.1 and U09.9 are real ICD-10-CM codes)."""
CPT_RE = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]", re.ASCII)
"""CPT Category I (5 digits) or Category II/III and lab (4 digits then F, T or U)."""
HCPCS_RE = re.compile(r"[A-V][0-9]{4}", re.ASCII)
"""HCPCS Level II: a letter A-V then 4 digits."""
MODIFIER_RE = re.compile(r"[A-Z0-9]{2}", re.ASCII)
POS_RE = re.compile(r"[0-9]{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class IcdCode:
    """An ICD-10-CM code; `billable` is False for categories and headings."""

    code: str
    description: str
    billable: bool


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    """A CPT or HCPCS code; `verified` is False for codes the practice typed in itself."""

    code: str
    code_set: CodeSet
    label: str
    verified: bool = True


class CodeBook(Protocol):
    """Look-ups the scrubber needs. Codes arrive normalised: upper case, trimmed, and
    ICD-10-CM in the dotted form ("E11.9")."""

    def icd10(self, code: str) -> IcdCode | None:
        """The ICD-10-CM code, or None when it is not in the code set."""
        ...

    def procedure(self, code: str) -> ProcedureInfo | None:
        """The CPT/HCPCS code, or None when it is unknown."""
        ...

    def modifier(self, code: str) -> str | None:
        """The modifier's description, or None when it is unknown."""
        ...

    def pos(self, code: str) -> str | None:
        """The place-of-service name, or None when the code is unknown."""
        ...

    def bundled_pairs(self, code: str) -> tuple[NcciPair, ...]:
        """The NCCI pairs whose column-2 code is `code` (bundled into their column 1)."""
        ...

    def unit_limit(self, code: str) -> UnitLimit | None:
        """The code's medically unlikely edit (MUE), or None when it has none."""
        ...


def clean_code(raw: str) -> str:
    """Trim and upper-case a code as typed."""
    return raw.strip().upper()


def normalize_icd10(raw: str) -> str | None:
    """The dotted ICD-10-CM form ("e119" -> "E11.9"), or None when `raw` is not one."""
    match = ICD10_RE.fullmatch(clean_code(raw))
    if match is None:
        return None
    category, rest = match.group(1), match.group(2)
    return f"{category}.{rest}" if rest else category


def procedure_code_set(code: str) -> CodeSet | None:
    """The code set ("CPT" or "HCPCS") a cleaned code's shape belongs to, or None."""
    if CPT_RE.fullmatch(code):
        return "CPT"
    if HCPCS_RE.fullmatch(code):
        return "HCPCS"
    return None


def is_modifier_format(code: str) -> bool:
    """Two letters or digits (after cleaning)."""
    return MODIFIER_RE.fullmatch(code) is not None


def is_pos_format(code: str) -> bool:
    """Two digits."""
    return POS_RE.fullmatch(code) is not None


def is_evaluation_and_management(code: str) -> bool:
    """True for office/hospital/preventive visit codes (CPT 99202-99499)."""
    return len(code) == 5 and code.isascii() and code.isdigit() and 99202 <= int(code) <= 99499


@dataclass(frozen=True)
class InMemoryCodeBook:
    """A CodeBook over plain dictionaries (tests); `ncci` is keyed by column-2 code, `mue` by
    code."""

    icd: Mapping[str, IcdCode] = field(default_factory=dict)
    procedures: Mapping[str, ProcedureInfo] = field(default_factory=dict)
    modifiers: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    ncci: Mapping[str, tuple[NcciPair, ...]] = field(default_factory=dict)
    mue: Mapping[str, UnitLimit] = field(default_factory=dict)

    def icd10(self, code: str) -> IcdCode | None:
        """Look up a code in either form."""
        return self.icd.get(normalize_icd10(code) or clean_code(code))

    def procedure(self, code: str) -> ProcedureInfo | None:
        """Look up a CPT/HCPCS code."""
        return self.procedures.get(clean_code(code))

    def modifier(self, code: str) -> str | None:
        """Look up a modifier."""
        return self.modifiers.get(clean_code(code))

    def pos(self, code: str) -> str | None:
        """Look up a place of service."""
        return self.places.get(code.strip())

    def bundled_pairs(self, code: str) -> tuple[NcciPair, ...]:
        """The pairs bundling `code` into another."""
        return self.ncci.get(clean_code(code), ())

    def unit_limit(self, code: str) -> UnitLimit | None:
        """The code's MUE."""
        return self.mue.get(clean_code(code))
