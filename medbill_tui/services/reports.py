"""Reports: aging, denials, payments and productivity, read in one read-only transaction each."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import reports as repo
from medbill_tui.db.uow import read_connection
from medbill_tui.domain.report_period import PeriodError, check_as_of, resolve_range
from medbill_tui.records.reports import (
    AGED_FROM,
    AgingReport,
    DenialsReport,
    PaymentsReport,
    ProductivityReport,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine


class ReportInvalid(ServiceError):
    """The report cannot be made for these dates or options; the message says why."""


class ReportService:
    """The four reports. Blocking: call from a thread worker (TUI) or the CLI."""

    def __init__(self, engine: Engine, clock: Clock, aging_from: str = "service") -> None:
        self.engine = engine
        self.clock = clock
        self.aging_from = aging_from
        """The default of `aging` (the MEDBILL_AGING_FROM setting, like the balances queue)."""

    def _range(self, start: date | None, end: date | None) -> tuple[date, date]:
        try:
            return resolve_range(start, end, self.clock.today())
        except PeriodError as exc:
            raise ReportInvalid(str(exc)) from None

    @translate_errors
    def aging(
        self,
        as_of: date | None = None,
        *,
        aged_from: str | None = None,
        by_payer: bool = False,
    ) -> AgingReport:
        """Open balances as of a date (default today), by bucket and responsibility; days
        count from the date of service or the day the claim was first billed (`aged_from`,
        default the service's setting)."""
        try:
            day = check_as_of(as_of, self.clock.today())
        except PeriodError as exc:
            raise ReportInvalid(str(exc)) from None
        since = aged_from or self.aging_from
        if since not in AGED_FROM:
            raise ReportInvalid(f"Age from one of {', '.join(AGED_FROM)}, not {since!r}")
        with read_connection(self.engine) as conn:
            return repo.aging(conn, day, since, by_payer)

    @translate_errors
    def denials(self, start: date | None = None, end: date | None = None) -> DenialsReport:
        """Denials opened in the period by CARC, payer and outcome."""
        first, last = self._range(start, end)
        with read_connection(self.engine) as conn:
            return repo.denials(conn, first, last)

    @translate_errors
    def payments(self, start: date | None = None, end: date | None = None) -> PaymentsReport:
        """Money received in the period per payer, with the ledger's totals by kind."""
        first, last = self._range(start, end)
        with read_connection(self.engine) as conn:
            return repo.payments(conn, first, last)

    @translate_errors
    def productivity(
        self, start: date | None = None, end: date | None = None
    ) -> ProductivityReport:
        """Per user: items worked, claims created and submitted, denials resolved."""
        first, last = self._range(start, end)
        with read_connection(self.engine) as conn:
            return repo.productivity(conn, first, last)
