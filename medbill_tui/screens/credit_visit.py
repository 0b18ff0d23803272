"""The dialog that picks the visit a patient's credit goes to: the patient's (or the same
guarantor's) visits that owe on the patient side, oldest first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Label, Static

from medbill_tui.records.credits import VisitOwing
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.text import fmt_date, money


class VisitTable(PickTable):
    """The visits that owe."""

    COLUMNS = (("Visit", 9), ("Date", 10), ("Patient", 22), ("Owes", 10))


class VisitPickScreen(DialogScreen[int | None]):
    """Pick a visit; dismisses with its number, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Apply the credit to this visit. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="visit-pick.cancel", tooltip="Do nothing"),
    ]

    def __init__(self, title: str, visits: list[VisitOwing]) -> None:
        super().__init__()
        self.title_text = title
        self.visits = visits

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield VisitTable(id="visit-table")
        yield Static("Enter: apply to this visit · Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(VisitTable)
        table.set_rows(
            (
                str(v.encounter_id),
                [str(v.encounter_id), fmt_date(v.dos), v.patient_name, money(v.owed)],
            )
            for v in self.visits
        )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = self.query_one(VisitTable).selected_key()
        self.dismiss(int(key) if key else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
