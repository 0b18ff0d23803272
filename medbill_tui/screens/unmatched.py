"""Unmatched remittances: 835 payments (and 277CA acknowledgments) for claims the import could
not find, newest first. Enter finds the claim and posts the payment to it; x closes an item
that is not ours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from medbill_tui.records.queues import Cursor, Page
from medbill_tui.records.unmatched import MatchOutcome, UnmatchedRow
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.list_live import LiveItems
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.screens.unmatched_match import MatchScreen
from medbill_tui.screens.work_next import HELD_MARK, WorkNextActions
from medbill_tui.widgets.columns import Col
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.text import fmt_date_short, money, plural


@dataclass
class UnmatchedClosed(Message):
    """An item was closed as not ours."""

    work_item_id: int


def unmatched_cells(row: UnmatchedRow) -> list[Cell]:
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


class UnmatchedTable(ListTable):
    """The unmatched items.

    | Key(s) | Description |
    | :- | :- |
    | enter | Find the claim and post the payment to it. |
    | x | Close as not ours (with a reason). |
    """

    COLUMNS = (
        ("Opened", 8),
        Col("Payer", 13, flex=1),
        Col("Trace", 9, flex=1),
        ("Claim no.", 13),
        Col("Patient (835)", 13, flex=2),
        Col("Paid", 10, right=True),
    )

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


class UnmatchedScreen(PickListScreen[UnmatchedRow], LiveItems, WorkNextActions):
    """Payments the import could not tie to a claim, newest first, a page at a time.

    | Key(s) | Description |
    | :- | :- |
    | enter | Choose the claim (typing narrows), confirm, post. |
    | x | Close as not ours / returned to the payer. |
    | n | Take the newest item nobody holds and open it (@: someone holds it). |
    | r | Reload. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = list_bindings("unmatched")

    list_id = "unmatched"
    list_title = "Unmatched remittances"
    table_class = UnmatchedTable
    live_channel = "unmatched"

    def load_page(self, after: Cursor | None) -> Page[UnmatchedRow]:
        return self.services.unmatched.page(after, self.page_size)

    def row_key(self, row: UnmatchedRow) -> str:
        return str(row.work_item_id)

    def row_cells(self, row: UnmatchedRow) -> list[Cell]:
        return unmatched_cells(row)

    def live_table(self) -> UnmatchedTable:
        return self.query_one(UnmatchedTable)

    def live_id(self, row: UnmatchedRow) -> int:
        return row.work_item_id

    def live_cells(self, row: UnmatchedRow) -> list[Cell]:
        return unmatched_cells(row)

    def reread_items(self, ids: Sequence[int]) -> Sequence[UnmatchedRow]:
        return self.services.unmatched.rows(ids)

    def live_shown(self) -> None:
        self.show_status()

    def status_text(self) -> str:
        paid = sum((r.paid for r in self.rows if r.source == "835"), Decimal("0.00"))
        more = "+" if self.next_cursor is not None else ""
        text = f"{plural(len(self.rows), 'item')}{more} · paid {money(paid)}"
        if self.rows:
            text += " · Enter: match · x: not ours"
        row = self.current()
        if row is not None and row.holder:
            text += f" · @ held by {row.holder}"
        return text

    # actions -------------------------------------------------------------------------

    def open_row(self, row: UnmatchedRow) -> None:
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
        row = self.current()
        return None if row is None else row.work_item_id

    def open_taken(self, lease: WorkLease) -> None:
        """Open the item just taken as Enter does (the claim chooser for a payment)."""
        row = next((r for r in self.rows if r.work_item_id == lease.work_item_id), None)
        if row is None:
            self.notify(
                f"Item {lease.work_item_id} is yours but not loaded yet: r reloads.", title="Next"
            )
            return
        self.table.move_cursor(row=self.rows.index(row))
        self.open_row(row)
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
        row = self.current()
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
