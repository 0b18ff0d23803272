"""A small dialog that narrows a queue by patient / account text and by payer."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from medbill_tui.records import QUEUE_TITLES, PayerOption, QueueFilter, QueueKind

HINT = "Enter applies · Esc cancels · Tab goes to the payer list"
TEXT_HELP = "e.g. smith   or   smith, jo   or   A00001"


def describe_filter(filt: QueueFilter, payers: tuple[PayerOption, ...]) -> str:
    """'filter: "smi", Aetna' in words for a title or status line ('' when none)."""
    if not filt.active:
        return ""
    parts = []
    if filt.text.strip():
        parts.append(f'"{filt.text.strip()}"')
    if filt.payer_id is not None:
        names = {payer.id: payer.name for payer in payers}
        parts.append(names.get(filt.payer_id, f"payer #{filt.payer_id}"))
    if filt.timer:
        parts.append(filt.timer.replace("-", " "))
    return "filter: " + ", ".join(parts)


class FilterScreen(ModalScreen[QueueFilter | None]):
    """Edit a queue's filter; dismisses with the new filter, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Apply (in the text box; in the payer list it chooses). |
    | tab / shift+tab | Move between the text box and the payer list. |
    | ctrl+r | Reset both fields. |
    | escape | Cancel. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("ctrl+r", "reset", "Reset", id="filter.reset", tooltip="Empty both fields"),
        Binding("ctrl+s", "apply", "Apply", id="filter.apply", tooltip="Apply the filter"),
    ]

    def __init__(
        self, kind: QueueKind, current: QueueFilter, payers: tuple[PayerOption, ...]
    ) -> None:
        super().__init__()
        self.kind = kind
        self.current = current
        self.payers = payers

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog"):
            yield Label(f"Filter {QUEUE_TITLES[self.kind].lower()}", id="filter-title")
            yield Label("Patient last name (or 'last, first') or account number:")
            yield Input(self.current.text, placeholder=TEXT_HELP, id="filter-text")
            yield Label("Payer:")
            yield Select[int](
                [(payer.name, payer.id) for payer in self.payers],
                prompt="All payers",
                value=self.current.payer_id if self.current.payer_id is not None else Select.NULL,
                id="filter-payer",
            )
            yield Static(
                "Enter applies · Esc cancels · Tab goes to the payer list", id="filter-hint"
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _filter(self) -> QueueFilter:
        value = self.query_one(Select).value
        payer_id = value if isinstance(value, int) else None
        return replace(self.current, text=self.query_one(Input).value.strip(), payer_id=payer_id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_select_changed(self, event: Select.Changed) -> None:
        # Back to the text box so the next Enter applies the filter.
        self.query_one(Input).focus()

    def action_apply(self) -> None:
        self.dismiss(self._filter())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_reset(self) -> None:
        self.query_one(Input).value = ""
        self.query_one(Select).clear()
        self.query_one(Input).focus()
