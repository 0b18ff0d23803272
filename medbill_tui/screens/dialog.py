"""The base of the app's dialogs: one box, centred over the screen below it, with the footer
underneath. Their look is one rule set in the app's stylesheet (`.dialog` in shell/app.tcss)."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

from medbill_tui.widgets.keys_footer import KeysFooter

ResultT = TypeVar("ResultT")


class DialogScreen(ModalScreen[ResultT]):
    """A modal dialog. Subclasses yield what the box holds from `compose_dialog`.

    The screen has the class `dialog` and the box the class `dialog-box` (and the id
    `dialog_id` when the box needs rules of its own, such as another width). Inside it,
    `dialog-title` makes a bold heading line, `dialog-hint` a dim hint below the rest and
    `dialog-keys` a list of keys below the rest.
    """

    DEFAULT_CLASSES = "dialog"

    dialog_id: ClassVar[str | None] = None
    """The box's id (None: the box has the standard width)."""

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog-box"):
            yield from self.compose_dialog()
        yield KeysFooter()

    def compose_dialog(self) -> ComposeResult:
        """The widgets inside the box."""
        raise NotImplementedError
