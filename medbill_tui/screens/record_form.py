"""The layout and the save of the forms over one record (a coverage, an authorization): a
heading over the fields in a scrolling body, the status line under them, the record as loaded
(with its version) kept for the save, and one save worker that drops the draft when done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Header, Static

from medbill_tui.errors import ServiceError
from medbill_tui.screens.duplicates import DuplicatesFound, duplicates_of
from medbill_tui.screens.form import FormScreen
from medbill_tui.widgets.form_field import set_form_values
from medbill_tui.widgets.keys_footer import KeysFooter


class Versioned(Protocol):
    """A record's form as a service loads and saves it (with the version it was read at)."""

    @property
    def version(self) -> int | None: ...


RecordT = TypeVar("RecordT", bound=Versioned)


@dataclass
class RecordSaved(Message):
    """The save worker finished: `form` was saved as the record `record_id`."""

    record_id: int
    form: Any


class RecordFormScreen(FormScreen, Generic[RecordT]):
    """A form over one record. Subclasses name it (`form_id`: the ids `<form_id>-body` and
    `<form_id>-heading`), list the record's `FIELDS`, lay the fields out in
    `compose_fields`, and say how the record shows (`form_values`), how the entries become
    one (`form_to_save`), how it is saved (`store`, in the worker thread) and what follows
    (`record_saved`). The record as loaded (or as someone else saved it) is `record`. The
    save worker is in FormScreen's `save_group` (subclasses keep it).

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save and go back. |
    | enter | Next field (opens a drop-down when on one). |
    | escape | Back (asks when there are unsaved changes). |
    """

    DEFAULT_CSS = """
    .record-form-body {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    .record-form-heading {
        text-style: bold;
    }
    #form-status {
        height: auto;
        margin-top: 1;
    }
    """

    form_id: ClassVar[str]
    record_type: ClassVar[type[Any]]
    """The record's form class (what `adopt` takes from a conflict)."""
    FIELDS: ClassVar[tuple[str, ...]] = ()
    """The record's fields that are form fields of the same name."""

    def __init__(self) -> None:
        super().__init__()
        self.record: RecordT | None = None
        """The record as loaded (None for a new one until saved)."""

    def compose(self) -> ComposeResult:
        yield Header()
        body = f"{self.form_id}-body"
        with VerticalScroll(id=body, classes="record-form-body", can_focus=False):
            yield Static(
                "", id=f"{self.form_id}-heading", classes="record-form-heading", markup=False
            )
            yield from self.compose_fields()
            yield Static("", id="form-status", markup=False)
        yield KeysFooter()

    def compose_fields(self) -> ComposeResult:
        """The form's rows of fields, under the heading."""
        raise NotImplementedError

    @property
    def form_root(self) -> Widget:
        return self.query_one(f"#{self.form_id}-body")

    def set_heading(self, text: str) -> None:
        self.query_one(f"#{self.form_id}-heading", Static).update(text)

    # the record ----------------------------------------------------------------------

    def form_values(self, record: RecordT) -> dict[str, str]:
        """The record's values by field name, as the fields show them."""
        return {name: getattr(record, name) for name in self.FIELDS}

    def show_record(self, record: RecordT) -> None:
        """Put the record's values in the fields."""
        set_form_values(self.form_root, self.form_values(record))

    def entries(self) -> dict[str, str]:
        """The entries of `FIELDS` (what the record's form takes by name)."""
        values = self.values()
        return {name: values[name] for name in self.FIELDS}

    @property
    def loaded_version(self) -> int | None:
        """The version of the record as loaded (None: a new one)."""
        return self.record.version if self.record is not None else None

    def adopt(self, theirs: object, show: bool) -> None:
        if isinstance(theirs, self.record_type):
            self.record = theirs
            if show:
                self.show_record(theirs)

    # saving --------------------------------------------------------------------------

    def form_to_save(self) -> RecordT:
        """The entries as the record's form, to save."""
        raise NotImplementedError

    def store(self, form: RecordT, loaded: RecordT | None) -> int:
        """Save `form` over the record as `loaded` (runs in the worker thread); its id."""
        raise NotImplementedError

    def record_saved(self, record_id: int, form: RecordT) -> None:
        """The save went through (say so, go back)."""
        raise NotImplementedError

    def start_save(self) -> None:
        self.save_record(self.form_to_save(), self.record)

    @work(thread=True, exit_on_error=False, group=FormScreen.save_group, exclusive=True)
    def save_record(self, form: RecordT, loaded: RecordT | None) -> None:
        try:
            record_id = self.store(form, loaded)
        except ServiceError as exc:
            if not duplicates_of(exc):
                raise
            self.post_message(DuplicatesFound(duplicates_of(exc)))
            return
        self.drop_draft_after_save()
        self.post_message(RecordSaved(record_id, form))

    def on_record_saved(self, message: RecordSaved) -> None:
        self.record_saved(message.record_id, message.form)
