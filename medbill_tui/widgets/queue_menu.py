"""The dashboard's list of the queues with their counts and amounts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from medbill_tui.records.queues import QUEUE_KEYS, QUEUE_TITLES, QueueKind, QueueSummary
from medbill_tui.widgets.text import money

LOADING = "loading…"


COLUMN_TITLES = f"  {'Queue':<31}Items{'Amount':>16}"
"""Titles of the menu's columns, shown in its top border (which starts 2 cells further right
than the options), aligned with `queue_line`."""


def queue_line(kind: QueueKind, summary: QueueSummary | None) -> Text:
    """' 1  Unbilled encounters     123 items      $45,678.90' (or loading…)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f" {QUEUE_KEYS[kind]} ", style="bold")
    line.append(f" {QUEUE_TITLES[kind]:<22}")
    if summary is None:
        line.append(f"{LOADING:>14}")
    else:
        noun = "item" if summary.count == 1 else "items"
        line.append(f"{summary.count:>8,} {noun:<5}")
        line.append(f"{money(summary.amount):>16}")
    return line


class QueueMenu(OptionList):
    """One line per queue; Enter (or a click) posts OptionSelected with the queue as option id.

    | Key(s) | Description |
    | :- | :- |
    | j / down, k / up | Move. |
    | enter | Open the chosen queue. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="menu.down"),
        Binding("k", "cursor_up", "Up", show=False, id="menu.up"),
        Binding("enter", "select", "Open", id="dashboard.open", tooltip="Open the chosen queue"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            *(Option(queue_line(kind, None), id=kind.value) for kind in QueueKind),
            id=id,
        )
        self.border_title = COLUMN_TITLES

    def show_summaries(self, summaries: tuple[QueueSummary, ...]) -> None:
        by_kind = {summary.kind: summary for summary in summaries}
        for kind in QueueKind:
            self.replace_option_prompt(kind.value, queue_line(kind, by_kind.get(kind)))

    @property
    def chosen(self) -> QueueKind | None:
        index = self.highlighted
        if index is None:
            return None
        option_id = self.get_option_at_index(index).id
        return QueueKind(option_id) if option_id else None
