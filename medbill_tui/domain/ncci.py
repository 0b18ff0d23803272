"""NCCI edits as data: procedure-to-procedure (PTP) pairs and medically unlikely edits (MUE).

CMS publishes both quarterly (practitioner files); `medbill codes load FILE --set ncci-ptp|mue`
loads them (`domain/ncci_files.py` reads the published layouts). Until a practice loads the real
quarter, a small sample written for this app in the same layout ships in `medbill_tui/data/`.
The scrubber gets the edits from its CodeBook and applies them by date of service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
"""Modifiers that mark a column-2 service as distinct when the pair allows it."""
EM_BYPASS_MODIFIER = "25"
"""On a visit (E/M) code of a pair: a separate, significant visit."""

MODIFIER_NOT_ALLOWED = "0"
MODIFIER_ALLOWED = "1"
MODIFIER_NOT_APPLICABLE = "9"
"""PTP modifier indicators: 9 marks an edit CMS withdrew back to its effective date."""


@dataclass(frozen=True, slots=True)
class NcciPair:
    """Column-2 code is bundled into column-1 code from `effective` through `deleted`
    (None: still in force); `note` explains why in plain words (the file's rationale)."""

    column1: str
    column2: str
    modifier_indicator: str
    note: str
    effective: date | None = None
    deleted: date | None = None

    @property
    def modifier_allowed(self) -> bool:
        """A bypass modifier may show the two services were distinct."""
        return self.modifier_indicator == MODIFIER_ALLOWED

    def applies_on(self, day: date | None) -> bool:
        """The edit is in force on `day` (any day when unknown); indicator 9 never is."""
        if self.modifier_indicator == MODIFIER_NOT_APPLICABLE:
            return False
        if day is None:
            return self.deleted is None
        if self.effective is not None and day < self.effective:
            return False
        return self.deleted is None or day <= self.deleted


LINE_EDIT = 1
DAY_POLICY_EDIT = 2
DAY_CLINICAL_EDIT = 3
"""MUE adjudication indicators: units per line, or per day (policy / clinical)."""


@dataclass(frozen=True, slots=True)
class UnitLimit:
    """The most units of `code` a practitioner may bill (per line or per day)."""

    code: str
    max_units: int
    indicator: int
    rationale: str = ""

    @property
    def per_day(self) -> bool:
        return self.indicator in (DAY_POLICY_EDIT, DAY_CLINICAL_EDIT)


def index_by_column2(pairs: Iterable[NcciPair]) -> Mapping[str, tuple[NcciPair, ...]]:
    """Pairs indexed by their column-2 code."""
    index: dict[str, list[NcciPair]] = {}
    for pair in pairs:
        index.setdefault(pair.column2, []).append(pair)
    return MappingProxyType({code: tuple(pairs) for code, pairs in index.items()})
