"""The table of one work queue: its columns, how a row is shown, and j/k movement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.queues import (
    BalanceRow,
    ClaimBalanceRow,
    DenialRow,
    PendingClaimRow,
    QueueKind,
    QueueRow,
    RejectionRow,
    UnbilledRow,
)
from medbill_tui.widgets.code_input import ERROR_MARK, WARNING_MARK
from medbill_tui.widgets.columns import Col, layout
from medbill_tui.widgets.text import fmt_date, fmt_date_short, money

COLUMNS: dict[QueueKind, tuple[Col, ...]] = {
    QueueKind.UNBILLED: (
        Col("DOS", 10),
        Col("Patient", 17, flex=2),
        Col("Provider", 12, flex=1),
        Col("Payer", 12, flex=1),
        Col("Charges", 8, right=True, auto=True),
        Col("Age", 4, right=True),
        Col("Scrub", 6),
    ),
    QueueKind.PENDING_CLAIMS: (
        Col("Claim", 8, auto=True),
        Col("Patient", 13, flex=2),
        Col("Payer", 10, flex=1),
        Col("Status", 16),
        Col("Last answer", 12),
        Col("Wait", 4, right=True),
        Col("Amount", 8, right=True, auto=True),
    ),
    QueueKind.REJECTIONS: (
        Col("Claim", 8, auto=True),
        Col("Patient", 12, flex=1),
        Col("Payer", 9, flex=1),
        Col("Why it was rejected", 25, flex=3),
        Col("Days", 4, right=True),
        Col("Amount", 8, right=True, auto=True),
        Col("Held", 6),
    ),
    QueueKind.DENIALS: (
        Col("Claim", 8, auto=True),
        Col("Patient", 13, flex=2),
        Col("Payer", 12, flex=1),
        Col("CARC", 6),
        Col("Route", 14),
        Col("Denied", 8, right=True, auto=True),
        Col("Days", 4, right=True),
        Col("Held", 6),
    ),
    QueueKind.BALANCES: (
        Col("Account", 7, auto=True),
        Col("Patient", 10, flex=1),
        Col("Res", 3),
        *(Col(label, 7, right=True, auto=True) for label, _, _ in BUCKETS),
        Col("Total", 8, right=True, auto=True),
    ),
}

CLAIM_BALANCE_COLUMNS: tuple[Col, ...] = (
    Col("Claim", 8, auto=True),
    Col("Patient", 12, flex=2),
    Col("Payer", 9, flex=1),
    Col("Res", 3),
    Col("DOS", 8),
    Col("Age", 4, right=True),
    Col("Balance", 9, right=True, auto=True),
    Col("Follow", 6),
)
"""The balances queue by claim (`b` switches between by account and by claim)."""


def columns_for(kind: QueueKind, by_claim: bool = False) -> tuple[Col, ...]:
    """The columns of a queue (balances have a by-claim view)."""
    return CLAIM_BALANCE_COLUMNS if by_claim and kind is QueueKind.BALANCES else COLUMNS[kind]


def short_responsibility(responsibility: str) -> str:
    return RESPONSIBILITY_SHORT.get(responsibility, responsibility[:3].title())


RESPONSIBILITY_SHORT = {"primary": "Pri", "secondary": "Sec", "tertiary": "Ter", "patient": "Pat"}


def row_key(row: QueueRow) -> str:
    """A key unique within one queue (a balance row is an account and a responsibility)."""
    if isinstance(row, UnbilledRow):
        return f"e{row.encounter_id}"
    if isinstance(row, PendingClaimRow):
        return f"c{row.claim_id}"
    if isinstance(row, DenialRow):
        return f"w{row.work_item_id}"
    if isinstance(row, ClaimBalanceRow):
        return f"b{row.claim_id}:{row.responsibility}"
    if isinstance(row, RejectionRow):
        return f"r{row.work_item_id}"
    return f"p{row.patient_id}:{row.responsibility}"


def carc_code(row: DenialRow) -> str:
    """'CO-16': group code and CARC (the words are in the reason line under the table)."""
    return f"{row.group_code}-{row.carc}" if row.group_code else row.carc


def reason_text(row: QueueRow | None) -> str:
    """The whole reason of a denial ('CO-16 The claim is missing…') or a rejection, for the
    line under the table; '' for other rows."""
    if isinstance(row, DenialRow):
        return f"{carc_code(row)} {row.carc_text}".strip()
    if isinstance(row, RejectionRow):
        return row.reason
    return ""


CATEGORY_SHORT = {
    "eligibility": "elig",
    "coding": "coding",
    "missing information": "info",
    "authorization": "auth",
    "timely filing": "timely",
    "duplicate": "dup",
    "medical necessity": "med nec",
    "contractual": "contract",
    "other": "other",
}
ACTION_SHORT = {
    "resubmit": "resub",
    "appeal": "appeal",
    "write off": "w/off",
    "transfer to patient": "to pt",
    "follow up": "f/up",
}


def route_text(row: DenialRow) -> str:
    """The routing rules' category and default action, short: 'auth/appeal', 'info/resub'."""
    if not row.category:
        return ""
    category = CATEGORY_SHORT.get(row.category, row.category)
    return f"{category}/{ACTION_SHORT.get(row.action or '', row.action or '')}"


