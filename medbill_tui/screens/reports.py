"""Reports: aging, denials, payments and productivity as plain tables, with editable dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, ScrollableContainer
from textual.message import Message
from textual.widgets import Header, Input, Label, Static
from textual.worker import Worker

from medbill_tui.domain.report_period import (
    DEFAULT_DAYS,
    PeriodError,
    check_as_of,
    parse_optional_day,
    resolve_range,
)
from medbill_tui.reports.format import render
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.keys_footer import KeysFooter

REPORTS: dict[str, str] = {
    "aging": "Aging",
    "denials": "Denials",
    "payments": "Payments",
    "productivity": "Productivity",
}
"""Report name -> title, in the order of their keys (a, d, p, u)."""


TEXT_WIDTH = 78
"""Columns the report text may use at 80: one for the margin, one for the scroll bar."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What to run: the report and its checked dates."""

    name: str
    start: date | None
    end: date | None
    by_payer: bool = False


@dataclass
class ReportReady(Message):
    request: ReportRequest
    text: str


class ReportsScreen(ServiceScreen):
    """One report at a time; pick it with a key, change its dates, read the table.

    | Key(s) | Description |
    | :- | :- |
    | a d p u | Aging, denials, payments, productivity. |
    | e | Edit the dates (enter runs the report, escape leaves the dates). |
    | b | Aging: split by payer, or not. |
    | r | Run the report again. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    ReportsScreen #report-dates { height: 1; padding: 0 1; }
    ReportsScreen #report-dates Label { width: auto; padding: 0 1 0 0; }
    ReportsScreen #report-dates Input { width: 14; height: 1; border: none; padding: 0 1;
                                        margin: 0 2 0 0; }
    ReportsScreen #report-dates Input.-hidden { display: none; }
    ReportsScreen #report-status { height: auto; padding: 0 1; text-style: bold; }
    ReportsScreen #report-body { height: 1fr; padding: 0; scrollbar-size-vertical: 1; }
    ReportsScreen #report-text { width: auto; padding: 0 0 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="reports.back", tooltip="Close the reports"),
        Binding(
            "a",
            "show('aging')",
            "Aging",
            id="reports.aging",
            tooltip="Open balances by age bucket and responsibility",
        ),
        Binding(
            "d",
            "show('denials')",
            "Denials",
            id="reports.denials",
            tooltip="Denials opened in the period by reason, payer and outcome",
        ),
        Binding(
            "p",
            "show('payments')",
            "Payments",
            id="reports.payments",
            tooltip="Money received in the period per payer, with the ledger's totals",
        ),
        Binding(
            "u",
            "show('productivity')",
            "Users",
            id="reports.productivity",
            tooltip="Per user: items worked, claims created and sent, denials resolved",
        ),
        Binding("e", "edit_dates", "Dates", id="reports.dates", tooltip="Change the dates"),
        Binding(
            "b",
            "by_payer",
            "By payer",
            id="reports.by-payer",
            tooltip="Aging: one row per payer, or per responsibility",
        ),
        Binding("r", "refresh", "Refresh", id="reports.refresh", tooltip="Run the report again"),
    ]

    def __init__(self, name: str = "aging") -> None:
        super().__init__()
        self.report = name
        self.by_payer = False
        self.latest: ReportRequest | None = None

    def compose(self) -> ComposeResult:
        today = self.services.clock.today()
        yield Header()
        with Horizontal(id="report-dates"):
            yield Label("From", id="report-from-label")
            yield Input(
                str(today - timedelta(days=DEFAULT_DAYS - 1)),
                id="report-from",
                placeholder="YYYY-MM-DD",
                max_length=10,
            )
            yield Label("To", id="report-to-label")
            yield Input(str(today), id="report-to", placeholder="YYYY-MM-DD", max_length=10)
        yield Static("", id="report-status")
        with ScrollableContainer(id="report-body"):
            yield Static("", id="report-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_dates()
        self.query_one("#report-body").focus()
        self.run_report()

    # dates ---------------------------------------------------------------------------

    def show_dates(self) -> None:
        """Aging has one date (as of); the other reports a period."""
        aging = self.report == "aging"
        self.query_one("#report-from-label", Label).display = not aging
        self.query_one("#report-from", Input).display = not aging
        self.query_one("#report-to-label", Label).update("As of" if aging else "To")

    def request(self) -> ReportRequest:
        """The report and dates on screen, checked; raises PeriodError with words."""
        today = self.services.clock.today()
        end = parse_optional_day(
            self.query_one("#report-to", Input).value, "As of" if self.report == "aging" else "To"
        )
        if self.report == "aging":
            return ReportRequest("aging", None, check_as_of(end, today), self.by_payer)
        start = parse_optional_day(self.query_one("#report-from", Input).value, "From")
        first, last = resolve_range(start, end, today)
        return ReportRequest(self.report, first, last)

    def set_status(self, text: str) -> None:
        self.query_one("#report-status", Static).update(Text(text))

    # running -------------------------------------------------------------------------

    def run_report(self) -> bool:
        """Run the report on screen; False (and the reason shown) when a date is wrong."""
        self.sub_title = f"Reports · {REPORTS[self.report]}"
        try:
            request = self.request()
        except PeriodError as exc:
            self.set_status(f"✗ {exc}")
            return False
        self.set_status(f"{REPORTS[request.name]}: running…")
        self.latest = request
        self.load(request)
        return True

    @work(thread=True, exit_on_error=False, group="report", exclusive=True)
    def load(self, request: ReportRequest) -> None:
        reports = self.services.reports
        report: Any
        if request.name == "aging":
            report = reports.aging(request.end, by_payer=request.by_payer)
        elif request.name == "denials":
            report = reports.denials(request.start, request.end)
        elif request.name == "payments":
            report = reports.payments(request.start, request.end)
        else:
            report = reports.productivity(request.start, request.end)
        self.post_message(ReportReady(request, render(report, "plain", width=TEXT_WIDTH)))

    def on_report_ready(self, message: ReportReady) -> None:
        request = message.request
        if request != self.latest:
            return  # another report or other dates were asked for meanwhile
        when = (
            f"as of {request.end}"
            if request.name == "aging"
            else f"{request.start} to {request.end}"
        )
        split = ", by payer" if request.by_payer else ""
        self.set_status(f"{REPORTS[request.name]} {when}{split} · e dates, a d p u reports")
        self.query_one("#report-text", Static).update(Text(message.text))
        self.query_one("#report-body", ScrollableContainer).scroll_home(animate=False)

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.set_status(f"✗ {worker.error}")

    # keys ----------------------------------------------------------------------------

    def action_show(self, name: str) -> None:
        self.report = name
        self.show_dates()
        self.run_report()

    def action_edit_dates(self) -> None:
        field = "#report-to" if self.report == "aging" else "#report-from"
        self.query_one(field, Input).focus()

    def action_by_payer(self) -> None:
        if self.report != "aging":
            self.set_status("b splits the aging report by payer (press a for aging)")
            return
        self.by_payer = not self.by_payer
        self.run_report()

    def action_refresh(self) -> None:
        self.run_report()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#report-body").focus()
            return
        self.app.pop_screen()

    @on(Input.Submitted)
    def dates_entered(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "report-from":
            try:
                parse_optional_day(event.value, "From")
            except PeriodError as exc:
                self.set_status(f"✗ {exc}")
                return
            self.query_one("#report-to", Input).focus()
            return
        if self.run_report():
            self.query_one("#report-body").focus()
