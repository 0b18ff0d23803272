"""The pick list of a code field: the codes matching the words (or the ICD-10-CM category)
typed in a diagnosis or procedure field, shown right under that field's row."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from medbill_tui.widgets.encounter_messages import CodeChoice

PICK_ROWS = 8
"""Rows of the list on screen; more codes scroll."""


def _one_line(choice: CodeChoice, width: int) -> str:
    text = f"{choice.code:<8} {choice.words}"
    return text if len(text) <= width else text[: width - 1] + "…"


class CodePicks(OptionList):
    """Codes to pick for one field (`field_id`). Never focused: the field keeps the keys
    (the screen sends up/down, Enter and Escape here while the list is open), so nothing
    typed while it opens is lost."""

    DEFAULT_CSS = f"""
    CodePicks {{
        height: auto;
        max-height: {PICK_ROWS};
        margin-left: 4;
        border: none;
        padding: 0;
    }}
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.display = False
        self.field_id: str | None = None
        """The field the list is for (None: closed)."""
        self.choices: tuple[CodeChoice, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.field_id is not None

    def open(self, field_id: str, choices: tuple[CodeChoice, ...]) -> None:
        """Show `choices` for the field, the first highlighted."""
        self.field_id, self.choices = field_id, choices
        room = max(20, self.app.size.width - 10)  # one line each: the margin and scrollbar
        self.clear_options()
        self.add_options(Option(Text(_one_line(choice, room))) for choice in choices)
        self.highlighted = 0
        self.display = True

    def close(self) -> bool:
        """Hide the list; False when it was not open."""
        was_open = self.is_open
        self.field_id, self.choices = None, ()
        self.display = False
        return was_open

    def move(self, step: int) -> None:
        current = self.highlighted or 0
        self.highlighted = max(0, min(len(self.choices) - 1, current + step))

    @property
    def current(self) -> CodeChoice | None:
        """The highlighted code (None when closed)."""
        index = self.highlighted
        if not self.is_open or index is None or index >= len(self.choices):
            return None
        return self.choices[index]
