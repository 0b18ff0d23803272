"""Small dialogs: a reason for a hold, and a yes/no question before entries are thrown away."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.screens.prompt import OneLineDialog


class ReasonScreen(OneLineDialog):
    """Ask why (a hold's reason); dismisses with the text, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Done (a reason is required). |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel", tooltip="Do nothing"),
    ]
    input_id = "reason"
    hint_id = "reason-hint"
    max_length = 200
    empty_hint = "Type a reason first · Esc: cancel"

    def __init__(
        self,
        title: str,
        prompt: str = "Reason:",
        placeholder: str = "e.g. waiting for the op note",
    ) -> None:
        super().__init__(title, prompt, placeholder)


class DiscardScreen(DialogScreen[bool]):
    """ "Throw away the unsaved entries?" — dismisses with True for yes.

    | Key(s) | Description |
    | :- | :- |
    | y | Yes, throw them away. |
    | n / escape | No, keep editing. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="discard.yes", tooltip="Throw the entries away"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.question), classes="dialog-title")
        yield Static("y: yes, throw them away · n or Esc: no, keep editing", classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
