"""Charge entry's keys for moving about the diagnoses and service lines: up/down between
rows (or through an open pick list), ctrl+d to delete a line, Escape closing a pick list
before it leaves the screen. A base of `EncounterEntryScreen`."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from medbill_tui.screens.encounter_fixing import FixingEntryBase
from medbill_tui.widgets.encounter_lines import row_and_part


class ChargeEntryKeys(FixingEntryBase):
    """Row keys of charge entry (see `EncounterEntryScreen` for the whole key table)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+d",
            "delete_line",
            "Delete line",
            id="entry.delete-line",
            show=False,  # the footer is full at 80 columns: the lines' heading names it
            priority=True,  # before the field's own ctrl+d (delete to the right)
            tooltip="Delete the service line under the cursor",
        ),
        Binding(
            "up",
            "row(-1)",
            "Line up",
            id="entry.row-up",
            show=False,
            priority=True,  # before the form's scrolling; other fields keep their own
            tooltip="The same field one line up (in a pick list: the previous code)",
        ),
        Binding(
            "down",
            "row(1)",
            "Line down",
            id="entry.row-down",
            show=False,
            priority=True,
            tooltip="The same field one line down (in a pick list: the next code)",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_line":  # None: ctrl+d stays the field's own elsewhere
            return True if row_and_part(self._focused_id()) is not None else None
        if action == "row":
            focused = self._focused_id()
            in_rows = focused.startswith("dx-") or row_and_part(focused) is not None
            return True if in_rows or self.form_view.open_picks() is not None else None
        return super().check_action(action, parameters)

    def _focused_id(self) -> str:
        return (self.focused.id or "") if self.focused is not None else ""

    def action_row(self, step: int) -> None:
        picks = self.form_view.open_picks()
        if picks is not None:
            picks.move(step)
        else:
            self.form_view.move_row(self._focused_id(), step)

    async def action_delete_line(self) -> None:
        place = row_and_part(self._focused_id())
        if place is None:
            return
        await self.form_view.delete_line(*place)
        self._show_status(f"Line {place[0] + 1} deleted; the lines below moved up.")
        self._schedule_check()
        self.draft_soon()

    def action_leave(self) -> None:
        if self.form_view.close_picks():  # Escape closes the pick list first
            return
        super().action_leave()
