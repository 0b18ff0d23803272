"""`d` on a denial: how was it resolved? A short list and an optional note, before it closes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, OptionList, Static

from medbill_tui.records.detail import DENIAL_OUTCOMES, OTHER_OUTCOME
from medbill_tui.screens.dialog import DialogScreen


class DenialOutcomeScreen(DialogScreen[tuple[str, str] | None]):
    """Pick how the denial was resolved (1-5 or arrows and Enter), then an optional note
    (Enter closes the denial); dismisses with (outcome, note), or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | 1-5 / up, down, enter | Pick the outcome. |
    | enter (in the note) | Close the denial with the outcome and note. |
    | escape | Cancel: the denial stays open. |
    """

    dialog_id = "outcome-dialog"
    DEFAULT_CSS = """
    #outcome-dialog { width: 64; }
    #outcome-list { height: auto; max-height: 7; margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="outcome.cancel", tooltip="Keep it open"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.chosen: str | None = None

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield OptionList(
            *(f"{n}  {words}" for n, words in enumerate(DENIAL_OUTCOMES, start=1)),
            id="outcome-list",
        )
        yield Label("Note (optional; say what happened for 'other'):")
        yield Input(max_length=400, id="outcome-note")
        yield Static(
            "1-5 or Enter: pick · then Enter: close it · Esc: keep it open",
            id="outcome-hint",
            classes="dialog-hint",
        )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_key(self, event: events.Key) -> None:
        key = event.key
        if not self.query_one(OptionList).has_focus:
            return  # digits in the note are text
        if key.isdigit() and 1 <= int(key) <= len(DENIAL_OUTCOMES):
            event.stop()
            event.prevent_default()
            self._pick(int(key) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        self.chosen = DENIAL_OUTCOMES[index]
        self.query_one(OptionList).highlighted = index
        self.query_one("#outcome-hint", Static).update(
            Text(f"{self.chosen} · Enter: close the denial · Esc: keep it open")
        )
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        hint = self.query_one("#outcome-hint", Static)
        if self.chosen is None:
            hint.update("Pick how it was resolved first (1-5)")
            self.query_one(OptionList).focus()
            return
        note = event.value.strip()
        if self.chosen == OTHER_OUTCOME and not note:
            hint.update("Say what happened in the note (needed for 'other')")
            return
        self.dismiss((self.chosen, note))

    def action_cancel(self) -> None:
        self.dismiss(None)
