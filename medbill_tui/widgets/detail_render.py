"""Rich renderables for the read-only detail screens (plain text and simple tables,
readable without color: headings are bold and underlined, tables ruled)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from medbill_tui.records import DiagnosisLine, LedgerLine, PatientHeader, ServiceLine
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


def table(*headers: str, right: Iterable[int] = ()) -> Table:
    """A ruled table; columns whose index is in `right` are right-aligned (amounts)."""
    right_set = set(right)
    result = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for index, header in enumerate(headers):
        result.add_column(
            header,
            justify="right" if index in right_set else "left",
            overflow="ellipsis" if index not in right_set else "fold",
            no_wrap=index in right_set,
        )
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
    result = table("#", "Code", "Mods", "Description", "Units", "Dx", "Amount", right=(0, 4, 6))
    for line in lines:
        result.add_row(
            str(line.line_no),
            line.code,
            line.modifiers or "",
            line.label or NONE_SHOWN,
            _units(line.units),
            line.dx_pointers,
            money(line.amount),
        )
    return result


def ledger(lines: Sequence[LedgerLine]) -> RenderableType:
    if not lines:
        return empty("nothing posted")
    result = table("Posted", "Kind", "Owed by", "Amount", "Memo", right=(3,))
    for line in lines:
        result.add_row(
            fmt_datetime(line.posted_at),
            line.kind,
            line.responsibility,
            money(line.amount),
            line.memo or "",
        )
    return result


def stack(*parts: RenderableType | None) -> Group:
    """Group the parts that are there."""
    return Group(*(part for part in parts if part is not None))
