"""Rich renderables for the read-only detail screens (plain text and simple tables,
readable without color: headings are bold and underlined, tables ruled)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from medbill_tui.records.detail import DiagnosisLine, LedgerLine, PatientHeader, ServiceLine
from medbill_tui.widgets.text import NONE_SHOWN, fmt_date, fmt_datetime, money


def heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def fields(pairs: Sequence[tuple[str, str]], columns: int = 2) -> Table:
    """Label/value pairs laid out in `columns` side-by-side groups."""
    grid = Table.grid(padding=(0, 1))
    for _ in range(columns):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
    for start in range(0, len(pairs), columns):
        chunk = list(pairs[start : start + columns])
        chunk += [("", "")] * (columns - len(chunk))
        grid.add_row(*(cell for pair in chunk for cell in pair))
    return grid


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Iterable[int] = (),
    wrap: Iterable[int] = (),
    keep: Iterable[int] = (),
) -> Table:
    """A ruled table. Columns in `right` are right-aligned amounts; amounts and the columns
    in `keep` (ids) are never cut; those in `wrap` wrap onto more lines; the rest are cut
    with an ellipsis when the screen is narrow."""
    right_set, wrap_set = set(right), set(wrap)
    whole = right_set | set(keep)
    result = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for index, header in enumerate(headers):
        widest = max([len(header), *(len(row[index]) for row in rows)])
        result.add_column(
            header,
            justify="right" if index in right_set else "left",
            overflow="fold" if index in wrap_set else "ellipsis",
            no_wrap=index not in wrap_set,
            min_width=widest if index in whole else None,
        )
    for row in rows:
        result.add_row(*row)
    return result


def empty(text: str) -> Text:
    return Text(f"  ({text})", style="italic")


def patient_fields(patient: PatientHeader) -> list[tuple[str, str]]:
    return [
        ("Patient", patient.name),
        ("Account", patient.account_no),
        ("DOB", fmt_date(patient.dob)),
        ("Sex", patient.sex),
    ]


def diagnoses(lines: Sequence[DiagnosisLine]) -> RenderableType:
    if not lines:
        return empty("no diagnoses")
    return Text("  " + "   ".join(f"{line.seq}. {line.code}" for line in lines))


def _units(units: Decimal) -> str:
    return f"{units.normalize():f}"


def service_lines(lines: Sequence[ServiceLine]) -> RenderableType:
    if not lines:
        return empty("no service lines")
    rows = [
        (
            str(line.line_no),
            line.code,
            line.modifiers or "",
            line.label or NONE_SHOWN,
            _units(line.units),
            line.dx_pointers,
            money(line.amount),
        )
        for line in lines
    ]
    headers = ("#", "Code", "Mods", "Description", "Units", "Dx", "Amount")
    return table(headers, rows, right=(0, 4, 6), wrap=(3,), keep=(1, 2, 5))


def ledger(lines: Sequence[LedgerLine]) -> RenderableType:
    if not lines:
        return empty("nothing posted")
    rows = [
        (
            fmt_datetime(line.posted_at),
            line.kind,
            line.responsibility,
            money(line.amount),
            line.memo or "",
        )
        for line in lines
    ]
    return table(("Posted", "Kind", "Owed by", "Amount", "Memo"), rows, right=(3,), wrap=(4,))


def indented(text: Text, by: int = 2) -> Padding:
    """Text whose wrapped lines keep the indent."""
    return Padding(text, (0, 0, 0, by))


def stack(*parts: RenderableType | None) -> Group:
    """Group the parts that are there."""
    return Group(*(part for part in parts if part is not None))
