"""Parsers for the code-set release files CMS publishes (pure: text in, rows and errors out)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

ICD10_RE = re.compile(r"^[A-Z][0-9][0-9AB][0-9A-Z]{0,4}$")
HCPCS_RE = re.compile(r"^[A-V][0-9]{4}$")


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One code of a release: code (ICD-10-CM dotted), description, billable flag."""

    code: str
    description: str
    billable: bool = True


@dataclass(frozen=True, slots=True)
class BadRow:
    """A line of a release file that could not be read."""

    line_no: int
    reason: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file} line" if self.file else "line"
        return f"{where} {self.line_no}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: tuple[CodeRow, ...]
    errors: tuple[BadRow, ...]


def dotted_icd10(code: str) -> str:
    """'E119' -> 'E11.9'; 'e11.9' -> 'E11.9'; categories stay as they are ('E11')."""
    bare = code.strip().upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def parse_icd10cm_order_file(lines: Iterable[str]) -> ParsedFile:
    """Read a CMS ICD-10-CM "order" file (icd10cm_order_YYYY.txt).

    Fixed columns: order number (1-5), code (7-13), 1 = billable / 0 = header (15),
    short description (17-76), long description (78-).
    """
    rows: list[CodeRow] = []
    errors: list[BadRow] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if len(line) < 77:
            errors.append(BadRow(line_no, "too short for an order-file record"))
            continue
        order, code, flag, long_desc = line[0:5], line[6:13].strip(), line[14], line[77:].strip()
        if not order.strip().isdigit():
            errors.append(BadRow(line_no, f"order number {order.strip()!r} is not a number"))
        elif not ICD10_RE.match(code):
            errors.append(BadRow(line_no, f"{code!r} is not an ICD-10-CM code"))
        elif flag not in "01":
            errors.append(BadRow(line_no, f"billable flag {flag!r} must be 0 or 1"))
        elif not long_desc:
            errors.append(BadRow(line_no, f"{code} has no description"))
        elif code in seen:
            errors.append(BadRow(line_no, f"{code} appears twice"))
        else:
            seen.add(code)
            rows.append(CodeRow(dotted_icd10(code), long_desc, flag == "1"))
    if not rows and not errors:
        errors.append(BadRow(0, "the file has no codes"))
    return ParsedFile(tuple(rows), tuple(errors))


def parse_hcpcs_file(text: str) -> ParsedFile:
    """Read HCPCS Level II codes: the CMS annual fixed-width file, or CSV `code,label`.

    Fixed-width records: code (1-5), sequence (6-10), record id (11; 3 = a code's first line,
    4 = its continuation, 7/8 = modifiers), long description (12-91), short description
    (92-119). The short description becomes the label.
    """
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    if first.startswith("code,"):
        return _parse_hcpcs_csv(text.lstrip("\ufeff"))
    rows: list[CodeRow] = []
    errors: list[BadRow] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(raw) < 92:
            errors.append(BadRow(line_no, "too short for an HCPCS record"))
            continue
        code, record_id = raw[0:5].strip(), raw[10]
        if record_id in "4678":
            continue  # continuation lines and modifiers
        if record_id != "3":
            errors.append(BadRow(line_no, f"unknown record id {record_id!r}"))
        elif not HCPCS_RE.match(code):
            errors.append(BadRow(line_no, f"{code!r} is not an HCPCS Level II code"))
        elif code in seen:
            errors.append(BadRow(line_no, f"{code} appears twice"))
        else:
            label = raw[91:119].strip() or raw[11:91].strip()
            if not label:
                errors.append(BadRow(line_no, f"{code} has no description"))
                continue
            seen.add(code)
            rows.append(CodeRow(code, label[:80]))
    if not rows and not errors:
        errors.append(BadRow(0, "the file has no codes"))
    return ParsedFile(tuple(rows), tuple(errors))


def _parse_hcpcs_csv(text: str) -> ParsedFile:
    rows: list[CodeRow] = []
    errors: list[BadRow] = []
    seen: set[str] = set()
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for line_no, record in enumerate(reader, start=2):
        if not record or not any(cell.strip() for cell in record):
            continue
        if len(record) < 2:
            errors.append(BadRow(line_no, "expected two columns: code,label"))
            continue
        code, label = record[0].strip().upper(), record[1].strip()
        if not HCPCS_RE.match(code):
            errors.append(BadRow(line_no, f"{code!r} is not an HCPCS Level II code"))
        elif not label:
            errors.append(BadRow(line_no, f"{code} has no label"))
        elif code in seen:
            errors.append(BadRow(line_no, f"{code} appears twice"))
        else:
            seen.add(code)
            rows.append(CodeRow(code, label[:80]))
    if not rows and not errors:
        errors.append(BadRow(0, "the file has no codes"))
    return ParsedFile(tuple(rows), tuple(errors))


CARC_RE = re.compile(r"^(?:[0-9]{1,3}|[A-Z][0-9]{1,2})$")
"""Claim Adjustment Reason Code: 1-3 digits, or a letter then 1-2 digits (A1, B7, P12)."""
RARC_RE = re.compile(r"^(?:M|MA|N)[0-9]{1,4}$")
"""Remittance Advice Remark Code: M15, MA04, N130."""
_ADJUSTMENT_PATTERNS = {"carc": (CARC_RE, "CARC"), "rarc": (RARC_RE, "RARC")}


def parse_adjustment_codes(text: str, code_set: str) -> ParsedFile:
    """Read the official CARC or RARC list as CSV `code,description` (a header row is optional;
    with a header naming `code` and `description`, other columns are ignored)."""
    pattern, kind = _ADJUSTMENT_PATTERNS[code_set]
    rows: list[CodeRow] = []
    errors: list[BadRow] = []
    seen: set[str] = set()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    columns: tuple[int, int] | None = None
    width = 2
    first = True
    while True:
        line_no = reader.line_num + 1
        try:
            record = next(reader, None)
        except csv.Error as exc:
            errors.append(BadRow(line_no, f"not readable as CSV: {exc}"))
            break
        if record is None:
            break
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if first:
            first = False
            names = [c.lower() for c in cells]
            if "code" in names and "description" in names:
                columns = (names.index("code"), names.index("description"))
                width = len(names)
                continue
        wanted = columns or (0, 1)
        if max(wanted) >= len(cells) or len(cells) > width:
            words = "quote a description that has a comma" if len(cells) > 2 else "code,description"
            errors.append(BadRow(line_no, f"expected 2 columns, found {len(cells)} ({words})"))
            continue
        code, description = cells[wanted[0]].upper(), " ".join(cells[wanted[1]].split())
        if not pattern.match(code):
            errors.append(BadRow(line_no, f"{code!r} is not a {kind}"))
        elif not description:
            errors.append(BadRow(line_no, f"{code} has no description"))
        elif code in seen:
            errors.append(BadRow(line_no, f"{code} appears twice"))
        else:
            seen.add(code)
            rows.append(CodeRow(code, description))
    if not rows and not errors:
        errors.append(BadRow(0, "the file has no codes"))
    return ParsedFile(tuple(rows), tuple(errors))
