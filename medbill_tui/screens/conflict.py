"""The edit-conflict dialog: someone else saved first; see what they changed, then reload
theirs or keep yours. Either way your entries are kept as a draft: nothing is lost.
Also the yes/no question the forms ask (leave unsaved, put a draft back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from medbill_tui.records.conflicts import ConflictInfo, Draft
from medbill_tui.screens.dialog import DialogScreen

Choice = Literal["reload", "keep"]

NOT_KNOWN = "?"
"""The 'you opened' cell when the screen did not say what it loaded."""


def changes_table(info: ConflictInfo, width: int = 74) -> Table:
    """What they changed, one row per field: as you opened it, as they saved it, as you typed."""
    table = Table(box=None, padding=(0, 1), expand=False, show_edge=False, width=width)
    table.add_column("Field", no_wrap=True, max_width=18, overflow="ellipsis")
    for name in ("You opened", "They saved", "You typed"):
        table.add_column(name, no_wrap=True, max_width=17, overflow="ellipsis")
    for change in info.changes:
        loaded = NOT_KNOWN if change.loaded is None else change.loaded
        table.add_row(change.label, loaded or "—", change.theirs or "—", change.yours or "—")
    return table


def heading(info: ConflictInfo) -> str:
    """Who saved what, when."""
    who = info.saved_by or "Someone else"
    when = f" at {info.saved_at:%m/%d/%Y %H:%M}" if info.saved_at is not None else ""
    return f"{who} saved {info.what}{when}, after you opened it."


class ConflictScreen(DialogScreen[Choice]):
    """Someone else saved the record first: their changes field by field, and the choice.

    | Key(s) | Description |
    | :- | :- |
    | r | Reload theirs (yours kept as a draft: ctrl+r puts them back). |
    | k / escape | Keep yours on screen (ctrl+s then saves them over theirs). |
    """

    dialog_id = "conflict-dialog"

    DEFAULT_CSS = """
    ConflictScreen #conflict-changes {
        height: auto;
        max-height: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "choose('reload')",
            "Reload theirs",
            id="conflict.reload",
            tooltip="Show their saved values; yours are kept as a draft (ctrl+r)",
        ),
        Binding(
            "k,escape",
            "choose('keep')",
            "Keep mine",
            id="conflict.keep",
            tooltip="Keep your entries on screen; ctrl+s saves them over theirs",
        ),
    ]

    def __init__(self, info: ConflictInfo) -> None:
        super().__init__()
        self.info = info

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text("Not saved: someone else saved first"), classes="dialog-title")
        yield Static(Text(heading(self.info)), id="conflict-heading")
        with VerticalScroll(id="conflict-changes", can_focus=False):
            if self.info.changes:
                yield Static(changes_table(self.info), id="conflict-table")
            else:
                yield Static("No field you can see differs (a status or a link did).")
        yield Static(
            "Your entries are kept as a draft either way.\n"
            "r  reload theirs (ctrl+r puts yours back)\n"
            "k  keep mine on screen (ctrl+s saves them over theirs)",
            classes="dialog-keys",
            markup=False,
        )

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)


def conflict_of(error: BaseException | None) -> ConflictInfo | None:
    """The conflict a refused save carries (a service's `Conflict`), else None."""
    info = getattr(error, "conflict", None)
    return info if isinstance(info, ConflictInfo) else None


@dataclass
class DraftFound(Message):
    """A draft of the record this form edits was left unsaved (offered on open)."""

    draft: Draft


class ConfirmScreen(DialogScreen[bool]):
    """A yes/no question; dismisses with True for yes.

    | Key(s) | Description |
    | :- | :- |
    | y | Yes. |
    | n / escape | No. |
    """

    dialog_id = "confirm-dialog"

    DEFAULT_CSS = """
    #confirm-question {
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose_dialog(self) -> ComposeResult:
        yield Label(self.question, id="confirm-question", classes="dialog-title", markup=False)
        yield Static(f"y  {self.yes}\nn  {self.no} (or Esc)", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
