"""Follow-up due: the claims and accounts whose next action has come, denials near their
deadline and claims accepted with no payment in time first. Enter opens one; d records the
outcome (or a new date) and moves to the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
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
from medbill_tui.records.queues import Cursor, Page, PayerOption, QueueFilter
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.filter import FilterScreen, describe_filter
from medbill_tui.screens.followups_status import UnpaidStatusActions
from medbill_tui.screens.list_live import LiveItems
from medbill_tui.screens.note import NoteActions, NoteScreen
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.screens.work_next import HELD_MARK, WorkNextActions
from medbill_tui.widgets.columns import Col
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.loaded_messages import PayersLoaded
from medbill_tui.widgets.text import fmt_date, fmt_date_short, money, plural

DONE_GROUP = "followups-done"
MARKS = {RANK_DENIAL: "!", RANK_UNPAID: "$"}
"""A mark before the reason that reads without colour: ! denial deadline, $ no payment."""


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


class FollowupTable(ListTable):
    """The follow-ups due.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the claim, account or denial. |
    | d | Done: the outcome (or a new date), then the next item. |
    """

    COLUMNS = (
        ("Claim/Acct", 10),
        Col("Patient", 11, flex=2),
        Col("Payer", 9, flex=1),
        Col("Why", 20, flex=3),
        ("Due", 8),
        Col("Owed", 9, right=True),
    )

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


class FollowupsScreen(
    PickListScreen[FollowupRow], LiveItems, WorkNextActions, NoteActions, UnpaidStatusActions
):
    """Follow-ups due today or earlier (a: every open one), a page at a time.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the claim, account or denial. |
    | d | Done and next. |
    | n | Take the next follow-up due that nobody holds and open it (@: someone holds it). |
    | m / p | Note with a next-action date / payer call, on the highlighted row. |
    | a | Due only / every open follow-up. |
    | $ | Ask the payers about every $ claim listed (one 276 in the outbox). |
    | / / x | Filter by claim, payer claim or account number, name, payer / clear it. |
    | r | Reload. |
    | escape | Back. |
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
        Binding(
            "dollar_sign",
            "ask_status_unpaid",
            "Ask",
            key_display="$",
            id="followups.status-request",
            tooltip="Ask the payers about every $ claim listed (a 276 in the outbox)",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="followups.filter",
            show=False,  # the footer is full
            tooltip="Narrow by claim, payer claim or account number, name or payer",
        ),
        Binding(
            "x",
            "clear_filter",
            "Clear",
            id="followups.clear-filter",
            show=False,
            tooltip="Clear the filter",
        ),
        *list_bindings("followups"),
    ]

    list_id = "followups"
    list_title = "Follow-up due"
    table_class = FollowupTable
    live_channel = "followups"

    def __init__(self, page_size: int = 200) -> None:
        super().__init__(page_size)
        self.show_all = False
        self.filter = QueueFilter()
        self.payers: tuple[PayerOption, ...] = ()

    def on_mount(self) -> None:
        super().on_mount()
        self.load_payers()

    def load_page(self, after: Cursor | None) -> Page[FollowupRow]:
        return self.services.followups.due_page(
            show_all=self.show_all, filt=self.filter, after=after, limit=self.page_size
        )

    @work(thread=True, exit_on_error=False, group="payers", exclusive=True)
    def load_payers(self) -> None:
        self.post_message(PayersLoaded(self.services.queues.payers()))

    def on_payers_loaded(self, message: PayersLoaded) -> None:
        self.payers = message.payers

    def row_key(self, row: FollowupRow) -> str:
        return str(row.work_item_id)

    def row_cells(self, row: FollowupRow) -> list[Cell]:
        return followup_cells(row)

    def live_table(self) -> FollowupTable:
        return self.query_one(FollowupTable)

    def live_id(self, row: FollowupRow) -> int:
        return row.work_item_id

    def live_cells(self, row: FollowupRow) -> list[Cell]:
        return followup_cells(row)

    def reread_items(self, ids: Sequence[int]) -> Sequence[FollowupRow]:
        filt = self.filter
        return self.services.followups.due_page(show_all=self.show_all, filt=filt, ids=ids).rows

    def live_shown(self) -> None:
        self.show_status()

    def status_text(self) -> str:
        owed = sum((r.amount for r in self.rows), Decimal("0.00"))
        more = "+" if self.next_cursor is not None else ""
        which = "open" if self.show_all else "due"
        if self.filter.active:
            which += " matching the filter (x clears)"
        text = f"{plural(len(self.rows), 'follow-up')}{more} {which} · owed {money(owed)}"
        text += " · a: due only" if self.show_all else " · a: all open"
        if self.rows:
            text += " · ! deadline · $ unpaid"
        current = self.current()
        if current is not None and current.holder:
            text += f" · @ held by {current.holder}"
        return text

    def worker_failed(self, worker: Worker[Any]) -> None:
        super().worker_failed(worker)
        if worker.group == DONE_GROUP:
            self.reload()  # someone else may have closed it: show the list as it is now

    # actions -------------------------------------------------------------------------

    def note_target(self) -> tuple[Entity, int, str] | None:
        row = self.current()
        if row is None:
            return None
        words = f"claim {row.label}" if row.entity == "claim" else f"account {row.label}"
        return row.entity, row.entity_id, words

    def note_saved(self, saved: FollowupSaved) -> None:
        self.reload()

    def open_row(self, row: FollowupRow) -> None:
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
                self.set_status("Saving…")
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
        table = self.table
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
        self._show_title()
        self.set_status("Loading…")
        self.reload()

    def _show_title(self) -> None:
        title = "Follow-up: all open" if self.show_all else self.list_title
        words = describe_filter(self.filter, self.payers)
        self.sub_title = f"{title} · {words}" if words else title

    def action_filter(self) -> None:
        self.app.push_screen(
            FilterScreen(None, self.filter, self.payers, title="Follow-ups"), self._apply_filter
        )

    def action_clear_filter(self) -> None:
        self._apply_filter(QueueFilter())

    def _apply_filter(self, chosen: QueueFilter | None) -> None:
        if chosen is None or chosen == self.filter:
            return
        self.filter = chosen
        self._show_title()
        self.set_status("Loading…")
        self.reload()
