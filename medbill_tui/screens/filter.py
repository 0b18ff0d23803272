"""A small dialog that narrows a queue by a claim, patient or account and by payer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.queues import QUEUE_TITLES, PayerOption, QueueFilter, QueueKind
from medbill_tui.screens.dialog import DialogScreen

HINT = "Enter applies · Esc cancels · Tab moves between the fields"
TEXT_HELP = "e.g. smith   smith, jo   A000024   C100027"


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
    if filt.responsibility:
        parts.append(filt.responsibility)
    if filt.bucket is not None:
        parts.append(f"{BUCKETS[filt.bucket][0]} days")
    if filt.min_amount is not None or filt.max_amount is not None:
        parts.append(f"{filt.min_amount or ''}-{filt.max_amount or ''}")
    if filt.owner:
        parts.append(f"held by {filt.owner}")
    return "filter: " + ", ".join(parts)


RESPONSIBILITIES = ("primary", "secondary", "tertiary", "patient")


def parse_amount_range(value: str) -> tuple[Decimal | None, Decimal | None]:
    """'100-500', '100-', '-50' or '250' (exactly) into (min, max); ValueError in words."""
    text = value.strip().replace("$", "").replace(",", "")
    if not text:
        return None, None
    low_text, dash, high_text = text.partition("-")
    if not dash:
        low_text = high_text = text
    try:
        low = Decimal(low_text) if low_text.strip() else None
        high = Decimal(high_text) if high_text.strip() else None
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount range like 100-500, 100- or -50") from None
    if low is not None and high is not None and low > high:
        raise ValueError(f"the range {value!r} starts above where it ends")
    return low, high


class FilterScreen(DialogScreen[QueueFilter | None]):
    """Edit a queue's filter; dismisses with the new filter, or None when cancelled.

    | Key(s) | Description |
    | :- | :- |
    | enter | Apply (in the text box; in the payer list it chooses). |
    | tab / shift+tab | Move between the text box and the payer list. |
    | ctrl+r | Reset both fields. |
    | escape | Cancel. |
    """

    dialog_id = "filter-dialog"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("ctrl+r", "reset", "Reset", id="filter.reset", tooltip="Empty both fields"),
        Binding("ctrl+s", "apply", "Apply", id="filter.apply", tooltip="Apply the filter"),
    ]

    def __init__(
        self,
        kind: QueueKind | None,
        current: QueueFilter,
        payers: tuple[PayerOption, ...],
        title: str = "",
    ) -> None:
        """`kind` None: a list that is not a queue (the follow-ups), named by `title`."""
        super().__init__()
        self.kind = kind
        self.current = current
        self.payers = payers
        self.title_words = title or (QUEUE_TITLES[kind] if kind is not None else "the list")

    def compose_dialog(self) -> ComposeResult:
        yield Label(f"Filter {self.title_words.lower()}", id="filter-title", classes="dialog-title")
        yield Label("Claim no., payer claim no., account no. or last name:")
        yield Input(self.current.text, placeholder=TEXT_HELP, id="filter-text")
        yield Label("Payer:")
        yield Select[int](
            [(payer.name, payer.id) for payer in self.payers],
            prompt="All payers",
            value=self.current.payer_id if self.current.payer_id is not None else Select.NULL,
            id="filter-payer",
        )
        if self.kind is QueueKind.BALANCES:
            yield from self._balance_fields()
        yield Static(HINT, id="filter-hint", classes="dialog-hint")

    def _balance_fields(self) -> ComposeResult:
        current = self.current
        with Horizontal(classes="filter-row"):
            with Vertical():
                yield Label("Responsibility:")
                yield Select[str](
                    [(name, name) for name in RESPONSIBILITIES],
                    prompt="Any",
                    value=current.responsibility or Select.NULL,
                    id="filter-responsibility",
                )
            with Vertical():
                yield Label("Aging bucket (days):")
                yield Select[int](
                    [(label, index) for index, (label, _, _) in enumerate(BUCKETS)],
                    prompt="Any",
                    value=current.bucket if current.bucket is not None else Select.NULL,
                    id="filter-bucket",
                )
        with Horizontal(classes="filter-row"):
            with Vertical():
                yield Label("Amount (e.g. 100-500, 100-):")
                low, high = current.min_amount, current.max_amount
                shown = "" if low is None and high is None else f"{low or ''}-{high or ''}"
                yield Input(shown, placeholder="any", id="filter-amount")
            with Vertical():
                yield Label("Follow-up held by (login):")
                yield Input(current.owner, placeholder="anyone", id="filter-owner")

    def on_mount(self) -> None:
        if self.kind is QueueKind.BALANCES:
            self.query_one("#filter-dialog").add_class("balances")
        self.query_one("#filter-text", Input).focus()

    def _filter(self) -> QueueFilter:
        value = self.query_one("#filter-payer", Select).value
        payer_id = value if isinstance(value, int) else None
        text = self.query_one("#filter-text", Input).value.strip()
        result = replace(self.current, text=text, payer_id=payer_id)
        if self.kind is not QueueKind.BALANCES:
            return result
        low, high = parse_amount_range(self.query_one("#filter-amount", Input).value)
        resp = self.query_one("#filter-responsibility", Select).value
        bucket = self.query_one("#filter-bucket", Select).value
        return replace(
            result,
            responsibility=resp if isinstance(resp, str) else "",
            bucket=bucket if isinstance(bucket, int) else None,
            min_amount=low,
            max_amount=high,
            owner=self.query_one("#filter-owner", Input).value.strip(),
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice moves on one field, to the one after the list (round to the text box
        after the last: Enter in a box applies); a list cleared by reset does not move."""
        if not event.select.has_focus_within:
            return
        chain = self.focus_chain
        following = [
            widget
            for widget in chain[chain.index(event.select) + 1 :]
            if event.select not in widget.ancestors
        ]
        (following or [self.query_one("#filter-text", Input)])[0].focus()

    def action_apply(self) -> None:
        try:
            chosen = self._filter()
        except ValueError as error:
            self.query_one("#filter-hint", Static).update(f"✖ {error}")
            self.query_one("#filter-amount", Input).focus()
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_reset(self) -> None:
        for box in self.query(Input):
            box.value = ""
        for select in self.query(Select):
            select.clear()
        self.query_one("#filter-text", Input).focus()
