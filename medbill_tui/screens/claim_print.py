"""`P` on the claim screen: the claim's CMS-1500 (02/12) form again as a PDF in the letters
folder (to mail, or to attach to an appeal); each print is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from medbill_tui.errors import ServiceError
from medbill_tui.records.detail import ClaimDetail
from medbill_tui.screens.base import ServiceScreen


@dataclass
class FormPrinted(Message):
    """Where the form went, or (`failed`) why it was not printed."""

    words: str
    failed: bool = False


class ClaimPrintActions(ServiceScreen):
    """Adds `P` (print the CMS-1500 form) to a screen showing one claim."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "P",
            "print_form",
            "CMS-1500",
            id="claim.print",
            tooltip="Print the claim's CMS-1500 form again (a PDF in the letters folder)",
        ),
    ]

    def loaded_claim(self) -> ClaimDetail | None:
        """The claim shown (None until loaded)."""
        return None

    def action_print_form(self) -> None:
        claim = self.loaded_claim()
        if claim is None:
            self.notify("The claim is still loading", severity="warning")
            return
        self.print_form(claim.claim_no)

    @work(thread=True, exit_on_error=False, group="claim-print", exclusive=True)
    def print_form(self, claim_no: str) -> None:
        try:
            path = self.services.paper_claims.reprint(claim_no, self.services.letters)
        except ServiceError as exc:
            self.post_message(FormPrinted(str(exc), failed=True))
            return
        self.post_message(FormPrinted(f"CMS-1500 of {claim_no} printed to {path}"))

    def on_form_printed(self, message: FormPrinted) -> None:
        if message.failed:
            self.notify(message.words, title="Not printed", severity="error", timeout=10)
        else:
            self.notify(message.words, title="Printed", timeout=10)
