"""Readers for the NCCI files CMS publishes each quarter (pure: text in, edits and errors out).

Practitioner PTP edits (`ccipra-v<NNN>r0-f<1-4>.txt`), tab-delimited: column 1, column 2,
"* = in existence prior to 1996", effective date, deletion date ("*" = none), modifier
indicator (0 not allowed, 1 allowed, 9 not applicable), PTP edit rationale.
Practitioner MUEs (`MCR_MUE_PractitionerServices_Eff_<date>`), tab- or comma-delimited:
HCPCS/CPT code, MUE value, MUE adjudication indicator ("1 Line Edit", "2 Date of Service
Edit: Policy", "3 Date of Service Edit: Clinical"), MUE rationale.

Both begin with notice lines and a header row; those are skipped. From the first data row on,
every non-blank line must read, else it is listed as a bad line and nothing is loaded.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from medbill_tui.domain.codefiles import BadRow
from medbill_tui.domain.ncci import (
    MODIFIER_ALLOWED,
    MODIFIER_NOT_ALLOWED,
    MODIFIER_NOT_APPLICABLE,
    NcciPair,
    UnitLimit,
)

PROCEDURE_CODE_RE = re.compile(r"^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$")
_INDICATORS = (MODIFIER_NOT_ALLOWED, MODIFIER_ALLOWED, MODIFIER_NOT_APPLICABLE)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParsedPtp:
    pairs: tuple[NcciPair, ...]
    errors: tuple[BadRow, ...]


@dataclass(frozen=True, slots=True)
class ParsedMue:
    limits: tuple[UnitLimit, ...]
    errors: tuple[BadRow, ...]


def _cells(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return [c.strip() for c in next(csv.reader([line]), [])]


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) from the first row whose first cell is a procedure code on."""
    started = False
    for line_no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not raw.strip():
            continue
        cells = _cells(raw)
        if not started:
            if not PROCEDURE_CODE_RE.match(cells[0].upper() if cells else ""):
                continue  # notice lines and the header row
            started = True
        yield line_no, cells


def _day(cell: str) -> date:
    for fmt in ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cell, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{cell!r} is not a date (YYYYMMDD)")


def _code(cell: str, what: str) -> str:
    code = cell.strip().upper()
    if not PROCEDURE_CODE_RE.match(code):
        raise ValueError(f"{what} {cell!r} is not a CPT or HCPCS code")
    return code


def _read(
    files: Sequence[tuple[str, str]],
    read_row: Callable[[list[str]], T],
    key: Callable[[T], str],
    empty: str,
) -> tuple[list[T], list[BadRow]]:
    """Every data row of the (name, text) files read; a row that does not read, or repeats an
    earlier row's key (in any of the files), is a bad line. Names are left out for one file."""
    rows: list[T] = []
    errors: list[BadRow] = []
    first_seen: dict[str, str] = {}
    for name, text in files:
        label = name if len(files) > 1 else ""
        for line_no, cells in _records(text):
            try:
                row = read_row(cells)
            except ValueError as exc:
                errors.append(BadRow(line_no, str(exc), label))
                continue
            here = f"{label} line {line_no}".strip()
            earlier = first_seen.setdefault(key(row), here)
            if earlier != here:
                errors.append(BadRow(line_no, f"repeats {earlier} ({key(row)})", label))
                continue
            rows.append(row)
    if not rows and not errors:
        errors.append(BadRow(0, empty))
    return rows, errors


def _ptp_row(cells: list[str]) -> NcciPair:
    if len(cells) < 6:
        raise ValueError(f"expected at least 6 columns, found {len(cells)}")
    column1, column2 = _code(cells[0], "column 1"), _code(cells[1], "column 2")
    if column1 == column2:
        raise ValueError(f"column 1 and column 2 are both {column1}")
    effective = _day(cells[3])
    deleted = None if cells[4] in ("", "*") else _day(cells[4])
    if deleted is not None and deleted < effective:
        raise ValueError(f"deletion date {cells[4]} is before the effective date {cells[3]}")
    if cells[5] not in _INDICATORS:
        raise ValueError(f"modifier indicator {cells[5]!r} is not 0, 1 or 9")
    note = cells[6] if len(cells) > 6 else ""
    return NcciPair(column1, column2, cells[5], note, effective, deleted)


def parse_ptp_file(text: str) -> ParsedPtp:
    """The PTP edits of one practitioner file."""
    return parse_ptp_files([("", text)])


def parse_ptp_files(files: Sequence[tuple[str, str]]) -> ParsedPtp:
    """The PTP edits of a quarter's practitioner files, as (name, text); a pair listed twice
    from the same date is a bad line."""
    pairs, errors = _read(
        files,
        _ptp_row,
        lambda p: f"{p.column1}/{p.column2} from {p.effective:%Y%m%d}",
        "the file has no PTP edits",
    )
    return ParsedPtp(tuple(pairs), tuple(errors))


def _mue_row(cells: list[str]) -> UnitLimit:
    if len(cells) < 3:
        raise ValueError(f"expected at least 3 columns, found {len(cells)}")
    code = _code(cells[0], "code")
    if not cells[1].isdigit():
        raise ValueError(f"MUE value {cells[1]!r} is not a whole number of units")
    indicator = cells[2][:1]
    if indicator not in ("1", "2", "3"):
        raise ValueError(f"adjudication indicator {cells[2]!r} does not start with 1, 2 or 3")
    return UnitLimit(code, int(cells[1]), int(indicator), cells[3] if len(cells) > 3 else "")


def parse_mue_file(text: str) -> ParsedMue:
    """The practitioner MUEs of one file; a code listed twice is a bad line."""
    limits, errors = _read([("", text)], _mue_row, lambda u: u.code, "the file has no MUE rows")
    return ParsedMue(tuple(limits), tuple(errors))
