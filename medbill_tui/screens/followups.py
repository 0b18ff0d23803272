"""Follow-up due: the claims and accounts whose next action has come, denials near their
deadline and claims accepted with no payment in time first. Enter opens one; d records the
outcome (or a new date) and moves to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from medbill_tui.records.followups import (
    RANK_DENIAL,
    RANK_UNPAID,
    Entity,
    FollowupDone,
    FollowupRow,
    FollowupSaved,
    NoteEntry,
)
from medbill_tui.records.queues import Cursor
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.note import NoteActions, NoteScreen
from medbill_tui.screens.work_next import HELD_MARK, WorkNextActions
from medbill_tui.widgets.form_table import Cell, PickTable
from medbill_tui.widgets.text import fmt_date, fmt_date_short, money, plural

LOAD_GROUP = "followups"
DONE_GROUP = "followups-done"
MARKS = {RANK_DENIAL: "!", RANK_UNPAID: "$"}
"""A mark before the reason that reads without colour: ! denial deadline, $ no payment."""


@dataclass
class FollowupsLoaded(Message):
    """A page of the list arrived (`first`: it replaces the rows shown)."""

    rows: tuple[FollowupRow, ...]
    next_cursor: Cursor | None
    first: bool


@dataclass
class FollowupWorked(Message):
    """Done-and-next finished for one item (closed, or moved to `done.due_on`)."""

    done: FollowupDone


def followup_cells(row: FollowupRow) -> list[Cell]:
    """The table cells of one row; the marks read without colour (@: someone holds it)."""
    why = f"{MARKS.get(row.rank, ' ')}{row.why}"
    label = f"{HELD_MARK}{row.label}" if row.holder else row.label
    return [
        label,
        row.patient_name,
        row.payer_name or "—",
        why,
        fmt_date_short(row.due_on),
        money(row.amount),
    ]


class FollowupTable(PickTable):
    """The follow-ups due.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the claim, account or denial. |
    | d | Done: the outcome (or a new date), then the next item. |
    """

    COLUMNS = (
        ("Claim/Acct", 10),
        ("Patient", 11),
        ("Payer", 9),
        ("Why", 20),
        ("Due", 8),
        ("Owed", 9),
    )

    DEFAULT_CSS = """
    FollowupTable {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            id="followups.open",
            tooltip="Open the claim, account or denial",
        ),
        Binding(
            "d",
            "screen.done_next",
            "Done+next",
            id="followups.done-next",
            tooltip="Record the outcome (or a new date) and go to the next",
        ),
    ]


