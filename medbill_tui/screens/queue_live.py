"""What a live list adds to a queue screen (a base of `QueueScreen`): told by the database
which items changed (`ListsChanged`), it reads again only those of its loaded rows, by id, and
shows them in place; the cursor does not move. A row that left the list is struck through
until the next reload; an item new to the list shows on the next reload (r)."""

from __future__ import annotations

from typing import ClassVar

from textual import work

from medbill_tui.records.queues import QueueKind, QueueRow
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.live_messages import ListsChanged, RowsReread
from medbill_tui.widgets.queue_table import QueueTable, row_key

REREAD_GROUP = "queue-reread"


class LiveRows(ServiceScreen):
    """Keeps the loaded rows of a denials, rejections or pending-claims list current."""

    LIVE: ClassVar[dict[QueueKind, tuple[str, str]]] = {
        QueueKind.DENIALS: ("denials", "w"),
        QueueKind.REJECTIONS: ("rejections", "r"),
        QueueKind.PENDING_CLAIMS: ("claims", "c"),
    }
    """Each live queue's channel (records/live.py) and the prefix of its row keys."""

    kind: QueueKind
    rows: list[QueueRow]
    _keys: set[str]
    _generation: int

    _stale = False
    """One statement changed too many items to name (or the listener reconnected): the
    status line says r reloads."""
    _rereading = False
    _waiting: dict[str, int]
    """Row keys (and their ids) told of while a re-read was running: read next."""

    def _show_status(self) -> None:
        raise NotImplementedError

    def on_lists_changed(self, message: ListsChanged) -> None:
        live = self.LIVE.get(self.kind)
        if live is None:
            return
        channel, prefix = live
        changes = message.changes
        if channel in changes.swamped:
            self._stale = True
            self._show_status()
        ids = changes.claim_ids(channel) if prefix == "c" else changes.item_ids(channel)
        loaded = {f"{prefix}{i}": i for i in ids if f"{prefix}{i}" in self._keys}
        if not loaded:
            return  # nothing shown changed: a new item waits for the next reload
        if not hasattr(self, "_waiting"):
            self._waiting = {}
        self._waiting.update(loaded)
        self._reread_waiting()

    def _reread_waiting(self) -> None:
        if self._rereading or not getattr(self, "_waiting", None):
            return
        wanted, self._waiting = self._waiting, {}
        self._rereading = True
        self.reread_rows(self._generation, tuple(wanted), tuple(wanted.values()))

    @work(thread=True, exit_on_error=False, group=REREAD_GROUP)
    def reread_rows(self, generation: int, keys: tuple[str, ...], ids: tuple[int, ...]) -> None:
        rows = self.services.queues.rows(self.kind, ids)
        self.post_message(RowsReread(generation, keys, rows))

    def on_rows_reread(self, message: RowsReread) -> None:
        self._rereading = False
        if message.generation == self._generation:  # else reloaded since: already current
            self._show_rows(message)
        self._reread_waiting()

    def _show_rows(self, message: RowsReread) -> None:
        table = self.query_one(QueueTable)
        fresh = {row_key(row): row for row in message.rows}
        for key in message.asked:
            if key not in self._keys:
                continue
            index = table.get_row_index(key)
            row = fresh.get(key, self.rows[index])
            self.rows[index] = row
            table.update_queue_row(row, gone=key not in fresh)
        self._show_status()

    def reread_failed(self) -> None:
        """A re-read failed (the biller was told): the next change reads again."""
        self._rereading = False
