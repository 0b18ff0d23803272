"""Choose the claim an unmatched payment belongs to: likely claims first (same charge, date of
service, name, payer), typing narrows by claim number, account or last name; Enter asks to
confirm with the amounts, then posts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import Worker, WorkerState

from medbill_tui.records.unmatched import MatchCandidate, MatchOutcome, UnmatchedRow
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.text import fmt_date, fmt_date_short, money

if TYPE_CHECKING:
    from medbill_tui.shell.app import MedbillApp

TYPING_DELAY = 0.25
"""Seconds after the last key before the candidates are searched again."""


@dataclass
class CandidatesLoaded(Message):
    """Claims for the words typed (stale answers are dropped)."""

    words: str
    candidates: tuple[MatchCandidate, ...]


@dataclass
class PaymentPosted(Message):
    """The payment was posted to the chosen claim."""

    outcome: MatchOutcome


def candidate_cells(c: MatchCandidate) -> list[str]:
    """One claim; '=' marks a charge or date of service equal to the payment's."""
    return [
        c.claim_no,
        c.patient_name,
        fmt_date_short(c.dos) + ("=" if c.same_dos else ""),
        money(c.charge) + ("=" if c.same_charge else ""),
        c.payer_name if c.same_payer else "≠ " + c.payer_name,
    ]


class CandidateTable(PickTable):
    """Claims the payment may belong to.

    | Key(s) | Description |
    | :- | :- |
    | enter | Post the payment to this claim (asks first). |
    """

    COLUMNS = (("Claim", 9), ("Patient", 16), ("DOS", 9), ("Charge", 10), ("Payer", 13))

    DEFAULT_CSS = """
    CandidateTable {
        height: auto;
        max-height: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Post here",
            id="match.pick",
            tooltip="Post the payment to this claim (asks first)",
        ),
    ]


class MatchScreen(DialogScreen[MatchOutcome | None]):
    """Find the claim for one unmatched payment and post it; dismisses with the outcome.

    | Key(s) | Description |
    | :- | :- |
    | (typing) | Narrow by claim number, account number or last name. |
    | down / enter | From the search box to the claims. |
    | enter | Post to the highlighted claim, after y/n. |
    | escape | Cancel (nothing is posted). |
    """

    dialog_id = "match-dialog"

    DEFAULT_CSS = """
    #match-status {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="match.cancel", tooltip="Post nothing"),
        Binding("down", "to_table", "Claims", show=False, id="match.to-table"),
    ]

    def __init__(self, row: UnmatchedRow) -> None:
        super().__init__()
        self.row = row
        self.candidates: tuple[MatchCandidate, ...] = ()
        self.words = ""
        self._timer: Timer | None = None

    @property
    def medbill(self) -> MedbillApp:
        return cast("MedbillApp", self.app)

    def compose_dialog(self) -> ComposeResult:
        row = self.row
        yield Label(
            Text(f"Payment {row.patient_control_no} · {row.payer_name} · trace {row.trace_no}"),
            id="match-title",
            classes="dialog-title",
        )
        paid = f"Paid {money(row.paid)} of {money(row.charge)} charged"
        named = f" · {row.patient_name}" if row.patient_name else ""
        yield Static(Text(paid + named))
        yield Input(placeholder="claim no., account no. or last name", id="match-search")
        yield CandidateTable(id="match-table")
        yield Static("Looking for likely claims…", id="match-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.search("")

    @work(thread=True, exit_on_error=False, group="match-search", exclusive=True)
    def search(self, words: str) -> None:
        found = self.medbill.services.unmatched.candidates(self.row.work_item_id, words)
        self.post_message(CandidatesLoaded(words, found))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_DELAY, lambda: self.search(event.value.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_table()

    def on_candidates_loaded(self, message: CandidatesLoaded) -> None:
        current = self.query_one(Input).value.strip()
        if message.words != current:
            return  # the biller typed on; a newer search is coming
        self.candidates = message.candidates
        self.query_one(CandidateTable).set_rows(
            (str(c.claim_id), candidate_cells(c)) for c in message.candidates
        )
        count = len(message.candidates)
        hint = f"{count} claims · = same as the payment · Enter: post to the highlighted one"
        if not count:
            hint = "No claim found: type a claim no., account no. or last name"
        self.query_one("#match-status", Static).update(hint)

    def action_to_table(self) -> None:
        if self.candidates:
            self.query_one(CandidateTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = self.query_one(CandidateTable).selected_key()
        claim = next((c for c in self.candidates if str(c.claim_id) == key), None)
        if claim is not None:
            self.confirm(claim)

    def confirm(self, claim: MatchCandidate) -> None:
        row = self.row
        question = (
            f"Post {money(row.paid)} paid by {row.payer_name} (of {money(row.charge)} "
            f"charged) to claim {claim.claim_no}, {claim.patient_name}, DOS "
            f"{fmt_date(claim.dos)}, charge {money(claim.charge)}?"
        )
        if not claim.same_payer:
            question += (
                f"\nThe claim was billed to {claim.payer_name}, not {row.payer_name}: "
                "post it anyway?"
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#match-status", Static).update("Posting…")
                self.post_payment(claim.claim_id, not claim.same_payer)

        self.app.push_screen(ConfirmScreen(question, "Yes, post it", "No"), answered)

    @work(thread=True, exit_on_error=False, group="match-post", exclusive=True)
    def post_payment(self, claim_id: int, other_payer: bool) -> None:
        outcome = self.medbill.services.unmatched.post(
            self.row.work_item_id, claim_id, allow_other_payer=other_payer
        )
        self.post_message(PaymentPosted(outcome))

    def on_payment_posted(self, message: PaymentPosted) -> None:
        self.dismiss(message.outcome)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.medbill.report_worker_error(event.worker)
            words = (
                "Not posted; see the message"
                if event.worker.group == "match-post"
                else ("Could not search; type again")
            )
            self.query_one("#match-status", Static).update(words)

    def action_cancel(self) -> None:
        self.dismiss(None)
