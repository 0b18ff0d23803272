"""Front-desk money on an account: `$` opens a dialog (payment or refund, amount, method,
reference, visits to pay first), shows where the money will go, and posts after y."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from medbill_tui.domain.patient_payments import METHODS, PaymentRefused, parse_amount
from medbill_tui.records.payments import PaymentEntry, PaymentPreview, Receipt
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.widgets.text import money

HINT = "Enter: next box, then done · Esc cancels · visits: encounter numbers to pay first"


class PaymentScreen(DialogScreen[PaymentEntry | None]):
    """Type a payment or refund; dismisses with a PaymentEntry, or None.

    | Key(s) | Description |
    | :- | :- |
    | enter | Next box, then done. |
    | escape | Cancel. |
    """

    DEFAULT_CSS = """
    PaymentScreen #pay-amount-error { display: none; color: $text-error; text-style: bold; }
    PaymentScreen #pay-amount-error.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="payment.cancel", tooltip="Post nothing"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose_dialog(self) -> ComposeResult:
        yield Label(Text(self.title_text), classes="dialog-title")
        yield Select[str](
            [("payment", "payment"), ("refund of a credit", "refund")],
            value="payment",
            allow_blank=False,
            id="pay-kind",
        )
        yield Input(placeholder="amount, e.g. 40.00", id="pay-amount")
        yield Static("", id="pay-amount-error", markup=False)
        yield Select[str](
            [(m, m) for m in METHODS], value="cash", allow_blank=False, id="pay-method"
        )
        yield Input(placeholder="check or card reference", id="pay-ref")
        yield Input(placeholder="visits to pay first, e.g. 1203, 1188 (optional)", id="pay-visits")
        yield Static(HINT, id="pay-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#pay-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["pay-amount", "pay-ref", "pay-visits"]
        current = event.input.id or ""
        if current == "pay-amount" and not self.amount_readable():
            return
        if current != order[-1] and not (current == "pay-ref" and self._kind() == "refund"):
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        self.finish()

    def _kind(self) -> str:
        return str(self.query_one("#pay-kind", Select).value)

    def amount_readable(self) -> bool:
        """True when the amount box holds an amount above zero; else say why under it and
        put the cursor there (what was typed stays)."""
        box = self.query_one("#pay-amount", Input)
        error = self.query_one("#pay-amount-error", Static)
        try:
            parse_amount(box.value)
        except PaymentRefused as exc:
            error.update(f"✗ Amount: {exc}")
            error.add_class("-shown")
            box.focus()
            return False
        error.update("")
        error.remove_class("-shown")
        return True

    def finish(self) -> None:
        """Dismiss with the entry, or say what is wrong with the amount or the visits box."""
        if not self.amount_readable():
            return
        words = self.query_one("#pay-visits", Input).value.replace(",", " ").split()
        if not all(word.lstrip("#").isdigit() for word in words):
            self.query_one("#pay-hint", Static).update("✖ visits are encounter numbers, e.g. 1203")
            return
        self.dismiss(
            PaymentEntry(
                kind=self._kind(),
                amount=self.query_one("#pay-amount", Input).value,
                method=str(self.query_one("#pay-method", Select).value),
                reference=self.query_one("#pay-ref", Input).value.strip(),
                visits=tuple(int(word.lstrip("#")) for word in words),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class PaymentPreviewed(Message):
    entry: PaymentEntry
    preview: PaymentPreview


@dataclass
class PaymentPosted(Message):
    receipt: Receipt
    path: str


def preview_words(entry: PaymentEntry, preview: PaymentPreview) -> str:
    """The question before a payment is posted: where each amount goes, any credit."""
    lines = [f"Post {entry.method} {money(preview.amount)} to {preview.account_no}?"]
    lines += [f"  visit #{e} {d:%m/%d/%y}: {money(a)}" for e, d, a in preview.lines[:6]]
    if len(preview.lines) > 6:
        lines.append(f"  … and {len(preview.lines) - 6} more visits")
    if preview.credit > 0:
        lines.append(f"  {money(preview.credit)} more than owed: kept as a refundable credit")
    return "\n".join(lines)


class PaymentActions(ServiceScreen):
    """Adds `$` (post a payment or refund a credit) to the account screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "dollar_sign",
            "payment",
            "Payment",
            id="account.payment",
            tooltip="Post a patient payment or refund a credit, with a receipt",
        ),
    ]

    patient_id: int

    def action_payment(self) -> None:
        def typed(entry: PaymentEntry | None) -> None:
            if entry is None:
                return
            if entry.kind == "refund":
                question = f"Refund {entry.amount} by {entry.method} from the account's credit?"
                self.app.push_screen(
                    ConfirmScreen(question, "Refund", "Keep the credit"), self._post_if(entry)
                )
            else:
                self.preview(entry)

        self.app.push_screen(PaymentScreen("Payment or refund"), typed)

    @work(thread=True, exit_on_error=False, group="payment", exclusive=True)
    def preview(self, entry: PaymentEntry) -> None:
        shown = self.services.payments.preview(self.patient_id, entry.amount, entry.visits)
        self.post_message(PaymentPreviewed(entry, shown))

    def on_payment_previewed(self, message: PaymentPreviewed) -> None:
        question = preview_words(message.entry, message.preview)
        self.app.push_screen(
            ConfirmScreen(question, "Post it", "Post nothing"), self._post_if(message.entry)
        )

    def _post_if(self, entry: PaymentEntry) -> Callable[[bool | None], None]:
        def answered(yes: bool | None) -> None:
            if yes:
                self.post(entry)

        return answered

    @work(thread=True, exit_on_error=False, group="payment", exclusive=True)
    def post(self, entry: PaymentEntry) -> None:
        payments = self.services.payments
        if entry.kind == "refund":
            receipt, path = payments.refund(
                self.patient_id, entry.amount, entry.method, entry.reference
            )
        else:
            receipt, path = payments.pay(
                self.patient_id, entry.amount, entry.method, entry.reference, entry.visits
            )
        self.post_message(PaymentPosted(receipt, str(path)))

    def on_payment_posted(self, message: PaymentPosted) -> None:
        receipt = message.receipt
        self.notify(
            f"{receipt.kind.capitalize()} {receipt.receipt_no} of "
            f"{money(receipt.amount)} posted; receipt {message.path}",
            title="Posted",
            timeout=10,
        )
        self.payment_posted()

    def payment_posted(self) -> None:
        """Hook: reload what the screen shows."""
