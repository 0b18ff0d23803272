"""One work queue as a table that loads a page at a time as the cursor moves down."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from medbill_tui.records.queues import (
    QUEUE_TITLES,
    TIMERS,
    BalanceRow,
    Cursor,
    DenialRow,
    PayerOption,
    QueueFilter,
    QueueKind,
    QueueRow,
    QueueSummary,
    RejectionRow,
    UnbilledRow,
)
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.denial_prefetch import PrefetchesDenials
from medbill_tui.screens.filter import FilterScreen, describe_filter
from medbill_tui.screens.queue_ahead import RowsAhead, fetch_margin, show_margin
from medbill_tui.screens.queue_balances import BalanceActions
from medbill_tui.screens.queue_bindings import QUEUE_BINDINGS
from medbill_tui.screens.queue_live import REREAD_GROUP, LiveRows
from medbill_tui.screens.queue_status_line import REASON_KINDS, QueueStatusLine
from medbill_tui.screens.queue_status_request import StatusRequestActions
from medbill_tui.screens.work_next import WorkNextActions
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.live_messages import RowsReread
from medbill_tui.widgets.loaded_messages import PageLoaded, PayersLoaded, SummariesLoaded
from medbill_tui.widgets.queue_table import QueueTable, row_key


class QueueScreen(
    QueueStatusLine,
    StatusRequestActions,
    WorkNextActions,
    BalanceActions,
    LiveRows,
    PrefetchesDenials,
):
    """The rows of one queue, a page at a time, with a filter and a status line.

    Pages are asked for with the keyset cursor of the previous page, each at most once per
    filter; a page that arrives after the filter changed is dropped. Denials, rejections and
    pending claims are live: a row someone else changes is shown again in place (LiveRows).

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the row (unbilled: edit the encounter; else the claim or account). |
    | v | Unbilled / denials: view the encounter or claim read-only. |
    | a | Unbilled: key a new encounter. |
    | c | Unbilled: create the claim of this encounter (preview, then confirm). |
    | C | Unbilled: create the claims of every clean encounter (preview, then confirm). |
    | P | Unbilled: bill the patient, no claim (self-pay; an insured visit asks why). |
    | h / u | Unbilled and pending claims: put on hold with a reason / release. |
    | / | Filter by patient / account and payer. |
    | x | Clear the filter. |
    | t | Pending claims: cycle the timer filters (no 999, no 277CA, no payment in time). |
    | s | Pending claims: preview, then send every ready claim as 837P files. |
    | f / R | Pending claims, rejections: fix a rejected claim in charge entry / send it again. |
    | v | Rejections: the claim with its history and answers. |
    | n | Denials, rejections: take the next item nobody holds and open it (Held: who has what). |
    | b | Balances: one row per account or one per claim. |
    | r | Reload from the first page. |
    | escape | Back to the dashboard. |
    """

    BINDINGS: ClassVar[list[BindingType]] = QUEUE_BINDINGS

    UNBILLED_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"new_encounter", "create_claim", "create_all_claims", "bill_patient"}
    )

    def __init__(self, kind: QueueKind, *, page_size: int) -> None:
        super().__init__()
        self.kind = kind
        self.page_size = page_size
        self.filter = QueueFilter()
        self.rows: list[QueueRow] = []
        """Every row loaded for the current filter, in table order."""
        self.received = 0
        """Rows the service returned for the current filter (duplicates included)."""
        self.pages_loaded = 0
        self.summary: QueueSummary | None = None
        self.payers: tuple[PayerOption, ...] = ()
        self._generation = 0
        self._next_cursor: Cursor | None = None
        self._requested: set[Cursor | None] = set()
        self._loading = False
        self._failed = False
        self._keys: set[str] = set()
        """Keys of the rows in the table and of those fetched ahead of it."""
        self._ahead = RowsAhead()
        self._page_worker: Worker[None] | None = None

    def keys_wait(self) -> bool:
        """Keys wait for the first page (cursor keys and Enter need rows), for `n`, for a
        preview's question and for the items given back on coming back here."""
        first_page = self.pages_loaded == 0 and not self._failed
        return first_page or self._previewing or WorkNextActions.keys_wait(self)

    @property
    def complete(self) -> bool:
        """True once the last page of the current filter has arrived."""
        return self.pages_loaded > 0 and self._next_cursor is None and not self._ahead

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-buckets")
        yield QueueTable(self.kind, id="queue-table")
        # the highlighted denial's or rejection's whole reason: its column holds only the code
        yield Static("", id="queue-reason", markup=False)
        with Horizontal(id="queue-status"):
            yield Static("", id="queue-pos")
            yield Static("", id="queue-rows")
            yield Static("", id="queue-total")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(QueueTable)
        table.setup_columns(self.app.size.width)
        table.cursor_listener = self._cursor_moved  # rows and row number in the move's frame
        table.focus()
        self.query_one("#queue-reason").display = self.kind in REASON_KINDS
        self.reload()
        self.load_summary()
        self.load_payers()

    def on_resize(self, event: events.Resize) -> None:
        """Columns follow the terminal's width, both ways, with the rows and cursor kept."""
        self.query_one(QueueTable).relayout(event.size.width, self.rows)

    def on_screen_resume(self) -> None:
        # WorkNextActions' handler runs too (Textual calls each class's handler in the MRO)
        self.query_one(QueueTable).relayout(self.app.size.width, self.rows)

    # loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Start again from the first page (new filter or refresh)."""
        self._generation += 1
        self.rows.clear()
        self._keys.clear()
        self._ahead.clear()
        self._requested.clear()
        self.received = 0
        self.pages_loaded = 0
        self._next_cursor = None
        self._loading = False
        self._failed = False
        self._stale = False
        self._waiting = {}
        table = self.query_one(QueueTable)
        table.clear()
        table.gone_keys.clear()
        self.sub_title = QUEUE_TITLES[self.kind]
        if self.filter.active:
            self.sub_title += f" · {describe_filter(self.filter, self.payers)}"
        self.refresh_bindings()
        self._fetch(None)
        self.start_totals()

    def _fetch(self, after: Cursor | None) -> None:
        if after in self._requested:
            return
        self._requested.add(after)
        self._loading = True
        self._show_status()
        self._page_worker = self.load_page(self._generation, self.filter, after)

    @work(thread=True, exit_on_error=False, group="queue-page", exclusive=True)
    def load_page(self, generation: int, filt: QueueFilter, after: Cursor | None) -> None:
        page = self.services.queues.page(self.kind, filt, after, self.page_size)
        self.post_message(PageLoaded(generation, after, page))

    @work(thread=True, exit_on_error=False, group="queue-summary", exclusive=True)
    def load_summary(self) -> None:
        # its own counter only: the other queues' counts are the dashboard's
        self.post_message(SummariesLoaded((self.services.queues.summary(self.kind),)))

    @work(thread=True, exit_on_error=False, group="payers", exclusive=True)
    def load_payers(self) -> None:
        self.post_message(PayersLoaded(self.services.queues.payers()))

    def still_loading(self) -> bool:
        return self.pages_loaded == 0 and not self._failed

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self._generation:
            return
        if self.pages_loaded == 0:
            self.medbill.hold_paint()  # the rows, the status line and the title in one frame
        self._loading = False
        self.pages_loaded += 1
        self._next_cursor = message.page.next_cursor
        self.received += len(message.page.rows)
        fresh = []
        for row in message.page.rows:
            key = row_key(row)
            if key in self._keys:
                self.log.warning(f"{self.kind} page repeated row {key}; shown once")
                continue
            self._keys.add(key)
            fresh.append(row)
        self._ahead.extend(fresh)
        self._show_ahead()
        table = self.query_one(QueueTable)
        if self._cursor_to is not None:
            if self._cursor_to in self._keys:
                table.move_cursor(row=table.get_row_index(self._cursor_to))
            if self._cursor_to in self._keys or self.pages_loaded == 1:
                self._cursor_to = None  # found, or not near enough the top to go to
        self._show_status()
        self._maybe_load_more()

    def on_summaries_loaded(self, message: SummariesLoaded) -> None:
        self.summary = next((s for s in message.summaries if s.kind is self.kind), None)
        self._show_status()

    def on_payers_loaded(self, message: PayersLoaded) -> None:
        self.payers = message.payers

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.claims_failed(worker)
        if worker.group == REREAD_GROUP:
            self.reread_failed()
        if worker is self._page_worker:  # not a page asked for before the filter changed
            self._loading = False
            self._failed = True
            self._show_status()

    def _maybe_load_more(self) -> None:
        if self._loading or self._failed or self._next_cursor is None:
            return
        if self._rows_below() + len(self._ahead) < fetch_margin(self.page_size):
            self._fetch(self._next_cursor)

    def _show_ahead(self) -> None:
        """Put the rows fetched ahead into the table once the cursor is near its end or a row
        is to be found (queue_ahead)."""
        below, margin = self._rows_below(), show_margin(self.page_size)
        if not self._ahead or (below >= margin and self._cursor_to is None):
            return
        rows = self._ahead.take(len(self._ahead))  # at once: each addition costs a layout pass
        self.rows.extend(rows)
        self.query_one(QueueTable).add_queue_rows(rows)

    def _show_rows(self, message: RowsReread) -> None:
        # rows fetched ahead are refreshed where they wait; LiveRows shows the others
        super()._show_rows(self._ahead.reread(message, self._keys))

    def _cursor_moved(self) -> None:
        self._show_ahead()
        self._show_status()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._maybe_load_more()
        self._show_status()

    # actions -------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.rows):
            self.open_row(self.rows[event.cursor_row])

    def open_row(self, row: QueueRow) -> None:
        """Edit an unbilled encounter, work a denial; show the read-only detail of others."""
        if isinstance(row, UnbilledRow):
            self.open_entry(row.encounter_id)
        elif isinstance(row, BalanceRow):
            self.app.push_screen(AccountDetailScreen(row.patient_id))
        elif isinstance(row, DenialRow):
            self.app.push_screen(DenialScreen(row.work_item_id, self.read_ahead(row.work_item_id)))
        else:
            self.app.push_screen(ClaimDetailScreen(row.claim_id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.app.push_screen(FilterScreen(self.kind, self.filter, self.payers), self._apply_filter)

    def _apply_filter(self, result: QueueFilter | None) -> None:
        if result is not None and result != self.filter:
            self.filter = result
            self.reload()

    def action_clear_filter(self) -> None:
        self._apply_filter(QueueFilter())

    def action_next_timer(self) -> None:
        """Cycle the pending-claims timer filter: each overdue kind in turn, then none."""
        order = ("", *TIMERS)
        following = order[(order.index(self.filter.timer) + 1) % len(order)]
        self._apply_filter(replace(self.filter, timer=following))
        if following:
            words = self.services.queues.timers.words(following)
            self.notify(f"Claims with {words}", title="Timer filter", timeout=4)

    def action_refresh(self) -> None:
        self.reload()
        self.load_summary()

    # work claiming (n) ---------------------------------------------------------------

    def work_queue(self) -> Queue | None:
        if self.kind is QueueKind.DENIALS:
            return "denials"
        return "rejections" if self.kind is QueueKind.REJECTIONS else None

    def prefetch_target(self) -> int | None:
        row = self.current_row if self.kind is QueueKind.DENIALS else None
        return row.work_item_id if isinstance(row, DenialRow) else None

    def current_work_item(self) -> int | None:
        row = self.current_row
        return row.work_item_id if isinstance(row, DenialRow | RejectionRow) else None

    def open_taken(self, lease: WorkLease) -> None:
        """The denial screen for a denial; charge entry on the visit of a rejected claim."""
        row = next(
            (
                r
                for r in self.rows
                if isinstance(r, DenialRow | RejectionRow) and r.work_item_id == lease.work_item_id
            ),
            None,
        )
        if row is not None:  # the cursor waits on it for when the biller comes back
            self.query_one(QueueTable).move_cursor(row=self.rows.index(row))
        if self.kind is QueueKind.DENIALS:
            self.app.push_screen(DenialScreen(lease.work_item_id))
        elif lease.encounter_id is not None:  # charge entry shows why at its top
            self.open_entry(lease.encounter_id)

    def work_released(self) -> None:
        row = self.current_row
        if row is not None:
            self._cursor_to = row_key(row)
        self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("work_next", "reassign"):
            return self.kind in (QueueKind.DENIALS, QueueKind.REJECTIONS)
        if action == "clear_filter":  # hidden without a filter: the footer is full
            return self.filter.active
        if action in self.UNBILLED_ACTIONS:
            return self.kind is QueueKind.UNBILLED
        if action in ("next_timer", "submit", "request_status"):
            return self.kind is QueueKind.PENDING_CLAIMS
        if action in ("fix_rejected", "resend_rejected"):
            return self.kind in (QueueKind.PENDING_CLAIMS, QueueKind.REJECTIONS)
        if action == "view":
            return self.kind in (QueueKind.UNBILLED, QueueKind.DENIALS, QueueKind.REJECTIONS)
        if action == "hold":
            return self.kind in (QueueKind.UNBILLED, QueueKind.PENDING_CLAIMS)
        if action == "release":
            return self.kind is QueueKind.PENDING_CLAIMS
        if action == "toggle_by_claim":
            return self.kind is QueueKind.BALANCES
        return True
