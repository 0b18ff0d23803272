"""The note dialog shared by every screen (a note, a next-action date typed as `+7`, `11/15`
or a full date, and on a claim the payer call: rep, reference, outcome), and `NoteActions`:
`n` note and `p` payer call on a claim or account, saved in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from medbill_tui.domain.followup import CALL_OUTCOMES, DATE_HELP, DateInvalid, next_action_date
from medbill_tui.records.followups import Entity, FollowupSaved, NoteEntry, PayerCall
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.focus import focus_now
from medbill_tui.widgets.text import fmt_date

NOTE_CSS = """
NoteScreen Horizontal {
    height: auto;
}
NoteScreen .field-label {
    width: 12;
    padding-top: 1;
}
NoteScreen #call-ref-label {
    width: 5;
    padding-left: 1;
}
NoteScreen #call-fields {
    height: auto;
}
NoteScreen #call-fields.hidden {
    display: none;
}
NoteScreen Input, NoteScreen Select {
    width: 1fr;
}
"""


class NoteScreen(DialogScreen[NoteEntry | None]):
    """A note and a next-action date (optional unless `date_required`); with `allow_call`
    (a claim) ctrl+t shows the payer-call fields. Dismisses with a NoteEntry, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next box, then done. |
    | ctrl+t | Payer call: who answered, reference number, outcome (claims); again: note only. |
    | escape | Cancel. |
    """

    DEFAULT_CSS = NOTE_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Do nothing"),
        Binding(
            "ctrl+t",
            "toggle_call",
            "Payer call",
            id="note.payer-call",
            tooltip="Record a call to the payer: rep, reference number, outcome",
        ),
        Binding(
            "ctrl+t",
            "note_only",
            "Note only",
            id="note.note-only",
            tooltip="Not a call after all: a note only",
        ),
    ]

    def __init__(
        self,
        title: str = "Note",
        *,
        today: date | None = None,
        allow_call: bool = False,
        call: bool = False,
        body_label: str = "Note",
        date_label: str = "Next action",
        date_hint: str = "Blank date: note only",
        body_required: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.today = today or date.today()
        self.allow_call = allow_call
        self.call = call and allow_call
        self.body_label = body_label
        self.date_label = date_label
        self.date_hint = date_hint
        self.body_required = body_required

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.title_text), classes="dialog-title", id="note-title")
        with Vertical(id="call-fields", classes="" if self.call else "hidden"):
            with Horizontal():
                yield Label("Rep name", classes="field-label")
                yield Input(placeholder="who answered", max_length=60, id="call-rep")
                yield Label("Ref", classes="field-label", id="call-ref-label")
                yield Input(placeholder="call reference", max_length=40, id="call-ref")
            with Horizontal():
                yield Label("Outcome", classes="field-label")
                yield Select(
                    [(o, o) for o in CALL_OUTCOMES],
                    allow_blank=False,
                    value=CALL_OUTCOMES[0],
                    id="call-outcome",
                )
        with Horizontal():
            yield Label(self.body_label, classes="field-label")
            yield Input(
                placeholder="e.g. called payer, resubmitted", max_length=500, id="note-body"
            )
        with Horizontal():
            yield Label(self.date_label, classes="field-label")
            yield Input(placeholder=f"{DATE_HELP}", max_length=12, id="note-date")
        yield Static(self._default_hint(), id="note-hint", classes="dialog-hint")

    def _default_hint(self) -> str:
        toggle = ""
        if self.allow_call:
            toggle = " · ctrl+t: note only" if self.call else " · ctrl+t: payer call"
        return f"{self.date_hint} · Enter: next / done{toggle} · Esc: cancel"

    def on_mount(self) -> None:
        self.query_one("#call-rep" if self.call else "#note-body", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+t has two bindings: the footer shows the one that says what it does now
        if action == "toggle_call":
            return self.allow_call and not self.call
        if action == "note_only":
            return self.allow_call and self.call
        return True

    def hint(self, text: str) -> None:
        self.query_one("#note-hint", Static).update(Text(text))

    def action_toggle_call(self) -> None:
        self.call = not self.call
        self.query_one("#call-fields").set_class(not self.call, "hidden")
        focus_now(self.query_one("#call-rep" if self.call else "#note-body", Input))
        if not self.query_one("#note-date", Input).value.strip():  # else it shows the date
            self.hint(self._default_hint())
        self.refresh_bindings()

    def action_note_only(self) -> None:
        self.action_toggle_call()

    @on(Input.Changed, "#note-date")
    def show_date(self, event: Input.Changed) -> None:
        raw = event.value.strip()
        if not raw:
            self.hint(self._default_hint())
            return
        try:
            self.hint(f"→ {next_action_date(raw, self.today):%a %m/%d/%Y}")
        except DateInvalid as exc:
            self.hint(str(exc))

    @on(Select.Changed, "#call-outcome")
    def outcome_chosen(self, event: Select.Changed) -> None:
        if event.select.has_focus_within:  # chosen by the biller, not the initial value
            focus_now(self.query_one("#note-body", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        following = {
            "call-rep": "#call-ref",
            "call-ref": "#call-outcome",
            "note-body": "#note-date",
        }
        if event.input.id in following:
            focus_now(self.query_one(following[event.input.id]))
            return
        self.finish()

    def finish(self) -> None:
        """Check the entries and dismiss with them; a problem is said and nothing is kept."""
        body = self.query_one("#note-body", Input).value.strip()
        if not body and (self.body_required and not self.call):
            self.hint(f"Type the {self.body_label.lower()} first · Esc: cancel")
            focus_now(self.query_one("#note-body", Input))
            return
        raw = self.query_one("#note-date", Input).value.strip()
        next_on: date | None = None
        if raw:
            try:
                next_on = next_action_date(raw, self.today)
            except DateInvalid as exc:
                self.hint(f"{exc} · Esc: cancel")
                return
        call: PayerCall | None = None
        if self.call:
            outcome = self.query_one("#call-outcome", Select).value
            call = PayerCall(
                self.query_one("#call-rep", Input).value.strip(),
                self.query_one("#call-ref", Input).value.strip(),
                str(outcome),
            )
        self.dismiss(NoteEntry(body, next_on, call))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class NoteSaved(Message):
    """A note (and follow-up) was saved from a screen with NoteActions."""

    saved: FollowupSaved


def saved_words(saved: FollowupSaved) -> str:
    """'Note saved; follow-up moved to 11/09/2026'."""
    if saved.due_on is None:
        return "Note saved"
    verb = "moved to" if saved.moved else "on"
    return f"Note saved; follow-up {verb} {fmt_date(saved.due_on)}"


class NoteActions(ServiceScreen):
    """Adds `m` (note with a next-action date) to a screen about a claim or an account.
    Subclasses say what the note is about (`note_target`) and may bind `p` to
    `action_payer_call` for claims."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "note",
            "Note",
            id="followup.note",
            tooltip="Add a note and a next-action date (+7, +30, 11/15)",
        ),
    ]

    def note_target(self) -> tuple[Entity, int, str] | None:
        """(entity, id, words for the title) of the claim or account, None when unknown."""
        raise NotImplementedError

    def action_note(self) -> None:
        self.open_note(call=False)

    def action_payer_call(self) -> None:
        self.open_note(call=True)

    def open_note(self, call: bool) -> None:
        target = self.note_target()
        if target is None:
            self.notify("Wait until it has loaded", severity="warning")
            return
        entity, entity_id, words = target
        if call and entity != "claim":
            self.notify("A payer call is recorded on a claim", severity="warning")
            return

        def answered(entry: NoteEntry | None) -> None:
            if entry is not None:
                self.save_note(entity, entity_id, entry)

        title = f"{'Payer call' if call else 'Note'} on {words}"
        self.app.push_screen(
            NoteScreen(
                title, today=self.services.clock.today(), allow_call=entity == "claim", call=call
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="followup-note", exclusive=True)
    def save_note(self, entity: Entity, entity_id: int, entry: NoteEntry) -> None:
        saved = self.services.followups.add(
            entity, entity_id, entry.body, entry.next_on, entry.call
        )
        self.post_message(NoteSaved(saved))

    def on_note_saved(self, message: NoteSaved) -> None:
        self.notify(saved_words(message.saved), title="Note")
        self.note_saved(message.saved)

    def note_saved(self, saved: FollowupSaved) -> None:
        """Hook: after a note was saved (reload what the screen shows)."""
