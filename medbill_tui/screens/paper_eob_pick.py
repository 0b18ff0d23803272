"""Which claim the biller meant, when a look-up on the paper EOB screen matches several."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from medbill_tui.records.paper_eob import ClaimToKey
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.text import fmt_date_short, money


class ClaimPickScreen(DialogScreen[ClaimToKey | None]):
    """Pick one of the matching claims; dismisses with it, or None.

    | Key(s) | Description |
    | :- | :- |
    | up/down, enter | Choose the claim. |
    | escape | Key none of them. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="eob-pick.cancel", tooltip="Key none of them"),
    ]

    def __init__(self, words: str, claims: tuple[ClaimToKey, ...]) -> None:
        super().__init__()
        self.words = words
        self.claims = claims

    def compose_dialog(self) -> ComposeResult:
        yield Label(f"Claims matching {self.words!r}", classes="dialog-title", markup=False)
        yield OptionList(
            *(
                Option(
                    f"{c.claim_no} {c.patient_name[:22]:<22} {fmt_date_short(c.dos)} "
                    f"{money(c.total):>9}",
                    id=c.claim_no,
                )
                for c in self.claims
            ),
            id="eob-pick-list",
        )
        yield Static("Enter keys the claim · Esc: none of them", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.claims[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
