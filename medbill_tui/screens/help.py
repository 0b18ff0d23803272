"""The `?` screen: every key that works right now, read from the live bindings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.widgets import DataTable, Label, Static

from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.text import clip

MIN_WORDS = 12


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One key of the help table."""

    key: str
    description: str
    binding_id: str
    enabled: bool


def help_rows(app: App[Any], active: dict[str, ActiveBinding]) -> list[HelpRow]:
    """The bindings of a screen (and the app) a person can use: the remappable ones (with an
    id) first, in the order the footer shows them, then the built-in keys of the widgets."""
    rows: list[HelpRow] = []
    for _key, (_node, binding, enabled, _tooltip) in active.items():
        if binding.system or not binding.description:
            continue
        rows.append(
            HelpRow(
                key=app.get_key_display(binding),
                description=binding.description + ("" if enabled else " (not now)"),
                binding_id=binding.id or "",
                enabled=enabled,
            )
        )
    return sorted(rows, key=lambda row: not row.binding_id)


class HelpScreen(DialogScreen[None]):
    """A table of key, what it does and its binding id (for a keymap file).

    | Key(s) | Description |
    | :- | :- |
    | escape / ? | Close. |
    """

    dialog_id = "help-dialog"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "close", "Close", id="help.close"),
        Binding("j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, title: str, rows: list[HelpRow]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose_dialog(self) -> ComposeResult:
        yield Label(f"Keys: {self.title_text}", id="help-title", classes="dialog-title")
        yield DataTable[str](cursor_type="row", id="help-table")
        yield Static(
            "Move a key with a keymap file (MEDBILL_KEYMAP): id = key, e.g. app.help = f1",
            id="help-hint",
            classes="dialog-hint",
        )

    def on_mount(self) -> None:
        self.fill(self.app.size.width)
        self.query_one(DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.fill(event.size.width)

    def fill(self, width: int) -> None:
        """The keys and their ids whole; the words cut to what is left of `width` (the ids
        are what a keymap file needs, so they are never the part scrolled out of sight)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        key_width = max([len("Key"), *(len(r.key) for r in self.rows)])
        id_width = max([len("Binding id"), *(len(r.binding_id) for r in self.rows)])
        # each column pads one cell either side; the dialog's padding and scrollbar take 4
        words_width = max(MIN_WORDS, width - key_width - id_width - 3 * 2 - 4)
        table.add_column("Key", width=key_width)
        table.add_column("What it does", width=words_width)
        table.add_column("Binding id", width=id_width)
        for help_row in self.rows:
            words = clip(help_row.description, words_width)
            table.add_row(help_row.key, words, help_row.binding_id)
        table.move_cursor(row=row)

    def action_scroll(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_close(self) -> None:
        self.dismiss(None)
