"""Credit balances: visits a payer's payment left below zero on one side, oldest first. A
payer's credit is refunded to the payer (supervisors); a patient's is refunded to the patient
or applied to another visit that owes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from medbill_tui.records.credits import CreditRow, CreditWorked, VisitOwing
from medbill_tui.records.work import Queue, WorkLease
from medbill_tui.screens.list_live import LiveItems
from medbill_tui.screens.work_next import HELD_MARK, WorkNextActions
from medbill_tui.widgets.columns import Col
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import fmt_date_short, money, plural

LOAD_GROUP = "credits"
ACT_GROUP = "credits-act"
VISITS_GROUP = "credits-visits"
LIMIT = 500


@dataclass
class CreditsLoaded(Message):
    """The open credits arrived."""

    rows: list[CreditRow]


@dataclass
class CreditDone(Message):
    """A refund or an application went through."""

    worked: CreditWorked


@dataclass
class VisitsLoaded(Message):
    """The visits a patient's credit may go to."""

    row: CreditRow
    visits: list[VisitOwing]


def credit_cells(row: CreditRow) -> list[str]:
    """The table cells of one credit (@ before the patient: someone holds it)."""
    patient = f"{HELD_MARK}{row.patient_name}" if row.holder else row.patient_name
    return [
        patient,
        row.claim_no or "—",
        row.payer_name or "—",
        row.responsibility,
        money(row.amount),
        fmt_date_short(row.opened_on),
        row.holder or "",
    ]


