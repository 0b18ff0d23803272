"""The edit-conflict dialog: someone else saved first; see what they changed, then merge
(your changes on their version: the default), reload theirs, or keep yours over theirs
(after saying which of their changes that overwrites). Your entries are kept as a draft
whatever you choose: nothing is lost.
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

from medbill_tui.records.conflicts import ConflictInfo, Draft, FieldChange
from medbill_tui.screens.dialog import DialogScreen

Choice = Literal["merge", "reload", "keep"]
"""merge: your changes on their version; reload: theirs on screen; keep: yours over theirs."""

SHOWN_OVERWRITES = 8
"""How many overwritten fields the keep-mine question lists by name."""

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


def overwritten(info: ConflictInfo) -> tuple[FieldChange, ...]:
    """Their changes that keeping your whole form would undo: their value is not yours."""
    return tuple(c for c in info.changes if c.theirs != c.yours)


def overwrite_question(changes: tuple[FieldChange, ...]) -> str:
    """'Keep mine overwrites 2 of their changes:' then 'street: 12 Oak St → 1 Main St' …"""
    lines = [f"Keep mine overwrites {len(changes)} of their changes:"]
    for change in changes[:SHOWN_OVERWRITES]:
        lines.append(f"  {change.label}: {change.theirs or '—'} → {change.yours or '—'}")
    if len(changes) > SHOWN_OVERWRITES:
        lines.append(f"  and {len(changes) - SHOWN_OVERWRITES} more")
    lines.append("Keep yours over theirs (ctrl+s then saves)?")
    return "\n".join(lines)


def heading(info: ConflictInfo) -> str:
    """Who saved what, when."""
    who = info.saved_by or "Someone else"
    when = f" at {info.saved_at:%m/%d/%Y %H:%M}" if info.saved_at is not None else ""
    return f"{who} saved {info.what}{when}, after you opened it."


class ConflictScreen(DialogScreen[Choice]):
    """Someone else saved the record first: their changes field by field, and the choice.

    | Key(s) | Description |
    | :- | :- |
    | m / escape | Merge: your changes on their version, their other changes stay. |
    | r | Reload theirs (yours kept as a draft: ctrl+r puts them back). |
    | k | Keep yours over theirs: lists which of their changes that undoes, asks. |
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
            "m,escape",
            "choose('merge')",
            "Merge",
            id="conflict.merge",
            tooltip="Your changes on their version; the fields you did not touch keep theirs",
        ),
        Binding(
            "r",
            "choose('reload')",
            "Reload theirs",
            id="conflict.reload",
            tooltip="Show their saved values; yours are kept as a draft (ctrl+r)",
        ),
        Binding(
            "k",
            "keep_mine",
            "Keep mine",
            id="conflict.keep",
            tooltip="Your whole form over theirs: says which of their changes it undoes, asks",
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
            "Your entries are kept as a draft whatever you choose.\n"
            "m  merge (Esc): your changes on their version, their others stay\n"
            "r  reload theirs (ctrl+r puts yours back)\n"
            "k  keep mine over theirs (says what of theirs it undoes, asks)",
            classes="dialog-keys",
            markup=False,
        )

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    def action_keep_mine(self) -> None:
        """Keep the whole form; when that undoes some of their changes, name them and ask."""
        undone = overwritten(self.info)
        if not undone:
            self.dismiss("keep")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss("keep")

        question = ConfirmScreen(
            overwrite_question(undone), yes="Yes, mine over theirs", no="No, choose again"
        )
        self.app.push_screen(question, answered)


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
