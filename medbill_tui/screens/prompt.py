"""Ask for one line of text (an appeal's argument, a write-off's reason, a reference)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, Static

from medbill_tui.screens.dialog import DialogScreen


class OneLineDialog(DialogScreen[str | None]):
    """Ask for one line of text; dismisses with it (stripped, never empty), or None when
    cancelled. Subclasses name their own cancel binding, widget ids and words."""

    input_id = "prompt-input"
    hint_id = "prompt-hint"
    max_length = 400
    empty_hint = "Type something first · Esc: cancel"

    def __init__(self, title: str, prompt: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.placeholder = placeholder

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Label(Text(self.prompt))
        yield Input(placeholder=self.placeholder, max_length=self.max_length, id=self.input_id)
        yield Static("Enter: done · Esc: cancel", id=self.hint_id, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """At the limit the box takes no more: say so, rather than drop keys in silence."""
        event.stop()
        full = len(event.value) >= self.max_length
        words = f"That is the most it holds ({self.max_length} characters) · " if full else ""
        self.query_one(f"#{self.hint_id}", Static).update(f"{words}Enter: done · Esc: cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self.query_one(f"#{self.hint_id}", Static).update(self.empty_hint)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptScreen(OneLineDialog):
    """Ask for one line of text; dismisses with it, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Done. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Do nothing"),
    ]
