"""Prior authorizations still waiting for the payer's answer, follow-up due first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from medbill_tui.records.forms import PendingAuthRow
from medbill_tui.screens.authorization import AuthorizationScreen
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.text import fmt_date, plural


@dataclass
class PendingAuthsLoaded(Message):
    """The pending authorizations arrived."""

    rows: tuple[PendingAuthRow, ...]


@dataclass
class AuthorizationLocated(Message):
    """The coverage of the authorization to open was found (None: it is gone)."""

    authorization_id: int
    coverage_id: int | None


DUE_MARK = "*"
"""Marks a follow-up date that has come (no color needed to see it)."""


def pending_cells(row: PendingAuthRow, today: date) -> list[str]:
    follow = "none set"
    if row.follow_up_on is not None:
        follow = fmt_date(row.follow_up_on)
        if row.follow_up_on <= today:
            follow += DUE_MARK
    return [follow, row.account_no, row.patient_name, row.payer_name, row.codes.replace(",", " ")]


class PendingAuthTable(PickTable):
    """The pending authorizations.

    | Key(s) | Description |
    | :- | :- |
    | enter | Record the payer's answer. |
    | p | Open the patient. |
    """

    COLUMNS = (("Follow-up", 11), ("Account", 7), ("Patient", 18), ("Payer", 15), ("Codes", 14))

    DEFAULT_CSS = """
    PendingAuthTable {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Answer",
            id="pending-auths.open",
            tooltip="Record the payer's answer",
        ),
        Binding(
            "p",
            "screen.open_patient",
            "Patient",
            id="pending-auths.patient",
            tooltip="Open the patient's demographics and coverages",
        ),
    ]


class PendingAuthorizationsScreen(ServiceScreen):
    """Every authorization still pending with its payer, the follow-up due first (those with
    no follow-up date last). Enter records the payer's answer; the list reloads on return.

    | Key(s) | Description |
    | :- | :- |
    | enter | Record the answer (approved with number, denied, still pending). |
    | p | Open the patient. |
    | r | Reload. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    #pending-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Reload", id="pending-auths.refresh", tooltip="Load again"),
        Binding("escape", "back", "Back", id="pending-auths.back", tooltip="Close the list"),
        Binding(
            "f1,ctrl+g", "app.help", "Keys", show=False, id="form.help", tooltip="Show every key"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[PendingAuthRow, ...] = ()
        """The rows shown, in table order."""
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield PendingAuthTable(id="pending-table")
        yield Static("Loading…", id="pending-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Authorizations pending"
        self.query_one(PendingAuthTable).focus()

    def on_screen_resume(self) -> None:
        self.load()  # also after an answer was recorded

    @work(thread=True, exit_on_error=False, group="pending-auths", exclusive=True)
    def load(self) -> None:
        self.post_message(PendingAuthsLoaded(self.services.patients.pending_authorizations()))

    def on_pending_auths_loaded(self, message: PendingAuthsLoaded) -> None:
        self.rows = message.rows
        self.loaded = True
        today = self.services.clock.today()
        due = sum(1 for row in message.rows if row.follow_up_on and row.follow_up_on <= today)
        self.query_one(PendingAuthTable).set_rows(
            (str(row.authorization_id), pending_cells(row, today)) for row in message.rows
        )
        text = plural(len(message.rows), "authorization") + " pending"
        if due:
            text += f" · {DUE_MARK} {due} to follow up now"
        if message.rows:
            text += " · Enter: answer · p: patient"
        self.query_one("#pending-status", Static).update(text)

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "pending-auths":
            self.query_one("#pending-status", Static).update("Could not load: r tries again")

    # actions -------------------------------------------------------------------------

    def _row(self) -> PendingAuthRow | None:
        key = self.query_one(PendingAuthTable).selected_key()
        return next((r for r in self.rows if str(r.authorization_id) == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self._row()
        if row is not None:
            self.locate(row)

    @work(thread=True, exit_on_error=False, group="pending-auths-open", exclusive=True)
    def locate(self, row: PendingAuthRow) -> None:
        context = self.services.encounters.patient_context(row.patient_id)
        auth = next((a for a in context.authorizations if a.id == row.authorization_id), None)
        self.post_message(
            AuthorizationLocated(row.authorization_id, auth.coverage_id if auth else None)
        )

    def on_authorization_located(self, message: AuthorizationLocated) -> None:
        if message.coverage_id is None:
            self.notify("That authorization is gone; the list is reloaded.", title="Not found")
            self.load()
            return
        self.app.push_screen(AuthorizationScreen(message.coverage_id, message.authorization_id))

    def action_open_patient(self) -> None:
        row = self._row()
        if row is not None:
            self.app.push_screen(PatientScreen(row.patient_id))

    def action_refresh(self) -> None:
        self.query_one("#pending-status", Static).update("Loading…")
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
