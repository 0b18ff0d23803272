"""The coverage screen's eligibility part: its benefits panel, ctrl+l (F5) to ask the payer
(a 270 in the outbox), ctrl+z (F6) to switch the panel between the benefits and the raw 271."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from medbill_tui.errors import ServiceError
from medbill_tui.screens.form import FormScreen


@dataclass
class EligibilityShown(Message):
    """The panel's text arrived (benefits, or the raw 271)."""

    text: str


@dataclass
class EligibilityAsked(Message):
    """The 270 was written (or why not)."""

    words: str
    ok: bool


class BenefitsPanel(Static):
    """The coverage's last eligibility answer."""

    DEFAULT_CSS = """
    BenefitsPanel {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $primary-darken-2;
    }
    """


class CoverageEligibility(FormScreen):
    """A base of `CoverageScreen` (which sets `coverage_id`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l,f5",
            "check_eligibility",
            "Eligibility",
            id="coverage.eligibility",
            tooltip="Ask the payer about this coverage (a 270 in the outbox)",
        ),
        Binding(
            "ctrl+z,f6",
            "toggle_raw_271",
            "Raw 271",
            id="coverage.raw-271",
            tooltip="Show the 271 the benefits came from, or the benefits again",
        ),
    ]

    coverage_id: int | None
    showing_raw: bool = False

    def show_benefits(self) -> None:
        self.showing_raw = False
        if self.coverage_id is not None:
            self.load_panel(self.coverage_id, raw=False)

    def action_check_eligibility(self) -> None:
        if self.coverage_id is None:
            self.notify("Save the coverage first", severity="warning")
            return
        self.ask_payer(self.coverage_id)

    def action_toggle_raw_271(self) -> None:
        if self.coverage_id is not None:
            self.showing_raw = not self.showing_raw
            self.load_panel(self.coverage_id, raw=self.showing_raw)

    @work(thread=True, exit_on_error=False, group="coverage-eligibility", exclusive=True)
    def load_panel(self, coverage_id: int, raw: bool) -> None:
        service = self.services.eligibility
        try:
            text = service.raw_271(coverage_id) if raw else service.benefits_panel(coverage_id)
        except ServiceError as exc:
            text = str(exc)
        self.post_message(EligibilityShown(text))

    @work(thread=True, exit_on_error=False, group="coverage-eligibility-ask", exclusive=True)
    def ask_payer(self, coverage_id: int) -> None:
        try:
            run = self.services.eligibility.request([coverage_id])
        except ServiceError as exc:
            self.post_message(EligibilityAsked(str(exc), False))
            return
        words = f"Eligibility request written: {run.path}"
        self.post_message(EligibilityAsked(words, True))

    def on_eligibility_shown(self, message: EligibilityShown) -> None:
        self.query_one(BenefitsPanel).update(message.text)

    def on_eligibility_asked(self, message: EligibilityAsked) -> None:
        if message.ok:
            self.notify(message.words, title="Eligibility")
        else:
            self.notify(message.words, title="Eligibility", severity="error")
        self.show_benefits()
