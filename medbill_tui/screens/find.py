"""Find anything (ctrl+f, or the palette): type a claim number, the payer's claim number, an
account number or a name; the claims and patients it names show as you type, and Enter
opens the claim screen or the account screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import Worker, WorkerState

from medbill_tui.records.find import FindResult
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.form_table import Cell, PickTable
from medbill_tui.widgets.text import fmt_date, money

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost

FIND_DELAY = 0.2
"""Seconds after the last key before the search runs."""
FIND_LIMIT = 8
"""Patients shown at most (a claim number names one claim)."""

FoundKind = Literal["claim", "patient"]


@dataclass(frozen=True)
class Found:
    """What the biller chose: a claim or a patient (account), by id."""

    kind: FoundKind
    record_id: int


@dataclass
class FindAnswered(Message):
    """The search for `text` came back."""

    result: FindResult


class FindInput(Input):
    """The find box: ↓/↑ move through the results while typing, Enter opens the one
    highlighted.

    | Key(s) | Description |
    | :- | :- |
    | down / up | Move the highlighted result. |
    | enter | Open the highlighted claim or account. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", "Open", id="find.open", tooltip="Open the highlighted"),
        Binding("down", "screen.move(1)", "Next", show=False, id="find.down"),
        Binding("up", "screen.move(-1)", "Previous", show=False, id="find.up"),
    ]


class FoundTable(PickTable):
    """Claims first, then patients."""

    COLUMNS = (("Claim/acct", 10), ("Patient", 18), ("What", 40))


def result_rows(result: FindResult) -> list[tuple[str, list[Cell]]]:
    """(row key, cells): 'c<id>' for a claim, 'p<id>' for a patient."""
    rows: list[tuple[str, list[Cell]]] = []
    for claim in result.claims:
        payer_no = (
            f" · payer no. {claim.payer_claim_no}"
            if claim.payer_claim_no and claim.payer_claim_no.upper() == result.text.upper()
            else ""
        )
        what = (
            f"{claim.status_label} · {fmt_date(claim.dos)} · {money(claim.amount)}"
            f" · {claim.payer_name}{payer_no}"
        )
        rows.append((f"c{claim.claim_id}", [claim.claim_no, claim.patient_name, what]))
    for patient in result.patients:
        rows.append(
            (
                f"p{patient.patient_id}",
                [patient.account_no, patient.name, f"account · DOB {fmt_date(patient.dob)}"],
            )
        )
    return rows


class FindScreen(DialogScreen[Found | None]):
    """Find a claim or a patient from anywhere; dismisses with the one chosen.

    | Key(s) | Description |
    | :- | :- |
    | (typing) | Search: claim number, payer claim number, account number or name. |
    | down / up | Move through the results. |
    | enter | Open the highlighted claim (claim screen) or patient (account screen). |
    | escape | Close. |
    """

    dialog_id = "find-dialog"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="find.cancel", tooltip="Close without opening"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result = FindResult("", (), ())
        self._timer: Timer | None = None
        self._open_when_found = False

    @property
    def medbill(self) -> MedbillHost:
        return cast("MedbillHost", self.app)

    def compose_dialog(self) -> ComposeResult:
        yield Label("Find a claim or a patient", classes="dialog-title")
        yield Label("Claim number, payer claim number, account number or name:")
        yield FindInput(
            placeholder="e.g. C100027   A000024   smith, jo", id="find-text", compact=True
        )
        yield FoundTable(id="find-results")
        yield Static("Type to search · Enter opens · Esc closes", id="find-status")

    def on_mount(self) -> None:
        self.query_one(FindInput).focus()

    # searching -----------------------------------------------------------------------

    @on(Input.Changed, "#find-text")
    def text_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(FIND_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        words = self.query_one(FindInput).value.strip()
        if not words:
            self.post_message(FindAnswered(FindResult("", (), ())))
            return
        self.query_one("#find-status", Static).update("Searching…")
        self.search(words)

    @work(thread=True, exit_on_error=False, group="find", exclusive=True)
    def search(self, words: str) -> None:
        self.post_message(FindAnswered(self.medbill.services.queues.find(words, FIND_LIMIT)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._open_when_found = False
            self.medbill.report_worker_error(event.worker)
            self.query_one("#find-status", Static).update("The search failed; type again.")

    def on_find_answered(self, message: FindAnswered) -> None:
        if message.result.text != self.query_one(FindInput).value.strip():
            return  # typed on since: a newer search is on its way
        self.result = message.result
        table = self.query_one(FoundTable)
        table.set_rows(result_rows(message.result))
        self.query_one("#find-status", Static).update(self._status())
        if self._open_when_found:
            self._open_when_found = False
            self.action_open()

    def _status(self) -> str:
        result = self.result
        if not result.text:
            return "Type to search · Enter opens · Esc closes"
        count = len(result.claims) + len(result.patients)
        if count == 0:
            return f"Nothing matches {result.text!r}"
        more = " (type more to narrow)" if result.more else ""
        return f"{count} found{more} · ↓↑ choose · Enter opens"

    # choosing ------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        table = self.query_one(FoundTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_open(self) -> None:
        words = self.query_one(FindInput).value.strip()
        if words and (self._timer is not None or words != self.result.text):
            # Enter typed before the answer came: search now, open what it finds.
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self._open_when_found = True
            self.search(words)
            return
        self._choose(self.query_one(FoundTable).selected_key())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._choose(str(event.row_key.value) if event.row_key.value is not None else None)

    def _choose(self, key: str | None) -> None:
        if key is None:
            self.query_one("#find-status", Static).update(self._status())
            return
        kind: FoundKind = "claim" if key.startswith("c") else "patient"
        self.dismiss(Found(kind, int(key[1:])))

    def action_cancel(self) -> None:
        self.dismiss(None)