class FollowupsScreen(WorkNextActions, NoteActions):
    """Follow-ups due today or earlier (a: every open one), a page at a time.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the claim, account or denial. |
    | d | Done and next. |
    | n | Take the next follow-up due that nobody holds and open it (@: someone holds it). |
    | m / p | Note with a next-action date / payer call, on the highlighted row. |
    | a | Due only / every open follow-up. |
    | r | Reload. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    #followups-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "note",
            "Note",
            id="followups.note",
            tooltip="Add a note and a next-action date to the highlighted row",
        ),
        Binding(
            "p",
            "payer_call",
            "Call",
            id="followups.payer-call",
            tooltip="Record a call to the payer about the highlighted claim",
        ),
        Binding(
            "a",
            "toggle_all",
            "All/due",
            id="followups.toggle-all",
            tooltip="Show every open follow-up, or only those due",
        ),
        Binding("r", "refresh", "Reload", id="followups.refresh", tooltip="Load again"),
        Binding("escape", "back", "Back", id="followups.back", tooltip="Close the list"),
    ]

    def __init__(self, page_size: int = 200) -> None:
        super().__init__()
        self.page_size = page_size
        self.rows: list[FollowupRow] = []
        self.next_cursor: Cursor | None = None
        self.loading = False
        self.show_all = False
        self.reload_on_resume = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield FollowupTable(id="followups-table")
        yield Static("Loading…", id="followups-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Follow-up due"
        self.query_one(FollowupTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.reload_on_resume:  # back from a claim or account: it may have changed
            self.reload_on_resume = False
            self.reload()

    # loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.loading = True
        self.load(None)

    @work(thread=True, exit_on_error=False, group=LOAD_GROUP, exclusive=True)
    def load(self, after: Cursor | None) -> None:
        page = self.services.followups.due_page(
            show_all=self.show_all, after=after, limit=self.page_size
        )
        self.post_message(FollowupsLoaded(page.rows, page.next_cursor, after is None))

    def on_followups_loaded(self, message: FollowupsLoaded) -> None:
        self.loading = False
        self.rows = list(message.rows) if message.first else self.rows + list(message.rows)
        self.next_cursor = message.next_cursor
        self.show_rows()

    def show_rows(self) -> None:
        self.query_one(FollowupTable).set_rows(
            (str(row.work_item_id), followup_cells(row)) for row in self.rows
        )
        self.show_status()

    def show_status(self) -> None:
        owed = sum((r.amount for r in self.rows), Decimal("0.00"))
        more = "+" if self.next_cursor is not None else ""
        which = "open" if self.show_all else "due"
        text = f"{plural(len(self.rows), 'follow-up')}{more} {which} · owed {money(owed)}"
        text += " · a: due only" if self.show_all else " · a: all open"
        if self.rows:
            text += " · ! deadline · $ unpaid"
        current = self.current()
        if current is not None and current.holder:
            text += f" · @ held by {current.holder}"
        self.query_one("#followups-status", Static).update(Text(text))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_status()
        near_end = event.cursor_row >= len(self.rows) - 10
        if near_end and self.next_cursor is not None and not self.loading:
            self.loading = True
            self.load(self.next_cursor)

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == LOAD_GROUP:
            self.loading = False
            self.query_one("#followups-status", Static).update("Could not load: r tries again")
        elif worker.group == DONE_GROUP:
            self.reload()  # someone else may have closed it: show the list as it is now

    # actions -------------------------------------------------------------------------

    def current(self) -> FollowupRow | None:
        key = self.query_one(FollowupTable).selected_key()
        return next((r for r in self.rows if str(r.work_item_id) == key), None)

    def note_target(self) -> tuple[Entity, int, str] | None:
        row = self.current()
        if row is None:
            return None
        words = f"claim {row.label}" if row.entity == "claim" else f"account {row.label}"
        return row.entity, row.entity_id, words

    def note_saved(self, saved: FollowupSaved) -> None:
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current()
        if row is None:
            return
        from medbill_tui.screens.account_detail import AccountDetailScreen
        from medbill_tui.screens.claim_detail import ClaimDetailScreen
        from medbill_tui.screens.denial import DenialScreen

        self.reload_on_resume = True
        if row.kind == "denial":
            self.app.push_screen(DenialScreen(row.work_item_id))
        elif row.claim_id is not None:
            self.app.push_screen(ClaimDetailScreen(row.claim_id))
        else:
            self.app.push_screen(AccountDetailScreen(row.entity_id))

    def work_queue(self) -> Queue | None:
        return "followups"

    def current_work_item(self) -> int | None:
        row = self.current()
        return None if row is None else row.work_item_id

    def open_taken(self, lease: WorkLease) -> None:
        """The claim (or the account) of the follow-up just taken."""
        from medbill_tui.screens.account_detail import AccountDetailScreen
        from medbill_tui.screens.claim_detail import ClaimDetailScreen

        if lease.claim_id is not None:
            self.app.push_screen(ClaimDetailScreen(lease.claim_id))
        elif lease.patient_id is not None:
            self.app.push_screen(AccountDetailScreen(lease.patient_id))

    def work_released(self) -> None:
        self.reload()

    def action_done_next(self) -> None:
        row = self.current()
        if row is None:
            self.notify("Nothing to close here", severity="warning")
            return

        def answered(entry: NoteEntry | None) -> None:
            if entry is not None:
                self.query_one("#followups-status", Static).update("Saving…")
                self.done(row.work_item_id, entry.body, entry.next_on)

        self.app.push_screen(
            NoteScreen(
                f"Done: {row.label} · {row.why}",
                today=self.services.clock.today(),
                body_label="Outcome",
                date_label="Or move to",
                date_hint="Blank date: close it",
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group=DONE_GROUP, exclusive=True)
    def done(self, work_item_id: int, outcome: str, next_on: date | None) -> None:
        self.post_message(
            FollowupWorked(self.services.followups.done(work_item_id, outcome, next_on))
        )

    def on_followup_worked(self, message: FollowupWorked) -> None:
        done = message.done
        table = self.query_one(FollowupTable)
        index = table.cursor_row
        still_shown = self.show_all and done.due_on is not None
        if not still_shown:
            self.rows = [r for r in self.rows if r.work_item_id != done.work_item_id]
        self.show_rows()
        if self.rows:
            table.move_cursor(row=min(index + (1 if still_shown else 0), len(self.rows) - 1))
        words = "Closed" if done.due_on is None else f"Moved to {fmt_date(done.due_on)}"
        left = "; that was the last one" if not self.rows else ""
        self.notify(f"{words}{left}", title="Follow-up")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.sub_title = "Follow-up: all open" if self.show_all else "Follow-up due"
        self.query_one("#followups-status", Static).update("Loading…")
        self.reload()

    def action_refresh(self) -> None:
        self.query_one("#followups-status", Static).update("Loading…")
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