class CreditsTable(PickTable):
    """The open credits.

    | Key(s) | Description |
    | :- | :- |
    | enter | Refund it (to the payer or the patient, whose money it is). |
    | p | Refund to the payer (supervisors). |
    | t | Refund to the patient. |
    | a | Apply a patient's credit to another visit that owes. |
    """

    COLUMNS = (
        Col("Patient", 14, flex=2),
        ("Claim", 9),
        Col("Payer", 11, flex=1),
        ("Side", 7),
        Col("Credit", 9, right=True),
        ("Opened", 8),
        ("Held by", 7),
    )

    DEFAULT_CSS = """
    CreditsTable {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "screen.refund_payer",
            "To payer",
            id="credits.refund-payer",
            tooltip="Refund the credit to the payer (supervisors)",
        ),
        Binding(
            "t",
            "screen.refund_patient",
            "To patient",
            id="credits.refund-patient",
            tooltip="Refund the patient's credit to the patient",
        ),
        Binding(
            "a",
            "screen.apply",
            "Apply",
            id="credits.apply",
            tooltip="Apply the patient's credit to another visit that owes",
        ),
    ]


class CreditsScreen(WorkNextActions, LiveItems):
    """Credit balances, oldest first.

    | Key(s) | Description |
    | :- | :- |
    | p / t | Refund to the payer (supervisors) / to the patient, with its reference. |
    | a | Apply a patient's credit to another visit of theirs that owes. |
    | n | Take the oldest credit nobody holds (@: someone holds it). |
    | r | Reload. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    #credits-status {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Reload", id="credits.refresh", tooltip="Load again"),
        Binding("escape", "back", "Back", id="credits.back", tooltip="Close the list"),
    ]

    live_channel = "credits"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CreditRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield CreditsTable(id="credits-table")
        yield Static("Loading…", id="credits-status", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Credit balances"
        self.query_one(CreditsTable).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group=LOAD_GROUP, exclusive=True)
    def load(self) -> None:
        self.post_message(CreditsLoaded(self.services.credits.open_items(LIMIT)))

    def on_credits_loaded(self, message: CreditsLoaded) -> None:
        self.rows = message.rows
        self.live_rows_replaced()
        self.query_one(CreditsTable).set_rows(
            (str(row.work_item_id), credit_cells(row)) for row in self.rows
        )
        self._show_status()

    def live_table(self) -> CreditsTable:
        return self.query_one(CreditsTable)

    def live_id(self, row: CreditRow) -> int:
        return row.work_item_id

    def live_cells(self, row: CreditRow) -> list[str]:
        return credit_cells(row)

    def reread_items(self, ids: Sequence[int]) -> Sequence[CreditRow]:
        return self.services.credits.rows(ids)

    def live_shown(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        total = sum((r.amount for r in self.rows), Decimal("0.00"))
        more = "+" if len(self.rows) >= LIMIT else ""
        text = f"{plural(len(self.rows), 'credit')}{more} · {money(total)}"
        if self.rows:
            text += " · p: to payer · t: to patient · a: apply"
        row = self._row()
        if row is not None and row.holder:
            text += f" · @ held by {row.holder}"
        self.query_one("#credits-status", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_status()

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == LOAD_GROUP:
            self.query_one("#credits-status", Static).update("Could not load: r tries again")
        else:  # refused or gone (the item may have been closed): show what is left
            self.load()

    # actions -------------------------------------------------------------------------

    def _row(self) -> CreditRow | None:
        key = self.query_one(CreditsTable).selected_key()
        return next((r for r in self.rows if str(r.work_item_id) == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self._row()
        if row is not None:
            self._refund(row, to_payer=row.payer_side)

    def action_refund_payer(self) -> None:
        row = self._row()
        if row is not None:
            self._refund(row, to_payer=True)

    def action_refund_patient(self) -> None:
        row = self._row()
        if row is not None:
            self._refund(row, to_payer=False)

    def _refund(self, row: CreditRow, *, to_payer: bool) -> None:
        if to_payer and not self.services.can("refund-payer"):
            self.notify(
                "Only a supervisor or an admin may refund a payer's overpayment.",
                title="Refund to payer",
                severity="warning",
            )
            return
        from medbill_tui.screens.prompt import PromptScreen  # on use: keeps startup light

        who = (row.payer_name or "the payer") if to_payer else "the patient"
        title = f"Refund {money(row.amount)} to {who}"

        def answered(reference: str | None) -> None:
            if reference:
                self.refund(row.work_item_id, reference, to_payer)

        self.app.push_screen(
            PromptScreen(title, "Reference (check or transfer number):", "e.g. 10452"), answered
        )

    @work(thread=True, exit_on_error=False, group=ACT_GROUP)
    def refund(self, work_item_id: int, reference: str, to_payer: bool) -> None:
        credits = self.services.credits
        if to_payer:
            worked = credits.refund_to_payer(work_item_id, reference)
        else:
            worked = credits.refund_to_patient(work_item_id, reference)
        self.post_message(CreditDone(worked))

    def action_apply(self) -> None:
        row = self._row()
        if row is None:
            return
        if row.payer_side:
            self.notify(
                "This credit is the payer's money: it goes back to the payer (p).",
                title="Apply to a visit",
                severity="warning",
            )
            return
        self.find_visits(row)

    @work(thread=True, exit_on_error=False, group=VISITS_GROUP, exclusive=True)
    def find_visits(self, row: CreditRow) -> None:
        self.post_message(VisitsLoaded(row, self.services.credits.visits_owing(row.work_item_id)))

    def on_visits_loaded(self, message: VisitsLoaded) -> None:
        row = message.row
        if not message.visits:
            self.notify(
                "No other visit of this patient (or their guarantor) owes anything: refund "
                "the credit instead (t).",
                title="Apply to a visit",
                severity="warning",
            )
            return
        from medbill_tui.screens.credit_visit import VisitPickScreen

        def picked(encounter_id: int | None) -> None:
            if encounter_id is not None:
                self.apply(row.work_item_id, encounter_id)

        title = f"Apply {money(row.amount)} of credit to which visit?"
        self.app.push_screen(VisitPickScreen(title, message.visits), picked)

    @work(thread=True, exit_on_error=False, group=ACT_GROUP)
    def apply(self, work_item_id: int, encounter_id: int) -> None:
        self.post_message(
            CreditDone(self.services.credits.apply_to_visit(work_item_id, encounter_id))
        )

    def on_credit_done(self, message: CreditDone) -> None:
        self.notify(message.worked.words, title="Credit")
        self.load()

    # work next ------------------------------------------------------------------------

    def work_queue(self) -> Queue | None:
        return "credits"

    def current_work_item(self) -> int | None:
        row = self._row()
        return None if row is None else row.work_item_id

    def open_taken(self, lease: WorkLease) -> None:
        """Put the cursor on the credit just taken (p, t or a works it) and show it held."""
        row = next((r for r in self.rows if r.work_item_id == lease.work_item_id), None)
        if row is not None:
            self.query_one(CreditsTable).move_cursor(row=self.rows.index(row))
        self.load()

    def work_released(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.query_one("#credits-status", Static).update("Loading…")
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
