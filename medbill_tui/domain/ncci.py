"""Procedure-to-procedure pairs that may not be billed together (NCCI-style), kept as data.

`data/ncci_pairs.csv` holds a small, illustrative set of primary-care pairs written for this
app — not CMS's edit tables. A column-2 code billed with its column-1 code is denied unless the
pair allows a modifier (`modifier_allowed`) and a bypass modifier shows the services were distinct.
The file is read by `db/shipped_data.py`; the scrubber gets the pairs from its CodeBook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
"""Modifiers that mark a column-2 service as distinct when the pair allows it."""
EM_BYPASS_MODIFIER = "25"
"""On a visit (E/M) code of a pair: a separate, significant visit."""


@dataclass(frozen=True, slots=True)
class NcciPair:
    """Column-2 code is bundled into column-1 code; `note` explains why in plain words."""

    column1: str
    column2: str
    modifier_allowed: bool
    note: str


def _cleaned(code: str) -> str:
    return code.strip().upper()


def ncci_pairs_from_rows(rows: Iterable[Mapping[str, str]]) -> tuple[NcciPair, ...]:
    """Pairs from rows with the columns of `data/ncci_pairs.csv`."""
    return tuple(
        NcciPair(
            column1=_cleaned(row["column1"]),
            column2=_cleaned(row["column2"]),
            modifier_allowed=row["modifier_allowed"].strip() == "1",
            note=row["note"].strip(),
        )
        for row in rows
    )


def index_by_column2(pairs: Iterable[NcciPair]) -> Mapping[str, tuple[NcciPair, ...]]:
    """Pairs indexed by their column-2 code."""
    index: dict[str, list[NcciPair]] = {}
    for pair in pairs:
        index.setdefault(pair.column2, []).append(pair)
    return MappingProxyType({code: tuple(pairs) for code, pairs in index.items()})
