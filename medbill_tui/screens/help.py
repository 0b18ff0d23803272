"""The `?` screen: every key that works right now, read from the live bindings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.widgets import DataTable, Label, Static

from medbill_tui.screens.dialog import DialogScreen


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
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does", "Binding id")
        for row in self.rows:
            table.add_row(row.key, row.description, row.binding_id)
        table.focus()

    def action_scroll(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_close(self) -> None:
        self.dismiss(None)
