"""What the setup lists share (providers, payers, fee schedules; supervisors and admins): a
list of rows, those in use first; n adds, Enter corrects, d deactivates (after asking; nothing
is ever deleted), r reloads. And the forms' check of each field as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Select
from textual.worker import Worker

from medbill_tui.records.forms import FieldError
from medbill_tui.records.queues import Cursor, Page
from medbill_tui.records.setup import Choice, SetupRow
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.form import FormScreen
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.text import plural

DEACTIVATE_GROUP = "setup-deactivate"
INACTIVE = "deactivated"


class SetupTable(ListTable):
    """A setup list's rows (subclasses give the columns; the last one says whether in use).

    | Key(s) | Description |
    | :- | :- |
    | enter | Correct the highlighted row. |
    | n | Add one. |
    | d | Deactivate the highlighted row, or put a deactivated one back in use (asks first). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Correct", id="setup-list.open", tooltip="Correct it"),
        Binding("n", "screen.add", "Add", id="setup-list.add", tooltip="Add one"),
        Binding(
            "d",
            "screen.deactivate",
            "Deactivate",
            id="setup-list.deactivate",
            tooltip="Hide it from new work (old claims keep it); asks first",
        ),
    ]


@dataclass
class Deactivated(Message):
    """A row was deactivated, or put back in use (the list reloads)."""

    what: str
    back_in_use: bool = False


@dataclass
class SetupFormLoaded(Message):
    """A setup form's record (None: a new one) and its drop-downs' choices arrived."""

    form: Any
    choices: tuple[Choice, ...] = ()


def choice_options(choices: tuple[Choice, ...]) -> list[tuple[str, str]]:
    """The drop-down's options; the choice worth "" is the drop-down's blank (its prompt)."""
    return [(c.label, c.value) for c in choices if c.value]


def blank_label(choices: tuple[Choice, ...], default: str = "Choose…") -> str:
    return next((c.label for c in choices if not c.value), default)


def set_choices(select: Select[str], choices: tuple[Choice, ...]) -> None:
    select.set_options(choice_options(choices))


class SetupListScreen(PickListScreen[SetupRow]):
    """A setup list. Subclasses name it (`list_id`, `list_title`, `noun`), give the table,
    load the rows (`load_rows`), open the form (`form_for`: None adds one) and deactivate a
    row (`deactivate_row`, in the worker; it may raise to ask first, see `ask_again`).

    | Key(s) | Description |
    | :- | :- |
    | enter | Correct the highlighted row. |
    | n | Add one. |
    | d | Deactivate the highlighted row, or put a deactivated one back in use (asks first). |
    | r | Reload. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *list_bindings("setup-list"),
        Binding(
            "f1,ctrl+g", "app.help", "Keys", show=False, id="form.help", tooltip="Show every key"
        ),
    ]

    noun: ClassVar[str] = "row"
    always_reload = True  # also after a form saved

    def load_rows(self) -> tuple[SetupRow, ...]:
        raise NotImplementedError

    def form_for(self, row_id: int | None) -> Screen[Any]:
        raise NotImplementedError

    def deactivate_row(self, row_id: int, confirmed: bool) -> None:
        """Deactivate (worker thread); `confirmed`: the biller said yes to a second question."""
        raise NotImplementedError

    def ask_again(self, error: BaseException | None) -> str | None:
        """The question a refusal asks before trying with `confirmed` (None: just refused)."""
        return None

    # the list ------------------------------------------------------------------------

    def load_page(self, after: Cursor | None) -> Page[SetupRow]:
        return Page(self.load_rows(), next_cursor=None)

    def row_key(self, row: SetupRow) -> str:
        return str(row.id)

    def row_cells(self, row: SetupRow) -> list[Cell]:
        return [*row.cells, "in use" if row.active else INACTIVE]

    def status_text(self) -> str:
        inactive = sum(1 for row in self.rows if not row.active)
        text = plural(len(self.rows) - inactive, self.noun) + " in use"
        if inactive:
            text += f", {inactive} {INACTIVE}"
        return text + " · Enter: correct · n: add · d: deactivate or put back"

    def open_row(self, row: SetupRow) -> None:
        self.app.push_screen(self.form_for(row.id))

    def action_add(self) -> None:
        self.app.push_screen(self.form_for(None))

    # deactivating --------------------------------------------------------------------

    def action_deactivate(self) -> None:
        row = self.current()
        if row is None:
            return
        if not row.active:
            self._confirm(
                f"Put {self.noun} {row.cells[0]} back in use? It is offered for new work again.",
                lambda: self.reactivate(row.id),
                yes="Yes, put it back",
                no="No, leave it",
            )
            return
        self._confirm(
            f"Deactivate {self.noun} {row.cells[0]}? It is hidden from new work; the claims "
            "and visits that name it keep it.",
            lambda: self.deactivate(row.id, False),
        )

    def _confirm(
        self,
        question: str,
        go: Callable[[], object],
        yes: str = "Yes, deactivate",
        no: str = "No, keep it",
    ) -> None:
        def answered(said_yes: bool | None) -> None:
            if said_yes:
                go()

        self.app.push_screen(ConfirmScreen(question, yes=yes, no=no), answered)

    @work(thread=True, exit_on_error=False, group=DEACTIVATE_GROUP, exclusive=True)
    def reactivate(self, row_id: int) -> None:
        self.services.setup_lists.reactivate(self.noun, row_id)
        self.post_message(Deactivated(self.noun, back_in_use=True))

    @work(thread=True, exit_on_error=False, group=DEACTIVATE_GROUP, exclusive=True)
    def deactivate(self, row_id: int, confirmed: bool) -> None:
        self.deactivate_row(row_id, confirmed)
        self.post_message(Deactivated(self.noun))

    def on_deactivated(self, message: Deactivated) -> None:
        if message.back_in_use:
            self.notify(f"The {message.what} is in use again.", title="Put back", timeout=4)
        else:
            self.notify(f"The {message.what} is deactivated.", title="Deactivated", timeout=4)
        self.reload()

    def worker_failed(self, worker: Worker[Any]) -> None:
        super().worker_failed(worker)
        if worker.group != DEACTIVATE_GROUP:
            return
        question = self.ask_again(worker.error)
        row = self.current()
        if question is not None and row is not None:
            self._confirm(question, lambda: self.deactivate(row.id, True))
        else:
            self.set_status(f"Nothing was changed: {worker.error}")


class CheckedAsTyped(FormScreen):
    """A setup form whose fields are checked as they are typed (`problems`: every field's
    errors for the entries now, by the same rules the save uses)."""

    def problems(self) -> list[FieldError]:
        raise NotImplementedError

    def record_saved(self, record_id: int, form: object) -> None:
        """The save went through: say whether it added or corrected the record, go back."""
        self.save_done("Saved.")
        done = "added" if self.draft_id() is None else "saved"
        self.notify(f"{self.what.capitalize()} {done}.", title="Saved", timeout=4)
        self.app.pop_screen()

    @on(Input.Changed)
    def check_as_typed(self, event: Input.Changed) -> None:
        """Say what is wrong with the field being typed in once it holds something."""
        if self.loading_form:
            return
        for name, field in self.fields().items():
            if field.editor is event.input:
                wrong = [e.message for e in self.problems() if e.field == name]
                field.show_error(wrong[0] if wrong and field.value.strip() else None)
