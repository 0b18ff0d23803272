"""Labelled one-line form fields, and the rows that hold them and show their errors.

Used by the patient, coverage and authorization forms: a field's `name` is the name the
services use in `FieldError.field`, so a refused save puts each message right under the row
of its field. Nothing relies on color: an error line starts with "✗" and the label of a
wrong field is bold and underlined.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError

FormEditor = Input | Select[str]
"""What a field edits with: a one-line text box or a drop-down of string values."""

ERROR_MARK = "✗ "


class FormField(Horizontal):
    """One labelled editor (`Input` or `Select`) with an optional hint after it; put it in a
    `FormRow`, which shows the field's error (if any) under the row.

    `width` is the field's width in cells (label, editor and hint; None: a share of the
    row's spare width), `editor_width` how many characters the editor shows, `label_width`
    lines labels up in a column. `error_label` names the field at the start of an error
    that does not already name it (default: the label). The editor gets the id
    `input-<name>`.
    """

    DEFAULT_CSS = """
    FormField {
        height: 1;
        width: 1fr;
        margin-right: 2;
    }
    FormField .form-field--label {
        width: auto;
        padding-right: 1;
    }
    FormField .form-field--hint {
        width: auto;
        padding-left: 1;
        color: $text-muted;
    }
    FormField Input, FormField Select {
        width: 1fr;
    }
    FormField Input {
        background: $boost;
    }
    FormField Input:nocolor, FormField Select:nocolor {
        text-style: underline;
    }
    FormField.-invalid .form-field--label {
        text-style: bold underline;
        color: $text-error;
    }
    """

    def __init__(
        self,
        name: str,
        label: str,
        editor: FormEditor,
        *,
        width: int | None = None,
        editor_width: int | None = None,
        label_width: int | None = None,
        hint: str = "",
        error_label: str | None = None,
    ) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        """The service's name for this field (`FieldError.field`)."""
        self.label = label
        self.error_label = error_label or label
        self.editor = editor
        self.hint = hint
        self.label_width = label_width
        self._error: str | None = None
        if editor.id is None:
            editor.id = f"input-{name}"
        if width is not None:
            self.styles.width = width
        if editor_width is not None:  # a text box needs a cell more for its cursor
            editor.styles.width = editor_width + (1 if isinstance(editor, Input) else 0)

    def compose(self) -> ComposeResult:
        label = Label(self.label, classes="form-field--label")
        if self.label_width is not None:
            label.styles.width = self.label_width + 1  # and its padding
        yield label
        yield self.editor
        if self.hint:
            yield Label(self.hint, classes="form-field--hint")

    @property
    def value(self) -> str:
        """The entry as text ('' for a drop-down with nothing chosen)."""
        editor = self.editor
        if isinstance(editor, Input):
            return editor.value
        chosen = editor.value
        return chosen if isinstance(chosen, str) else ""

    @value.setter
    def value(self, text: str) -> None:
        editor = self.editor
        if isinstance(editor, Input):
            editor.value = text
            editor.cursor_position = len(text)
        elif not text:
            editor.clear()
        else:
            try:
                editor.value = text
            except InvalidSelectValueError:
                editor.clear()

    @property
    def error(self) -> str | None:
        """Why the last save refused this field (None when it did not)."""
        return self._error

    @property
    def error_text(self) -> str:
        """The error as its row shows it: '✗ State: 'ZZ' is not a 2-letter US state'."""
        if self._error is None:
            return ""
        message = self._error
        if not message.lower().startswith(self.error_label.lower()):
            message = f"{self.error_label}: {message}"
        return ERROR_MARK + message

    def show_error(self, message: str | None) -> None:
        """Show (or with None, clear) the reason this field was refused."""
        self._error = message
        self.set_class(message is not None, "-invalid")
        for row in self.ancestors_with_self:
            if isinstance(row, FormRow):
                row.refresh_errors()
                break


class FormRow(Vertical):
    """A line of fields side by side and, under it, one line per error of those fields.

    Use it as a context manager in `compose`: the fields yielded inside go on the line.
    """

    DEFAULT_CSS = """
    FormRow {
        height: auto;
        width: 1fr;
    }
    FormRow > .form-row--fields {
        height: 1;
        width: 1fr;
    }
    FormRow > .form-row--errors {
        display: none;
        height: auto;
        width: 1fr;
        color: $text-error;
        text-style: bold;
    }
    FormRow.-invalid > .form-row--errors {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        self._line = Horizontal(classes="form-row--fields")
        self._errors = Static("", classes="form-row--errors", markup=False)
        super().__init__(self._line, self._errors, id=id)

    def compose_add_child(self, widget: Widget) -> None:
        self._line.compose_add_child(widget)

    def refresh_errors(self) -> None:
        lines = [f.error_text for f in self._line.query(FormField) if f.error is not None]
        self._errors.update("\n".join(lines))
        self.set_class(bool(lines), "-invalid")


def text_input(
    value: str = "",
    *,
    placeholder: str = "",
    max_length: int = 0,
    restrict: str | None = None,
) -> Input:
    """A compact one-line text box for a form."""
    return Input(
        value,
        placeholder=placeholder,
        max_length=max_length,
        restrict=restrict,
        compact=True,
        select_on_focus=False,
    )


DATE_CHARS = r"[0-9/-]*"


def date_input(placeholder: str = "MM/DD/YYYY") -> Input:
    """A text box for a date typed as MM/DD/YYYY (other characters are refused as typed)."""
    return text_input(placeholder=placeholder, max_length=10, restrict=DATE_CHARS)


def choice_input(
    options: Iterable[tuple[str, str]], *, prompt: str = "Choose…", allow_blank: bool = True
) -> Select[str]:
    """A compact drop-down of (label, value) pairs for a form (Enter or ↓ opens it)."""
    return Select[str](list(options), prompt=prompt, compact=True, allow_blank=allow_blank)


def form_fields(root: Widget) -> dict[str, FormField]:
    """Every field under `root`, by service field name, in screen order."""
    return {field.field_name: field for field in root.query(FormField)}


def form_values(root: Widget) -> dict[str, str]:
    """The entries of every field under `root`, by field name."""
    return {name: field.value for name, field in form_fields(root).items()}


def set_form_values(root: Widget, values: dict[str, Any]) -> None:
    """Put `values` (by field name) into the fields under `root`; others are left alone."""
    for name, field in form_fields(root).items():
        if name in values:
            field.value = str(values[name])