def scrub_text(row: UnbilledRow) -> str:
    """The scrubber's verdict in marks that read without colour: '2✖ 1⚠', '1⚠' or 'ok'."""
    parts = []
    if row.errors:
        parts.append(f"{row.errors}{ERROR_MARK}")
    if row.warnings:
        parts.append(f"{row.warnings}{WARNING_MARK}")
    return " ".join(parts) or "ok"


def _bucket(value: Decimal) -> str:
    return "" if value == 0 else money(value)


def row_cells(row: QueueRow) -> tuple[str, ...]:
    """The text of each column of `row`, in COLUMNS order."""
    if isinstance(row, UnbilledRow):
        return (
            fmt_date(row.dos),
            row.patient_name,
            row.provider_name,
            row.payer_name,
            money(row.charges),
            str(row.age_days),
            scrub_text(row),
        )
    if isinstance(row, PendingClaimRow):
        return (
            row.claim_no,
            row.patient_name,
            row.payer_name,
            row.status_label,
            row.last_ack or ("none yet" if row.submitted_on else ""),
            str(row.days_waiting),
            money(row.amount),
        )
    if isinstance(row, RejectionRow):
        return (
            row.claim_no,
            row.patient_name,
            row.payer_name,
            row.reason,
            str(row.days),
            money(row.amount),
            row.holder or "",
        )
    if isinstance(row, DenialRow):
        return (
            row.claim_no,
            row.patient_name,
            row.payer_name,
            carc_code(row),
            route_text(row),
            money(row.amount),
            str(row.days_since),
            row.owner or "",
        )
    if isinstance(row, ClaimBalanceRow):
        return (
            row.claim_no,
            row.patient_name,
            row.payer_name,
            short_responsibility(row.responsibility),
            fmt_date_short(row.dos),
            str(row.age_days),
            money(row.total),
            row.follow_up.strftime("%m/%d") if row.follow_up else "",
        )
    assert isinstance(row, BalanceRow)
    return (
        row.account_no,
        row.patient_name,
        short_responsibility(row.responsibility),
        *(_bucket(bucket) for bucket in row.buckets),
        money(row.total),
    )


GONE_STYLE = "dim strike"
"""A row that left the list since it was loaded (closed, sent): kept until the next reload,
so the rows under the cursor do not move."""


def _cell(value: str, col: Col, style: str = "") -> Text:
    return Text(
        " " + value,
        style=style,
        justify="right" if col.right else "left",
        no_wrap=True,
        overflow="ellipsis",
    )


