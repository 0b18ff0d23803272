"""Working one denial: what was denied and why, the claim's lines and payments, and the
actions (resubmit, appeal, write off, transfer to the patient, note, done and next)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from medbill_tui.domain.posting import patient_billing_refusal
from medbill_tui.records.detail import ClaimDetail, DenialDetail
from medbill_tui.records.followups import NoteEntry
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.denial_outcome import DenialOutcomeScreen
from medbill_tui.screens.denial_render import render_denial
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.note import NoteScreen
from medbill_tui.screens.prompt import PromptScreen
from medbill_tui.widgets.detail_view import DetailScroll
from medbill_tui.widgets.encounter_messages import EntryOutcome
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.live_messages import ListsChanged
from medbill_tui.widgets.text import fmt_date, money

ACTION_GROUP = "denial-action"


@dataclass
class DenialLoaded(Message):
    denial: DenialDetail
    claim: ClaimDetail


@dataclass
class DenialActionDone(Message):
    """An action finished; `text` is told to the biller, `next_id` set by done-and-next."""

    text: str
    title: str = "Denial"
    done_next: bool = False
    next_id: int | None = None


class DenialScreen(ServiceScreen):
    """One denial with its claim, and the actions that work it.

    | Key(s) | Description |
    | :- | :- |
    | e | Correct the visit's codes in charge entry; a save asks to resubmit (ctrl+b: at once). |
    | r | Resubmit as it stands (asks first). |
    | a | Appeal: write the letter. |
    | w | Write off (asks for a reason). |
    | t | Transfer to the patient (asks first). |
    | m | Note (memo), with an optional follow-up date. |
    | d | Done: say how it was resolved (and a note), close it and open the next denial. |
    | escape | Back. |
    """

    # most used first: the footer shows what fits at 80 columns; `?` lists every key
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "done_next",
            "Done+next",
            id="denial.done-next",
            tooltip="Say how it was resolved, close it and open the next",
        ),
        Binding("m", "note", "Note", id="denial.note", tooltip="Add a note and a follow-up date"),
        Binding(
            "r",
            "resubmit",
            "Resubmit",
            id="denial.resubmit",
            tooltip="Make a new claim from the visit as it stands",
        ),
        Binding(
            "e",
            "correct",
            "Correct",
            id="denial.correct",
            tooltip="Fix the visit's codes in charge entry, then resubmit",
        ),
        Binding("a", "appeal", "Appeal", id="denial.appeal", tooltip="Write an appeal letter"),
        Binding(
            "w",
            "write_off",
            "Write off",
            id="denial.write-off",
            tooltip="Write off what the payer owes",
        ),
        Binding(
            "t",
            "transfer",
            "To patient",
            id="denial.transfer",
            tooltip="Move the denied amount to the patient",
        ),
        Binding("escape", "back", "Back", id="denial.back", tooltip="Close this view"),
    ]

    def __init__(
        self, work_item_id: int, shown: tuple[DenialDetail, ClaimDetail] | None = None
    ) -> None:
        """`shown`: the denial and its claim as read a moment ago (the list's prefetch),
        painted at once; the screen reads them again (recording the view) and repaints only
        what changed."""
        super().__init__()
        self.work_item_id = work_item_id
        self.denial: DenialDetail | None = shown[0] if shown else None
        self.claim: ClaimDetail | None = shown[1] if shown else None
        self.busy = False
        self.load_failed = False

    def keys_wait(self) -> bool:
        # loading (a failed load takes keys: Escape goes back), or an action under way
        return (self.denial is None and not self.load_failed) or self.busy

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="denial-status")
        with DetailScroll(id="detail-scroll"):
            if self.denial is None or self.claim is None:
                yield Static("Loading the denial…", id="detail-body")
            else:
                yield Static(render_denial(self.denial, self.claim), id="detail-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Denial" if self.denial is None else self._title(self.denial)
        self.query_one(DetailScroll).focus()
        self.load()

    # loading -------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="denial-load", exclusive=True)
    def load(self) -> None:
        self.post_message(DenialLoaded(*self.services.denials.detail_with_claim(self.work_item_id)))

    def still_loading(self) -> bool:
        return self.denial is None and not self.load_failed

    def on_denial_loaded(self, message: DenialLoaded) -> None:
        if (message.denial, message.claim) == (self.denial, self.claim):
            return  # as shown already (prefetched): nothing to repaint
        self.medbill.hold_paint()  # the title and the body in one frame
        self.denial = message.denial
        self.claim = message.claim
        self.sub_title = self._title(message.denial)
        self.query_one("#detail-body", Static).update(render_denial(message.denial, message.claim))

    @staticmethod
    def _title(denial: DenialDetail) -> str:
        return f"Denial · claim {denial.claim_no} · {denial.patient_name}"

    def on_lists_changed(self, message: ListsChanged) -> None:
        """Someone else took this denial from the biller, or closed it: say so at once."""
        me = self.services.actor
        for change in message.changes.of("denials"):
            if change.work_item_id != self.work_item_id or self.busy:
                continue
            if change.was == me and change.handed_over:
                status = f"Not yours any more: {change.holder} holds it"
                self.query_one("#denial-status", Static).update(Text(status))
            if change.status != "open" and self.denial is not None and self.denial.status == "open":
                self.load()

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == ACTION_GROUP:
            self.set_busy(False, "Not done: " + str(worker.error))
            return
        self.load_failed = True  # a prefetched body goes too: its view was not recorded
        self.query_one("#detail-body", Static).update(
            f"This denial could not be shown: {worker.error}\n\nPress Escape to go back."
        )

    # actions -------------------------------------------------------------------------

    def set_busy(self, busy: bool, status: str = "") -> None:
        self.busy = busy
        self.query_one("#denial-status", Static).update(Text(status))

    def ready(self) -> bool:
        if self.busy:
            self.notify("Wait for the last action to finish", severity="warning")
            return False
        return True

    def ask(self, question: str, yes: str, then: Any) -> None:
        def answered(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmScreen(question, yes=yes, no="No, leave it"), answered)

    def action_correct(self) -> None:
        if not self.ready() or self.claim is None:
            return
        from medbill_tui.screens.encounter_entry import EncounterEntryScreen  # heavy: on use

        entry = EncounterEntryScreen(self.claim.encounter_id, correcting_claim=self.claim.claim_no)
        self.app.push_screen(entry, self._corrected)

    def _corrected(self, outcome: EntryOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.create_claim:  # ctrl+b in charge entry: save and bill, no second question
            self.start_resubmit()
        else:
            self.load()
            self.action_resubmit()

    def action_resubmit(self) -> None:
        if self.ready():
            self.ask(
                "Make a corrected claim from the visit's charges, ready to send?",
                "Yes, resubmit",
                self.start_resubmit,
            )

    def start_resubmit(self) -> None:
        self.set_busy(True, "Resubmitting…")
        self.resubmit()

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def resubmit(self) -> None:
        claim_no = self.services.denials.resubmit(self.work_item_id)
        self.post_message(
            DenialActionDone(f"Corrected claim {claim_no} is ready to send", "Resubmitted")
        )

    def action_appeal(self) -> None:
        if not self.ready():
            return

        def answered(argument: str | None) -> None:
            if argument is not None:
                self.set_busy(True, "Writing the appeal letter…")
                self.appeal(argument)

        self.app.push_screen(
            PromptScreen(
                "Appeal this denial",
                "Why is the denial wrong?",
                "e.g. the auth was on file: ref 12345",
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def appeal(self, argument: str) -> None:
        path: Path = self.services.denials.appeal(self.work_item_id, argument)
        self.post_message(DenialActionDone(f"Appeal letter written: {path}", "Appeal"))

    def action_write_off(self) -> None:
        if not self.ready():
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.set_busy(True, "Writing off…")
                self.write_off(reason)

        self.app.push_screen(
            PromptScreen("Write off this denial", "Reason:", "e.g. not worth an appeal"),
            answered,
        )

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def write_off(self, reason: str) -> None:
        amount = self.services.denials.write_off(self.work_item_id, reason)
        self.post_message(DenialActionDone(f"Wrote off {money(amount)}", "Written off"))

    def action_transfer(self) -> None:
        if not self.ready():
            return
        refusal = self.denial and patient_billing_refusal(self.denial.group_code, self.denial.carc)
        if not refusal:
            self.ask(
                "Move the denied amount to the patient's balance?",
                "Yes, transfer to the patient",
                self.start_transfer,
            )
        elif not self.services.can("bill-patient-contractual"):
            self.notify(refusal, title="Not moved", severity="error")
        else:

            def answered(note: str | None) -> None:
                if note is not None:
                    self.start_transfer(note)

            self.app.push_screen(
                PromptScreen(
                    "Contractual amount: bill the patient anyway?",
                    "Supervisor's note:",
                    "e.g. the patient signed a waiver",
                ),
                answered,
            )

    def start_transfer(self, override: str | None = None) -> None:
        self.set_busy(True, "Transferring…")
        self.transfer(override)

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def transfer(self, override: str | None) -> None:
        amount = self.services.denials.transfer_to_patient(self.work_item_id, override)
        self.post_message(DenialActionDone(f"Moved {money(amount)} to the patient", "Transferred"))

    def action_note(self) -> None:
        if not self.ready():
            return

        def answered(result: NoteEntry | None) -> None:
            if result is not None:
                self.set_busy(True, "Saving the note…")
                self.add_note(result.body, result.next_on)

        today = self.services.clock.today()
        self.app.push_screen(NoteScreen("Note on this denial", today=today), answered)

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def add_note(self, body: str, follow_up: date | None) -> None:
        self.services.denials.add_note(self.work_item_id, body, follow_up)
        when = f"; follow up on {fmt_date(follow_up)}" if follow_up else ""
        self.post_message(DenialActionDone(f"Note saved{when}", "Note"))

    def action_done_next(self) -> None:
        if not self.ready():
            return
        if self.denial is not None and self.denial.status != "open":
            self.set_busy(True, "Opening the next…")  # closed by its action: nothing to ask
            self.done_next("", "")
            return

        def answered(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.set_busy(True, "Closing…")
                self.done_next(*result)

        self.app.push_screen(
            DenialOutcomeScreen("Close this denial: how was it resolved?"), answered
        )

    @work(thread=True, exit_on_error=False, group=ACTION_GROUP)
    def done_next(self, outcome: str, note: str) -> None:
        self.services.denials.done(self.work_item_id, outcome, note)
        taken = self.services.work.next("denials")  # the next one nobody holds, now yours
        next_id = None if taken is None else taken.work_item_id
        self.post_message(
            DenialActionDone("Denial closed", "Done", done_next=True, next_id=next_id)
        )

    def on_denial_action_done(self, message: DenialActionDone) -> None:
        self.set_busy(False, message.text)
        if message.done_next:
            if message.next_id is None:
                self.notify("No open denial is left that nobody holds", title="Done")
                self.app.pop_screen()
            else:
                self.app.switch_screen(DenialScreen(message.next_id))
            return
        self.notify(message.text, title=message.title)
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
