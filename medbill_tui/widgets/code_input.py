"""The one-line fields of the charge-entry form and the labels that mark their findings."""

from __future__ import annotations

from textual.widgets import Input, Static

ERROR_MARK = "✖"
WARNING_MARK = "⚠"


class EntryInput(Input):
    """A borderless one-line field. Without colour the field still shows its extent
    (underlined) and a finding shows as bold (see the screen's CSS)."""

    # Unscoped, so the NO_COLOR rules (App:nocolor …) apply; every rule names its widget.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    EntryInput {
        width: 10;
        margin-right: 1;
        background: $foreground 10%;
    }
    EntryInput.-finding-warning {
        background: $warning 30%;
    }
    EntryInput.-finding-error {
        background: $error 35%;
    }
    EntryInput:focus {
        background: $primary 55%;
        text-style: bold;
    }
    VisitFields Select:focus > SelectCurrent {
        background: $primary 55%;
    }
    App:nocolor EntryInput {
        text-style: underline;
    }
    App:nocolor EntryInput:focus,
    App:nocolor VisitFields Select:focus > SelectCurrent {
        text-style: bold reverse;
    }
    App:nocolor EntryInput:focus > .input--cursor {
        text-style: underline;
    }
    """

    def __init__(
        self,
        value: str = "",
        *,
        id: str,
        width: int | None = None,
        placeholder: str = "",
        max_length: int = 0,
        restrict: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(
            value,
            placeholder=placeholder,
            compact=True,
            id=id,
            max_length=max_length,
            restrict=restrict,
            tooltip=tooltip,
        )
        if width is not None:
            self.styles.width = width

    def show_severity(self, severity: str | None) -> None:
        """Mark the field as having an error or a warning (or neither)."""
        self.set_class(severity == "error", "-finding-error")
        self.set_class(severity == "warning", "-finding-warning")


class CodeInput(EntryInput):
    """A code field (ICD-10-CM, CPT/HCPCS, modifier, POS): letters become capitals as typed.
    With `words`, it takes words to search for too (spaces, commas, hyphens)."""

    def __init__(
        self,
        value: str = "",
        *,
        id: str,
        width: int,
        max_length: int = 8,
        placeholder: str = "",
        tooltip: str | None = None,
        words: bool = False,
    ) -> None:
        super().__init__(
            value,
            id=id,
            width=width,
            placeholder=placeholder,
            max_length=max_length,
            restrict=r"[A-Za-z0-9. ,'-]*" if words else r"[A-Za-z0-9.]*",
            tooltip=tooltip,
        )

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(text.upper(), start, end)


class FieldLabel(Static):
    """A field's name; it carries a ✖ or ⚠ in front while its field has a finding, so the
    mark reads without colour."""

    DEFAULT_CSS = """
    FieldLabel {
        margin-right: 1;
    }
    """

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(f" {text}", id=id)
        self.text = text
        self.styles.width = len(text) + 1

    def show_severity(self, severity: str | None) -> None:
        mark = {"error": ERROR_MARK, "warning": WARNING_MARK}.get(severity or "", " ")
        self.update(f"{mark}{self.text}")
