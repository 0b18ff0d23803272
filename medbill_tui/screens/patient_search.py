"""Find a patient by name, account number or date of birth; Enter opens them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.worker import Worker

from medbill_tui.records.forms import PatientHit
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import fmt_date

SEARCH_DELAY = 0.25
"""Seconds of no typing before the search runs."""
SEARCH_LIMIT = 50


@dataclass
class PatientsFound(Message):
    """The patients matching `query` arrived."""

    query: str
    hits: tuple[PatientHit, ...]


class SearchInput(Input):
    """The search box: ↓/↑ move through the results while typing, Enter opens the one
    highlighted.

    | Key(s) | Description |
    | :- | :- |
    | down / up | Move the highlighted result. |
    | enter | Open the highlighted patient. |
    """

    DEFAULT_CSS = """
    SearchInput {
        background: $boost;
    }
    SearchInput:nocolor {
        text-style: underline;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "screen.open_patient",
            "Open",
            id="patient-search.open",
            tooltip="Open the highlighted patient",
        ),
        Binding("down", "screen.move(1)", "Next", show=False, id="patient-search.down"),
        Binding("up", "screen.move(-1)", "Previous", show=False, id="patient-search.up"),
    ]


class PatientHitTable(PickTable):
    """The matching patients.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the highlighted patient. |
    """

    COLUMNS = (("Account", 8), ("Name", 36), ("Date of birth", 13))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            id="patient-search.open-row",
            tooltip="Open the highlighted patient",
        ),
    ]


class PatientSearchScreen(ServiceScreen):
    """Type a last name ('last, first'), an account number or a date of birth; the matches
    show as you type. Enter opens the highlighted patient; ctrl+n starts a new one.

    | Key(s) | Description |
    | :- | :- |
    | (typing) | Search. |
    | down / up | Move through the matches. |
    | enter | Open the highlighted patient. |
    | ctrl+n | New patient. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    #search-body {
        height: 1fr;
        padding: 0 1;
    }
    #search-query {
        margin-bottom: 1;
    }
    #search-hits {
        height: 1fr;
        max-height: 100%;
    }
    #search-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "new_patient",
            "New patient",
            id="patient-search.new",
            tooltip="Enter a new patient",
        ),
        Binding("escape", "back", "Back", id="patient-search.back", tooltip="Close the search"),
        Binding("f1,ctrl+g", "app.help", "Keys", id="form.help", tooltip="Show every key"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: tuple[PatientHit, ...] = ()
        """The matches shown, in table order."""
        self.searched = ""
        """The query the shown matches are for."""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="search-body"):
            yield Label("Last name (or 'last, first'), account number or date of birth:")
            yield SearchInput(
                self.initial_query,
                placeholder="e.g. smith   smith, jo   A000123   04/06/1992",
                id="search-query",
                compact=True,
            )
            yield PatientHitTable(id="search-hits")
        yield Static("", id="search-status", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Find a patient"
        self.query_one(SearchInput).focus()
        self._show_status()

    def on_screen_resume(self) -> None:
        query = self.query_one(SearchInput).value.strip()
        if query:  # a patient may have been added or renamed meanwhile
            self.search(query)

    # searching -----------------------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def query_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        query = self.query_one(SearchInput).value.strip()
        if not query:
            self.post_message(PatientsFound("", ()))
            return
        self._show_status("Searching…")
        self.search(query)

    @work(thread=True, exit_on_error=False, group="patient-search", exclusive=True)
    def search(self, query: str) -> None:
        hits = self.services.encounters.find_patients(query, limit=SEARCH_LIMIT)
        self.post_message(PatientsFound(query, hits))

    def on_patients_found(self, message: PatientsFound) -> None:
        if message.query != self.query_one(SearchInput).value.strip():
            return  # typed on since: a newer search is on its way
        self.hits = message.hits
        self.searched = message.query
        self.query_one(PatientHitTable).set_rows(
            (str(hit.patient_id), [hit.account_no, hit.name, fmt_date(hit.dob)])
            for hit in message.hits
        )
        self._show_status()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self._show_status("The search failed; type again to retry.")

    def _show_status(self, text: str | None = None) -> None:
        if text is None:
            count = len(self.hits)
            if not self.searched:
                text = "Type to search · ctrl+n new patient"
            elif count == 0:
                text = f"No patient matches {self.searched!r} · ctrl+n new patient"
            elif count >= SEARCH_LIMIT:
                text = f"First {count} matches: type more to narrow"
            else:
                text = f"{count} match{'es' if count != 1 else ''} · Enter opens"
        self.query_one("#search-status", Static).update(text)

    # actions -------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        table = self.query_one(PatientHitTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_open_patient(self) -> None:
        key = self.query_one(PatientHitTable).selected_key()
        if key is None:
            self.notify("No patient to open: type a name first.", title="Nothing found")
            return
        self.app.push_screen(PatientScreen(int(key)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.push_screen(PatientScreen(int(event.row_key.value)))

    def action_new_patient(self) -> None:
        self.app.push_screen(PatientScreen(None))

    def action_back(self) -> None:
        self.app.pop_screen()
