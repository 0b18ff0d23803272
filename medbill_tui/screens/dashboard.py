"""The first screen: the work queues with their counts and amounts, and the aging chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.worker import Worker

from medbill_tui.records.queues import AgingOverview, QueueKind, QueueSummary
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.aging_chart import AgingChart
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.loaded_messages import SummariesLoaded
from medbill_tui.widgets.queue_menu import QueueMenu
from medbill_tui.widgets.text import fmt_date

HINT = "1-4, 8 or Enter open a queue · arrows or j/k choose · r refresh · ? all keys"


@dataclass
class InterfaceArrivalLoaded(Message):
    """When the last HL7 message arrived (None: none ever did)."""

    at: datetime | None


@dataclass
class OverviewLoaded(Message):
    """The aging buckets and the receivables trend for the chart arrived."""

    overview: AgingOverview


class DashboardScreen(ServiceScreen):
    """Counts and amounts of the four queues; refreshed whenever the screen comes back.

    | Key(s) | Description |
    | :- | :- |
    | 1-4, 8 | Open a queue (app bindings). |
    | enter | Open the chosen queue. |
    | r | Refresh the counts. |
    | c | Credit balances: payments past a visit's balance, to refund or apply. |
    | h | HL7 interface: messages from the EHR; the dashboard says when the last came. |
    | s | Setup: providers, payers, fee schedules (supervisors and admins). |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r", "refresh", "Refresh", id="dashboard.refresh", tooltip="Count the queues again"
        ),
        Binding(
            "c",
            "app.credits",
            "Credits",
            show=False,  # the footer is full
            id="dashboard.credits",
            tooltip="Credit balances: overpayments to refund or apply",
        ),
        Binding(
            "h",
            "app.hl7_interface",
            "HL7",
            show=False,  # the footer is full
            id="dashboard.hl7",
            tooltip="HL7 interface: messages from the EHR, the held ones to fix",
        ),
        Binding(
            "s",
            "app.setup",
            "Setup",
            show=False,  # the footer is full
            id="dashboard.setup",
            tooltip="Setup: providers, payers, fee schedules (supervisors and admins)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: tuple[QueueSummary, ...] = ()
        """The counts last loaded (empty until the first load)."""
        self._counted = False
        """This refresh's counts have arrived (its chart may still be coming)."""
        self.hl7_words = ""
        """When the last HL7 message arrived, in words (empty when none ever did)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dashboard-body"):
            yield Static("", id="dashboard-heading")
            yield QueueMenu(id="queue-menu")
            yield Static("", id="dashboard-state")
            yield Static(HINT, id="dashboard-hint")
            yield AgingChart(id="aging-chart")
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.medbill.signed_in:
            self._show_heading()
        else:
            self.query_one("#dashboard-heading", Static).update(
                "Work queues · connecting to the database…"
            )
            self.query_one("#dashboard-state", Static).update("Signing in…")
        menu = self.query_one(QueueMenu)
        menu.highlighted = 0
        menu.focus()

    def _show_heading(self) -> None:
        today = self.services.clock.today()
        self.query_one("#dashboard-heading", Static).update(
            f"Work queues for {today:%A} {fmt_date(today)} · signed in as {self.services.actor}"
        )

    def show_signed_in(self, *, count: bool = True) -> None:
        """The app's sign-in is through: who and when, then the counts (unless a screen is
        about to cover this one: it counts when it comes back)."""
        self._show_heading()
        self.refresh_bindings()
        if count and self.is_current:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.medbill.signed_in:
            self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True if self.medbill.signed_in else None

    def keys_wait(self) -> bool:
        # A key that asked for a screen while signing in (`3`): the keys after it (`n`)
        # are for that screen, not this one.
        return self.medbill.opens_when_signed_in

    def action_refresh(self) -> None:
        self.query_one("#dashboard-state", Static).update("Counting…")
        self._counted = False
        self.load_counts()

    @work(thread=True, exit_on_error=False, group="summaries", exclusive=True)
    def load_counts(self) -> None:
        """The counts, then the chart's figures: one after the other, so the counts (what a
        biller reads first) do not share the database and the CPU with the slower chart."""
        self.post_message(InterfaceArrivalLoaded(self.services.hl7.last_received()))
        self.post_message(SummariesLoaded(self.services.queues.summaries()))
        self.post_message(OverviewLoaded(self.services.queues.aging_overview()))

    def on_interface_arrival_loaded(self, message: InterfaceArrivalLoaded) -> None:
        at = message.at
        self.hl7_words = (
            "" if at is None else f"Last HL7 message from the EHR: {at.astimezone():%m/%d/%Y %H:%M}"
        )

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        self.query_one(AgingChart).show(message.overview)

    def on_summaries_loaded(self, message: SummariesLoaded) -> None:
        self.summaries = message.summaries
        self._counted = True
        self.query_one(QueueMenu).show_summaries(message.summaries)
        self.query_one("#dashboard-state", Static).update(self.hl7_words)

    def worker_failed(self, worker: Worker[Any]) -> None:
        what = "chart" if self._counted else "counts"
        self.query_one("#dashboard-state", Static).update(
            f"The {what} could not be loaded. Press r to try again."
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.medbill.open_queue(QueueKind(event.option.id))
