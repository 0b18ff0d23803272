"""The denials list reads the highlighted denial ahead of Enter: a cursor resting on a row for
PREFETCH_AFTER seconds reads its denial and claim (read-only, no view row), so Enter paints the
denial screen with its content in the first frame instead of after two reads (over a thin
client's link the reads came before anything readable). The screen reads again as it opens,
recording the view, and repaints only if something changed; a change told by the database
(`ListsChanged`) drops what was read of that denial or claim."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable

from medbill_tui.errors import ServiceError
from medbill_tui.records.detail import ClaimDetail, DenialDetail
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.live_messages import ListsChanged

PREFETCH_GROUP = "denial-prefetch"
PREFETCH_AFTER = 0.25
"""Seconds the cursor rests on a row before it is read (a held arrow key reads nothing)."""
KEEP = 8
"""Denials kept read ahead (the last rows the cursor rested on)."""
MAX_AGE = 60.0
"""Seconds after which a denial read ahead is read again rather than shown."""

Shown = tuple[DenialDetail, ClaimDetail]


@dataclass
class DenialPrefetched(Message, bubble=False):
    work_item_id: int
    shown: Shown


class PrefetchesDenials(ServiceScreen):
    """Keeps the denials the cursor rested on, read ahead (see the module doc)."""

    _prefetch_timer: Timer | None = None
    _read_ahead: dict[int, tuple[float, Shown]]

    def prefetch_target(self) -> int | None:
        """The highlighted row's denial (its work item id), None when it is not one."""
        raise NotImplementedError

    def read_ahead(self, work_item_id: int) -> Shown | None:
        """The denial and its claim as read ahead, if read lately."""
        read: dict[int, tuple[float, Shown]] = getattr(self, "_read_ahead", {})
        found = read.get(work_item_id)
        if found is None or time.monotonic() - found[0] > MAX_AGE:
            return None
        return found[1]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
            self._prefetch_timer = None
        if self.prefetch_target() is not None:
            self._prefetch_timer = self.set_timer(PREFETCH_AFTER, self._prefetch_now)

    def _prefetch_now(self) -> None:
        self._prefetch_timer = None
        target = self.prefetch_target()
        if target is not None and self.read_ahead(target) is None:
            self._prefetch(target)

    @work(thread=True, exit_on_error=False, group=PREFETCH_GROUP, exclusive=True)
    def _prefetch(self, work_item_id: int) -> None:
        try:
            shown = self.services.denials.detail_with_claim(work_item_id, record=False)
        except ServiceError:  # nobody asked yet: Enter reads again and says what is wrong
            return
        self.post_message(DenialPrefetched(work_item_id, shown))

    def on_denial_prefetched(self, message: DenialPrefetched) -> None:
        if not hasattr(self, "_read_ahead"):
            self._read_ahead = {}
        self._read_ahead[message.work_item_id] = (time.monotonic(), message.shown)
        while len(self._read_ahead) > KEEP:
            del self._read_ahead[next(iter(self._read_ahead))]

    def on_lists_changed(self, message: ListsChanged) -> None:
        read = getattr(self, "_read_ahead", None)
        if not read:
            return
        items = message.changes.item_ids("denials")
        claims = message.changes.claim_ids("denials", "claims")
        for work_item_id, (_, (denial, _claim)) in list(read.items()):
            if work_item_id in items or denial.claim_id in claims:
                del read[work_item_id]
