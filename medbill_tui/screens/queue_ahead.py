"""Rows of a queue fetched ahead of its table, put in as the cursor comes near them.

The next page is fetched when the cursor is half a page from the last row fetched, so it is in
memory well before it is needed. It waits here until the cursor comes within `show_margin` rows
of the table's end, then goes in whole from the table's cursor listener, in the frame of the
move that reached it, not in a frame of its own when it arrives (that repainted the whole table
a second time for one page down). Putting in a few rows on every move measured slower: each
addition costs the table a layout pass (docs/performance.md).
"""

from __future__ import annotations

from collections import deque

from medbill_tui.records.queues import QueueRow
from medbill_tui.widgets.live_messages import RowsReread
from medbill_tui.widgets.queue_table import row_key

SHOW_AHEAD = 60
"""Rows the table keeps below the cursor while more are fetched (three screens), or half a page
when that is less."""


def fetch_margin(page_size: int) -> int:
    """Fetch the next page when fewer rows than this were fetched below the cursor."""
    return max(1, page_size // 2)


def show_margin(page_size: int) -> int:
    """Keep at least this many rows in the table below the cursor while more are fetched."""
    return min(SHOW_AHEAD, fetch_margin(page_size))


class RowsAhead:
    """Fetched rows not in the table yet, in table order."""

    def __init__(self) -> None:
        self._rows: deque[QueueRow] = deque()

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows.clear()

    def extend(self, rows: list[QueueRow]) -> None:
        self._rows.extend(rows)

    def take(self, count: int) -> list[QueueRow]:
        """The first `count` rows (fewer when fewer are left), removed."""
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def keys(self) -> set[str]:
        return {row_key(row) for row in self._rows}

    def reread(self, message: RowsReread, keys: set[str]) -> RowsReread:
        """Rows read again by key: those waiting here are kept as read, or dropped (from
        here and from `keys`) when they left the list; never shown, nothing to strike
        through. The message for the rows in the table."""
        waiting = self.keys() & set(message.asked)
        if not waiting:
            return message
        fresh = {row_key(row): row for row in message.rows}
        self._rows = deque(
            fresh.get(row_key(r), r)
            for r in self._rows
            if row_key(r) in fresh or row_key(r) not in waiting
        )
        keys -= waiting - fresh.keys()
        asked = tuple(key for key in message.asked if key not in waiting)
        return RowsReread(message.generation, asked, message.rows)
