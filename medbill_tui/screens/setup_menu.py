"""The practice's setup lists, one line each (supervisors and admins): providers, payers,
fee schedules and clearinghouses. Enter opens the chosen list; a biller is told who may."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from medbill_tui.domain.roles import refusal
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.setup_clearinghouses import ClearinghousesScreen
from medbill_tui.screens.setup_fees import FeesScreen
from medbill_tui.screens.setup_payers import PayersScreen
from medbill_tui.screens.setup_providers import ProvidersScreen
from medbill_tui.widgets.keys_footer import KeysFooter

SETUP_LISTS: dict[str, tuple[str, Callable[[], Screen[None]]]] = {
    "providers": ("Providers: rendering providers, their NPI and taxonomy", ProvidersScreen),
    "payers": ("Payers: payer ids, address, paper or 837P, filing limits", PayersScreen),
    "fees": ("Fee schedules: the default prices and each payer's", FeesScreen),
    "clearinghouses": (
        "Clearinghouses: ids, test or production, SFTP connection, host key",
        ClearinghousesScreen,
    ),
}
"""The setup lists by name: what the menu says, and the screen."""


def setup_screen(name: str) -> Screen[None]:
    return SETUP_LISTS[name][1]()


class SetupMenuScreen(ServiceScreen):
    """The setup lists. A role that may not change them is told so and nothing opens.

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the chosen list. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="setup-menu.back", tooltip="Back"),
        Binding(
            "f1,ctrl+g", "app.help", "Keys", show=False, id="form.help", tooltip="Show every key"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Set up the practice (Enter opens a list)", id="setup-menu-title")
        yield OptionList(
            *(Option(words, id=name) for name, (words, _) in SETUP_LISTS.items()),
            id="setup-menu",
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Setup"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        if not self.services.can("manage-setup"):
            self.notify(refusal(self.services.role, "manage-setup"), severity="warning")
            return
        self.app.push_screen(setup_screen(event.option.id))

    def action_back(self) -> None:
        self.app.pop_screen()
