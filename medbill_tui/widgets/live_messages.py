"""Messages of the live lists: the app's listener thread tells the screens what changed."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from medbill_tui.records.live import Handover, ListChanges
from medbill_tui.records.queues import QueueRow


@dataclass
class ListsChanged(Message, bubble=False):
    """The database said these work items or claims changed (posted to every screen in the
    stack; a screen showing one of them re-reads it). It does not bubble: the app posts it
    down to the screens, and they must not hand it back."""

    changes: ListChanges


@dataclass
class RowsReread(Message, bubble=False):
    """A live list's changed rows, read again by id: `rows` are still in the list, the
    other `asked` ids have left it. `generation`: the list's load they belong to."""

    generation: int
    asked: tuple[str, ...]
    rows: tuple[QueueRow, ...]


@dataclass
class HandedOver(Message):
    """A work item the biller held went to someone else, or came to them from someone."""

    handover: Handover
    lost: bool
    """True: it was theirs and is not any more; False: it is theirs now."""
