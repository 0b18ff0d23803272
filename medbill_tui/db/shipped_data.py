"""The package's own data files (`medbill_tui/data/`), read once per process.

The domain's rules take this data as arguments (a CodeBook, a RuleSet); reading it is I/O, so
it happens here. Imports no database library: the sign-in path may read it before SQLAlchemy.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from medbill_tui.domain.codefiles import parse_hcpcs_file
from medbill_tui.domain.ncci import NcciPair, UnitLimit, index_by_column2
from medbill_tui.domain.ncci_files import parse_mue_file, parse_ptp_file
from medbill_tui.domain.routing import RuleSet, parse_rules

DENIAL_RULES_NAME = "denial_routing.toml"
DENIAL_RULES_SOURCE = f"medbill_tui/data/{DENIAL_RULES_NAME} (the shipped default)"
PTP_SAMPLE = "ncci_ptp_sample.txt"
HCPCS_FILE = "hcpcs_2020.csv"
HCPCS_RELEASE = "2020 HCPCS Level II (CMS HCPC2020_ANWEB, 2019-11-02)"
"""The bundled HCPCS Level II release (see data/SOURCES.md); a newer one loads over it."""
MUE_SAMPLE = "mue_sample.csv"


def data_text(name: str) -> str:
    """The text of one file in `medbill_tui/data/`."""
    return resources.files("medbill_tui.data").joinpath(name).read_text(encoding="utf-8")


def read_data_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one of the package's own CSV files (none when the file is not shipped)."""
    path = resources.files("medbill_tui.data").joinpath(name)
    if not path.is_file():
        return ()
    return tuple(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@cache
def standard_modifiers() -> Mapping[str, str]:
    """The shipped common modifiers (`data/modifiers.csv`): code -> plain description."""
    rows = read_data_csv("modifiers.csv")
    return MappingProxyType({row["code"]: row["description"] for row in rows})


@cache
def bundled_hcpcs() -> tuple[tuple[str, str], ...]:
    """(code, label) of every code of the bundled HCPCS Level II release (`HCPCS_FILE`)."""
    parsed = parse_hcpcs_file(data_text(HCPCS_FILE))
    if parsed.errors:
        raise ValueError(f"{HCPCS_FILE}: {parsed.errors[0]}")
    return tuple((row.code, row.description) for row in parsed.rows)


@cache
def ncci_pairs() -> tuple[NcciPair, ...]:
    """The shipped sample of PTP edits (`data/ncci_ptp_sample.txt`, CMS's layout)."""
    parsed = parse_ptp_file(data_text(PTP_SAMPLE))
    if parsed.errors:
        raise ValueError(f"{PTP_SAMPLE}: {parsed.errors[0]}")
    return parsed.pairs


@cache
def mue_limits() -> tuple[UnitLimit, ...]:
    """The shipped sample of MUEs (`data/mue_sample.csv`, CMS's layout)."""
    parsed = parse_mue_file(data_text(MUE_SAMPLE))
    if parsed.errors:
        raise ValueError(f"{MUE_SAMPLE}: {parsed.errors[0]}")
    return parsed.limits


@cache
def ncci_by_column2() -> Mapping[str, tuple[NcciPair, ...]]:
    """The shipped pairs indexed by their column-2 code (what a CodeBook hands the scrubber)."""
    return index_by_column2(ncci_pairs())


@cache
def shipped_denial_rules() -> RuleSet:
    """The shipped denial routing rules (parsed once)."""
    return parse_rules(data_text(DENIAL_RULES_NAME), DENIAL_RULES_SOURCE)
