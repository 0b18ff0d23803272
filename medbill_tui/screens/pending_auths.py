"""Prior authorizations still waiting for the payer's answer, follow-up due first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from medbill_tui.records.forms import PendingAuthRow
from medbill_tui.records.queues import Cursor, Page
from medbill_tui.screens.authorization import AuthorizationScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.text import fmt_date, plural


@dataclass
class AuthorizationLocated(Message):
    """The coverage of the authorization to open was found (None: it is gone)."""

    authorization_id: int
    coverage_id: int | None


DUE_MARK = "*"
"""Marks a follow-up date that has come (no color needed to see it)."""


def pending_cells(row: PendingAuthRow, today: date) -> list[Cell]:
    follow = "none set"
    if row.follow_up_on is not None:
        follow = fmt_date(row.follow_up_on)
        if row.follow_up_on <= today:
            follow += DUE_MARK
    return [follow, row.account_no, row.patient_name, row.payer_name, row.codes.replace(",", " ")]


class PendingAuthTable(ListTable):
    """The pending authorizations.

    | Key(s) | Description |
    | :- | :- |
    | enter | Record the payer's answer. |
    | p | Open the patient. |
    """

    COLUMNS = (("Follow-up", 11), ("Account", 7), ("Patient", 18), ("Payer", 15), ("Codes", 14))

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


class PendingAuthorizationsScreen(PickListScreen[PendingAuthRow]):
    """Every authorization still pending with its payer, the follow-up due first (those with
    no follow-up date last). Enter records the payer's answer; the list reloads on return.

    | Key(s) | Description |
    | :- | :- |
    | enter | Record the answer (approved with number, denied, still pending). |
    | p | Open the patient. |
    | r | Reload. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("pending-auths"),
        Binding(
            "f1,ctrl+g", "app.help", "Keys", show=False, id="form.help", tooltip="Show every key"
        ),
    ]

    list_id = "pending"
    list_title = "Authorizations pending"
    table_class = PendingAuthTable
    always_reload = True  # also after an answer was recorded

    def load_page(self, after: Cursor | None) -> Page[PendingAuthRow]:
        return Page(self.services.patients.pending_authorizations(), next_cursor=None)

    def row_key(self, row: PendingAuthRow) -> str:
        return str(row.authorization_id)

    def row_cells(self, row: PendingAuthRow) -> list[Cell]:
        return pending_cells(row, self.services.clock.today())

    def status_text(self) -> str:
        today = self.services.clock.today()
        due = sum(1 for row in self.rows if row.follow_up_on and row.follow_up_on <= today)
        text = plural(len(self.rows), "authorization") + " pending"
        if due:
            text += f" · {DUE_MARK} {due} to follow up now"
        if self.rows:
            text += " · Enter: answer · p: patient"
        return text

    # actions -------------------------------------------------------------------------

    def open_row(self, row: PendingAuthRow) -> None:
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
            self.reload()
            return
        self.app.push_screen(AuthorizationScreen(message.coverage_id, message.authorization_id))

    def action_open_patient(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(PatientScreen(row.patient_id))
