"""The status line under a queue's table (a base of `QueueScreen`): the row number, what is
loaded, the queue's total or the balance row's follow-up, and a denial's or rejection's whole
reason. A cursor move repaints only the few cells of the row number and never lays the line
out again (tests/ui/test_queue_frames.py, docs/performance.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from medbill_tui.records.queues import QueueFilter, QueueKind, QueueRow, QueueSummary
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.queue_ahead import RowsAhead
from medbill_tui.screens.queue_balances import row_follow_up
from medbill_tui.widgets.queue_table import QueueTable, reason_text
from medbill_tui.widgets.text import money, plural

REASON_KINDS = frozenset({QueueKind.DENIALS, QueueKind.REJECTIONS})
"""Queues whose rows carry a reason, shown whole under the table."""


class QueueStatusLine(ServiceScreen):
    """Shows the state of the loaded rows in `#queue-pos`, `#queue-rows`, `#queue-total` and
    `#queue-reason` (composed by `QueueScreen`)."""

    kind: QueueKind
    rows: list[QueueRow]
    filter: QueueFilter
    pages_loaded: int
    summary: QueueSummary | None
    _failed: bool
    _loading: bool
    _stale: bool
    _ahead: RowsAhead

    if TYPE_CHECKING:

        @property
        def complete(self) -> bool: ...

        @property
        def current_row(self) -> QueueRow | None: ...

    _position_width = 0

    def _rows_below(self) -> int:
        table = self.query_one(QueueTable)
        return table.row_count - 1 - table.cursor_row

    def _show_status(self) -> None:
        count = len(self.rows)
        if self._failed:
            rows = f"{plural(count, 'row')} loaded · could not load more, r reloads"
        elif self.pages_loaded == 0:
            rows = "Loading…"
        elif count == 0:
            rows = "No rows match the filter" if self.filter.active else "Nothing in this queue"
        elif self.complete:
            rows = f"all {plural(count, 'row')}"
        else:  # loading while rows fetched ahead wait is not worth a repaint of its own
            waiting = self._loading and not self._ahead and self._rows_below() < 1
            rows = f"{plural(count, 'row')} loaded, {'loading' if waiting else 'more'}…"
        if self._stale:
            rows += " · changed, r reloads"
        position = f"Row {self.query_one(QueueTable).cursor_row + 1:,} ·" if count else ""
        self._size_position_box(count)
        # Repaint only a part of the status line whose text changed: a cursor move then
        # repaints just the few cells of the row number, and never lays the line out again.
        for part, text in (("#queue-pos", position), ("#queue-rows", rows)):
            shown = self.query_one(part, Static)
            if str(shown.content) != text:
                shown.update(text, layout=False)
        total = ""
        if self.kind is QueueKind.BALANCES:
            total = row_follow_up(self.current_row if count else None)
        elif self.summary is not None:
            total = f"Queue: {plural(self.summary.count, 'item')}, {money(self.summary.amount)}"
        if self.kind in REASON_KINDS:
            reason = self.query_one("#queue-reason", Static)
            why = reason_text(self.current_row if count else None)
            if str(reason.content) != why:
                reason.update(why)
        right = self.query_one("#queue-total", Static)
        if str(right.content) != total:
            right.update(total, layout=len(str(right.content)) != len(total))

    def _size_position_box(self, count: int) -> None:
        """Make the row number's box as wide as the last loaded row's number ("Row 1,200 ·"
        and its padding), its text to the right: the line is laid out again only when the
        loaded rows gain a digit, not when a move changes the number's length (a layout
        pass repainted the table's scrollbar twice more: docs/performance.md, page down)."""
        width = len(f"Row {count:,} ·") + 1 if count else 0
        if width != self._position_width:
            self._position_width = width
            self.query_one("#queue-pos", Static).styles.width = width or None
