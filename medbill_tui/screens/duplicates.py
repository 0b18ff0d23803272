"""The question a save asks when the patient (or a member id) looks like another account:
the matches, then open the existing account, save anyway (audited), or back to the form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from medbill_tui.records.patient_merge import DuplicateMatch
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.screens.form import FormScreen
from medbill_tui.widgets.patient_match import match_text

Answer = Literal["open", "save", "back"]


def duplicates_of(error: BaseException | None) -> tuple[DuplicateMatch, ...]:
    """The matches a refused save carries (a service's `PossibleDuplicate`), else ()."""
    found = getattr(error, "duplicates", ())
    if not isinstance(found, tuple):
        return ()
    return tuple(match for match in found if isinstance(match, DuplicateMatch))


@dataclass
class DuplicatesFound(Message):
    """A save was refused because it looks like these patients (nothing was written)."""

    matches: tuple[DuplicateMatch, ...]


@dataclass(frozen=True)
class DuplicateChoice:
    answer: Answer
    patient_id: int | None = None


class DuplicateScreen(DialogScreen[DuplicateChoice]):
    """The patient being saved may already have an account.

    | Key(s) | Description |
    | :- | :- |
    | up / down | Highlight a match. |
    | o / enter | Open the highlighted existing account (the form keeps your entries). |
    | s | Save anyway (audited as a possible duplicate). |
    | escape / b | Back to the form. |
    """

    dialog_id = "duplicate-dialog"

    DEFAULT_CSS = """
    #duplicate-matches { height: auto; max-height: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "choose('open')", "Open existing", id="duplicates.open"),
        Binding("s", "choose('save')", "Save anyway", id="duplicates.save-anyway"),
        Binding("escape,b", "choose('back')", "Back to form", id="duplicates.back"),
    ]

    def __init__(self, matches: tuple[DuplicateMatch, ...], what: str) -> None:
        super().__init__()
        self.matches = matches
        self.what = what

    def compose_dialog(self) -> ComposeResult:
        many = len(self.matches) > 1
        yield Label(
            f"Not saved yet: this {self.what} may already have "
            + ("one of these accounts" if many else "an account"),
            classes="dialog-title",
            markup=False,
        )
        yield OptionList(*(Option(match_text(m)) for m in self.matches), id="duplicate-matches")
        yield Static(
            "o  open the existing account (your entries stay in the form)\n"
            "s  save anyway (recorded as a possible duplicate)\n"
            "b  back to the form (or Esc)",
            classes="dialog-keys",
            markup=False,
        )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose("open")

    def action_choose(self, answer: Answer) -> None:
        if answer != "open":
            self.dismiss(DuplicateChoice(answer))
            return
        index = self.query_one(OptionList).highlighted or 0
        self.dismiss(DuplicateChoice("open", self.matches[index].patient_id))


class DuplicateActions(FormScreen):
    """A base of a form whose save may be refused as a possible duplicate: the form's save worker
    posts `DuplicatesFound` instead of failing; this asks and acts. `despite` holds the
    accounts the biller chose to save anyway (the save worker passes it to the service)."""

    despite: tuple[str, ...] = ()

    def on_duplicates_found(self, message: DuplicatesFound) -> None:
        matches = message.matches
        accounts = ", ".join(m.account_no for m in matches)
        self.saving = False
        self.refresh_bindings()
        self.set_status(f"Not saved: this may be the same patient as {accounts}.")

        def answered(choice: DuplicateChoice | None) -> None:
            if choice is None or choice.answer == "back":
                self.focus_first_field()
            elif choice.answer == "save":
                self.despite = tuple(m.account_no for m in matches)
                self.action_save()
            elif choice.patient_id is not None:
                self.medbill.open_account(choice.patient_id)  # via the app: no import cycle

        self.app.push_screen(DuplicateScreen(matches, self.what), answered)
