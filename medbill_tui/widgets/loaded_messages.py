"""Messages that thread workers post back to the screen (or app) that started them.

Every message carries plain frozen records (never ORM rows), so the event loop only
ever touches data that is safe to share between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from medbill_tui.records.queues import Cursor, Page, PayerOption, QueueRow, QueueSummary

if TYPE_CHECKING:
    from medbill_tui.records.detail import Detail


@dataclass
class SummariesLoaded(Message):
    """Counts and amounts of the four queues arrived."""

    summaries: tuple[QueueSummary, ...]


@dataclass
class PageLoaded(Message):
    """One page of a queue arrived.

    `generation` identifies the filter the page was asked for, so a page that arrives
    after the filter changed is dropped instead of mixed into the new rows.
    """

    generation: int
    after: Cursor | None
    page: Page[QueueRow]


@dataclass
class PayersLoaded(Message):
    """The payers to choose from in a filter arrived."""

    payers: tuple[PayerOption, ...]


@dataclass
class DetailLoaded(Message):
    """A read-only detail (encounter, claim or account) arrived."""

    detail: Detail
