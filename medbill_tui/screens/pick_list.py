"""The base of the pick lists (follow-ups due, unmatched remittances, pending authorizations):
a table of records over a one-line status, loaded a page at a time in a worker (the next page
as the cursor nears the end), Enter opens the highlighted row, r reloads, escape goes back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from medbill_tui.records.queues import Cursor, Page
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.form_table import Cell, PickTable
from medbill_tui.widgets.keys_footer import KeysFooter

RowT = TypeVar("RowT")

LOAD_GROUP = "pick-list-load"
NEAR_END = 10
"""The next page is loaded when the cursor comes this close to the last row."""


@dataclass
class ListPageLoaded(Message, Generic[RowT]):
    """A page of the list arrived (`first`: it replaces the rows shown)."""

    page: Page[RowT]
    first: bool


def list_bindings(prefix: str) -> list[BindingType]:
    """A list's r (reload) and escape (back), with binding ids under `prefix`."""
    return [
        Binding("r", "refresh", "Reload", id=f"{prefix}.refresh", tooltip="Load again"),
        Binding("escape", "back", "Back", id=f"{prefix}.back", tooltip="Close the list"),
    ]


class PickListScreen(ServiceScreen, Generic[RowT]):
    """A list of records to pick from. Subclasses name the list (`list_id`: the ids
    `<list_id>-table` and `<list_id>-status`; `list_title`: the sub-title), give its table
    (`table_class`: the columns and the keys on a row) and say how to load a page
    (`load_page`, in the worker thread), how a row shows (`row_key`, `row_cells`,
    `status_text`) and what Enter does (`open_row`). Their BINDINGS end with
    `list_bindings(list_id)`.

    The rows stay in `rows`, in table order; `current()` is the highlighted one. Set
    `reload_on_resume` before opening something that may change the list; with
    `always_reload` the list loads each time it is shown (the first time too) instead of
    once when mounted.
    """

    DEFAULT_CSS = """
    .list-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    list_id: ClassVar[str]
    list_title: ClassVar[str]
    table_class: ClassVar[type[PickTable]]
    always_reload: ClassVar[bool] = False

    def __init__(self, page_size: int = 200) -> None:
        super().__init__()
        self.page_size = page_size
        self.rows: list[RowT] = []
        """The rows shown, in table order."""
        self.next_cursor: Cursor | None = None
        self.fetching = False
        """A page is on its way (not Textual's `loading`, which would cover the screen)."""
        self.reload_on_resume = self.always_reload
        """Load again when the screen is shown again."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.table_class(id=f"{self.list_id}-table")
        yield Static("Loading…", id=f"{self.list_id}-status", classes="list-status", markup=False)
        yield KeysFooter()

    @property
    def table(self) -> PickTable:
        return self.query_one(self.table_class)

    def on_mount(self) -> None:
        self.sub_title = self.list_title
        self.table.focus()
        if not self.always_reload:
            self.reload()

    def on_screen_resume(self) -> None:
        if self.reload_on_resume:  # back from a row opened: it may have changed
            self.reload_on_resume = self.always_reload
            self.reload()

    # what a list says ----------------------------------------------------------------

    def load_page(self, after: Cursor | None) -> Page[RowT]:
        """The page after `after` (None: the first); runs in the worker thread."""
        raise NotImplementedError

    def row_key(self, row: RowT) -> str:
        """The row's key in the table (its record id, as text)."""
        raise NotImplementedError

    def row_cells(self, row: RowT) -> list[Cell]:
        raise NotImplementedError

    def status_text(self) -> str:
        """The status line under the table (counts, totals, the keys that act on a row)."""
        raise NotImplementedError

    def open_row(self, row: RowT) -> None:
        """Enter on a row."""
        raise NotImplementedError

    # loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.fetching = True
        self.load(None)

    @work(thread=True, exit_on_error=False, group=LOAD_GROUP, exclusive=True)
    def load(self, after: Cursor | None) -> None:
        self.post_message(ListPageLoaded(self.load_page(after), first=after is None))

    def on_list_page_loaded(self, message: ListPageLoaded[RowT]) -> None:
        self.fetching = False
        rows = list(message.page.rows)
        self.rows = rows if message.first else self.rows + rows
        self.next_cursor = message.page.next_cursor
        self.show_rows()

    def show_rows(self) -> None:
        """Put `rows` in the table (the cursor stays on its row while that is there)."""
        self.table.set_rows((self.row_key(row), self.row_cells(row)) for row in self.rows)
        self.show_status()

    def show_status(self) -> None:
        self.set_status(self.status_text())

    def set_status(self, text: str) -> None:
        self.query_one(f"#{self.list_id}-status", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_status()
        near_end = event.cursor_row >= len(self.rows) - NEAR_END
        if near_end and self.next_cursor is not None and not self.fetching:
            self.fetching = True
            self.load(self.next_cursor)

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == LOAD_GROUP:
            self.fetching = False
            self.set_status("Could not load: r tries again")

    # actions -------------------------------------------------------------------------

    def current(self) -> RowT | None:
        """The highlighted row (None when the list is empty)."""
        key = self.table.selected_key()
        return next((row for row in self.rows if self.row_key(row) == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current()
        if row is not None:
            self.open_row(row)

    def action_refresh(self) -> None:
        self.set_status("Loading…")
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