class QueueTable(DataTable[Text]):
    """A DataTable showing rows of one queue; Enter posts RowSelected (the screen opens it).

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the row's detail. |
    | j / down, k / up | Move the cursor. |
    | home / end | First / last loaded row. |
    | pageup / pagedown | A screen up / down. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="queue.open", tooltip="Open the row"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home", "scroll_top", "First row", show=False, id="table.first"),
        Binding("end", "scroll_bottom", "Last loaded row", show=False, id="table.last"),
    ]

    def __init__(self, kind: QueueKind, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, cell_padding=0, id=id)
        self.kind = kind
        self._columns_spec = COLUMNS[kind]
        self._by_claim = False
        self.laid_out_for = 0
        """The width the columns were laid out for (0: not yet)."""
        self.gone_keys: set[str] = set()
        """Rows that left the list since they were loaded (shown struck through)."""
        self.cursor_listener: Callable[[], None] | None = None
        """Called as the cursor moves, before the move is painted: what it changes goes
        out in the same frame (RowHighlighted arrives after it, often a frame later)."""

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old != new and self.cursor_listener is not None:
            self.cursor_listener()

    def setup_columns(self, total_width: int, *, by_claim: bool = False) -> None:
        """Add the queue's columns sized for a table `total_width` cells wide."""
        self._by_claim = by_claim
        self.laid_out_for = total_width
        self._columns_spec = columns_for(self.kind, by_claim)
        self.clear(columns=True)
        widths = layout(self._columns_spec, total_width)
        for col, width in zip(self._columns_spec, widths, strict=True):
            if col.auto:  # an auto column is as wide as its widest cell, the label included
                label = _cell(col.label.rjust(width) if col.right else col.label.ljust(width), col)
                self.add_column(label, key=col.label)
            else:
                self.add_column(_cell(col.label, col), width=width + 1, key=col.label)

    def relayout(self, total_width: int, rows: Sequence[QueueRow]) -> None:
        """Lay the columns out again for a new width (the terminal grew or shrank) and show
        `rows` in them, the cursor on the same row."""
        if total_width == self.laid_out_for:
            return
        cursor = self.cursor_row
        self.setup_columns(total_width, by_claim=self._by_claim)
        self.add_queue_rows(rows)
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1), animate=False)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures every cell of every new row; only the auto columns' widths can
        # change (the others are fixed and every row is one line high), and a cell here is a
        # one-line Text whose width is its cell length: a page of rows goes in at a fraction
        # of the cost (docs/performance.md, page down).
        auto = [column for column in self.ordered_columns if column.auto_width]
        for key in new_rows:
            cells = self._data.get(key)
            if cells is None:
                continue  # removed again before the table was idle
            for column in auto:
                cell = cells.get(column.key)
                if cell is not None:
                    column.content_width = max(column.content_width, cell.cell_len)
        width = sum(column.get_render_width(self) for column in self.columns.values())
        height = self._total_row_height + (self.header_height if self.show_header else 0)
        size = Size(width + self._row_label_column_width, height)
        before = self.virtual_size
        if size.width == before.width and size.height >= before.height > self.size.height:
            # Rows went in below a table that already scrolls: its box and scrollbars stay,
            # so the screen needs no new layout (setting virtual_size would lay it all out
            # again, the costliest part of a page of rows going in); the scrollbar repaints.
            self.set_reactive(DataTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def add_queue_rows(self, rows: Sequence[QueueRow]) -> None:
        """Append rows (cells cut to their column with an ellipsis; amounts never cut)."""
        for row in rows:
            self.add_row(*self._cells(row), key=row_key(row))

    def _cells(self, row: QueueRow) -> list[Text]:
        style = GONE_STYLE if row_key(row) in self.gone_keys else ""
        specs = self._columns_spec
        return [_cell(value, col, style) for value, col in zip(row_cells(row), specs, strict=True)]

    def update_queue_row(self, row: QueueRow, *, gone: bool = False) -> None:
        """Show `row` again in place (its key's row; the cursor stays where it is); `gone`:
        it has left the list, strike it through."""
        key = row_key(row)
        if gone:
            self.gone_keys.add(key)
        else:
            self.gone_keys.discard(key)
        for col, cell in zip(self._columns_spec, self._cells(row), strict=True):
            self.update_cell(key, col.label, cell, update_width=col.auto)
