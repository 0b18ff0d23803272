"""Unmatched remittances: 835 payments (and 277CA acknowledgments) for claims the import could
not find, newest first. Enter finds the claim and posts the payment to it; x closes an item
that is not ours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from medbill_tui.records.queues import Cursor
from medbill_tui.records.unmatched import MatchOutcome, UnmatchedRow
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.screens.unmatched_match import MatchScreen
from medbill_tui.screens.work_next import HELD_MARK, WorkNextActions
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.text import fmt_date_short, money, plural


@dataclass
class UnmatchedLoaded(Message):
    """A page of unmatched items arrived (`first`: it replaces the rows shown)."""

    rows: tuple[UnmatchedRow, ...]
    next_cursor: Cursor | None
    first: bool


@dataclass
class UnmatchedClosed(Message):
    """An item was closed as not ours."""

    work_item_id: int


def unmatched_cells(row: UnmatchedRow) -> list[str]:
    """The table cells of one item (a 277CA carries no money: its column says so; @ before
    the claim number: someone holds it)."""
    paid = money(row.paid) if row.source == "835" else "277CA"
    pcn = f"{HELD_MARK}{row.patient_control_no}" if row.holder else row.patient_control_no
    return [
        fmt_date_short(row.opened_on),
        row.payer_name or "—",
        row.trace_no or "—",
        pcn,
        row.patient_name or "—",
        paid,
    ]


class UnmatchedTable(PickTable):
    """The unmatched items.

    | Key(s) | Description |
    | :- | :- |
    | enter | Find the claim and post the payment to it. |
    | x | Close as not ours (with a reason). |
    """

    COLUMNS = (
        ("Opened", 8),
        ("Payer", 13),
        ("Trace", 9),
        ("Claim no.", 13),
        ("Patient (835)", 13),
        ("Paid", 10),
    )

    DEFAULT_CSS = """
    UnmatchedTable {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Match",
            id="unmatched.match",
            tooltip="Find the claim and post the payment to it",
        ),
        Binding(
            "x",
            "screen.not_ours",
            "Not ours",
            id="unmatched.not-ours",
            tooltip="Close without moving money (not ours, returned to the payer)",
        ),
    ]


class UnmatchedScreen(WorkNextActions):
    """Payments the import could not tie to a claim, newest first, a page at a time.

    | Key(s) | Description |
    | :- | :- |
    | enter | Choose the claim (typing narrows), confirm, post. |
    | x | Close as not ours / returned to the payer. |
    | n | Take the newest item nobody holds and open it (@: someone holds it). |
    | r | Reload. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    #unmatched-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Reload", id="unmatched.refresh", tooltip="Load again"),
        Binding("escape", "back", "Back", id="unmatched.back", tooltip="Close the list"),
    ]

    def __init__(self, page_size: int = 200) -> None:
        super().__init__()
        self.page_size = page_size
        self.rows: list[UnmatchedRow] = []
        """The rows shown, in table order."""
        self.next_cursor: Cursor | None = None
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield UnmatchedTable(id="unmatched-table")
        yield Static("Loading…", id="unmatched-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Unmatched remittances"
        self.query_one(UnmatchedTable).focus()
        self.reload()

    def reload(self) -> None:
        self.loading = True
        self.load(None)

    @work(thread=True, exit_on_error=False, group="unmatched", exclusive=True)
    def load(self, after: Cursor | None) -> None:
        page = self.services.unmatched.page(after, self.page_size)
        self.post_message(UnmatchedLoaded(page.rows, page.next_cursor, after is None))

    def on_unmatched_loaded(self, message: UnmatchedLoaded) -> None:
        self.loading = False
        self.rows = list(message.rows) if message.first else self.rows + list(message.rows)
        self.next_cursor = message.next_cursor
        self.query_one(UnmatchedTable).set_rows(
            (str(row.work_item_id), unmatched_cells(row)) for row in self.rows
        )
        self._show_status()

    def _show_status(self) -> None:
        paid = sum((r.paid for r in self.rows if r.source == "835"), Decimal("0.00"))
        more = "+" if self.next_cursor is not None else ""
        text = f"{plural(len(self.rows), 'item')}{more} · paid {money(paid)}"
        if self.rows:
            text += " · Enter: match · x: not ours"
        row = self._row()
        if row is not None and row.holder:
            text += f" · @ held by {row.holder}"
        self.query_one("#unmatched-status", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_status()
        near_end = event.cursor_row >= len(self.rows) - 10
        if near_end and self.next_cursor is not None and not self.loading:
            self.loading = True
            self.load(self.next_cursor)

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "unmatched":
            self.loading = False
            self.query_one("#unmatched-status", Static).update("Could not load: r tries again")

    # actions -------------------------------------------------------------------------

    def _row(self) -> UnmatchedRow | None:
        key = self.query_one(UnmatchedTable).selected_key()
        return next((r for r in self.rows if str(r.work_item_id) == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self._row()
        if row is not None:
            self._open(row)

    def _open(self, row: UnmatchedRow) -> None:
        if row.source != "835":
            self.notify(
                "A 277CA acknowledgment carries no money to post. If the claim is not "
                "ours, x closes it.",
                title="Nothing to post",
            )
            return
        self.app.push_screen(MatchScreen(row), self._matched)

    def work_queue(self) -> Queue | None:
        return "unmatched"

    def current_work_item(self) -> int | None:
        row = self._row()
        return None if row is None else row.work_item_id

    def open_taken(self, lease: WorkLease) -> None:
        """Open the item just taken as Enter does (the claim chooser for a payment)."""
        row = next((r for r in self.rows if r.work_item_id == lease.work_item_id), None)
        if row is None:
            self.notify(
                f"Item {lease.work_item_id} is yours but not loaded yet: r reloads.", title="Next"
            )
            return
        table = self.query_one(UnmatchedTable)
        table.move_cursor(row=self.rows.index(row))
        self._open(row)
        if row.source != "835":  # nothing opens for a 277CA: show it held (x closes it)
            self.reload()

    def work_released(self) -> None:
        self.reload()

    def _matched(self, outcome: MatchOutcome | None) -> None:
        if outcome is None:
            self.reload()  # someone else may have dealt with it meanwhile
            return
        words = " ".join(
            (
                f"Posted {money(outcome.paid)} to claim {outcome.claim_no} "
                f"({outcome.claim_status}).",
                *outcome.notes,
            )
        )
        self.notify(words, title="Payment posted")
        self.reload()

    def action_not_ours(self) -> None:
        row = self._row()
        if row is None:
            return
        title = f"Close {row.patient_control_no} without posting"

        def closing(reason: str | None) -> None:
            if reason:
                self.close_item(row.work_item_id, reason)

        self.app.push_screen(
            ReasonScreen(title, "Why (not ours, returned to the payer…):"), closing
        )

    @work(thread=True, exit_on_error=False, group="unmatched-close", exclusive=True)
    def close_item(self, work_item_id: int, reason: str) -> None:
        self.services.unmatched.close_not_ours(work_item_id, reason)
        self.post_message(UnmatchedClosed(work_item_id))

    def on_unmatched_closed(self, message: UnmatchedClosed) -> None:
        self.notify("Closed; no money moved.", title="Unmatched item closed")
        self.reload()

    def action_refresh(self) -> None:
        self.query_one("#unmatched-status", Static).update("Loading…")
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
