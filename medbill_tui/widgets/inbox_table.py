"""The inbox's list of files, moved through with the keys every list in the app has."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class InboxTable(DataTable[str | Text]):
    """The inbox folder's files, one row each (DataTable's Home/End scroll sideways; here
    they go to the first and last file, as in the queues).

    | Key(s) | Description |
    | :- | :- |
    | j / down, k / up | Move the cursor. |
    | home / end | First / last file. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="inbox-table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="inbox-table.up"),
        Binding("home", "scroll_top", "First file", show=False, id="inbox-table.first"),
        Binding("end", "scroll_bottom", "Last file", show=False, id="inbox-table.last"),
    ]
