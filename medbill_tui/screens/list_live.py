"""What a live pick list adds (follow-ups, unmatched remittances, credits), as `LiveRows` does
for the queues: told by the database which work items changed (`ListsChanged` on the list's
channel), it reads again only those of its loaded rows, by id, and shows them in place; the
cursor does not move. A row that left the list is struck through until the next reload; an
item new to the list shows on the next reload (r)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.pick_list import ListPageLoaded
from medbill_tui.widgets.form_table import Cell, PickTable
from medbill_tui.widgets.live_messages import ListsChanged

LIVE_GROUP = "list-reread"


@dataclass
class ItemsReread(Message, bubble=False):
    """Changed rows read again by id: `rows` are still in the list, the other `asked` ids
    have left it. `generation`: the load of the list they belong to."""

    generation: int
    asked: tuple[int, ...]
    rows: tuple[Any, ...]


class LiveItems(ServiceScreen):
    """Keeps the loaded rows of a work-item pick list current. The screen names its channel
    (`live_channel`, records/live.py) and keeps its rows in `rows`, in table order. List it
    after the screen's first base: Textual takes DEFAULT_CSS along the first bases only."""

    live_channel: ClassVar[str]
    rows: list[Any]

    _live_generation = 0
    _live_rereading = False
    _live_waiting: frozenset[int] = frozenset()
    """Ids told of while a re-read was running: read next."""

    # what the screen says ---------------------------------------------------------------

    def live_table(self) -> PickTable:
        raise NotImplementedError

    def live_id(self, row: Any) -> int:
        """The row's work item id (its table key is that id as text)."""
        raise NotImplementedError

    def live_cells(self, row: Any) -> Sequence[Cell]:
        raise NotImplementedError

    def reread_items(self, ids: Sequence[int]) -> Sequence[Any]:
        """The rows with these ids still in the list (runs in the worker thread)."""
        raise NotImplementedError

    def live_shown(self) -> None:
        """Hook: rows were shown again (the status line's counts and totals)."""

    def live_rows_replaced(self) -> None:
        """The rows were loaded again: a re-read still on its way is older, dropped."""
        self._live_generation += 1

    # the machinery ------------------------------------------------------------------------

    def on_list_page_loaded(self, message: ListPageLoaded[Any]) -> None:
        if message.first:
            self.live_rows_replaced()

    def on_lists_changed(self, message: ListsChanged) -> None:
        changes = message.changes
        if self.live_channel in changes.swamped:
            self.notify("Many items changed at once: r shows them", title="List", timeout=5)
        loaded = {self.live_id(row) for row in self.rows}
        changed = changes.item_ids(self.live_channel) & loaded
        if changed:  # nothing shown changed: a new item waits for the next reload
            self._live_waiting = self._live_waiting | changed
            self._reread_waiting()

    def _reread_waiting(self) -> None:
        if self._live_rereading or not self._live_waiting:
            return
        wanted, self._live_waiting = tuple(sorted(self._live_waiting)), frozenset()
        self._live_rereading = True
        self._reread(self._live_generation, wanted)

    @work(thread=True, exit_on_error=False, group=LIVE_GROUP)
    def _reread(self, generation: int, ids: tuple[int, ...]) -> None:
        self.post_message(ItemsReread(generation, ids, tuple(self.reread_items(ids))))

    def on_items_reread(self, message: ItemsReread) -> None:
        self._live_rereading = False
        if message.generation == self._live_generation:  # else loaded since: already current
            self._show_reread(message)
        self._reread_waiting()

    def _show_reread(self, message: ItemsReread) -> None:
        fresh = {self.live_id(row): row for row in message.rows}
        table = self.live_table()
        for index, row in enumerate(self.rows):
            item = self.live_id(row)
            if item not in message.asked:
                continue
            now = fresh.get(item, row)
            self.rows[index] = now
            table.update_row(str(item), self.live_cells(now), gone=item not in fresh)
        self.live_shown()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # ServiceScreen's handler (also called) tells the biller; the next change reads again
        if event.state is WorkerState.ERROR and event.worker.group == LIVE_GROUP:
            self._live_rereading = False
