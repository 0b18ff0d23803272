"""Use cases behind the work queues and the read-only detail screens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import edi_view
from medbill_tui.db.repositories.counters import (
    QUEUE_COUNTER,
    CounterValues,
    balance_counters,
    bucket_totals,
    fold_counters,
    overview_counters,
    queue_summaries,
    read_counters,
    receivables_points,
)
from medbill_tui.db.repositories.details import DetailRepository
from medbill_tui.db.repositories.find import find
from medbill_tui.db.repositories.health import ping
from medbill_tui.db.repositories.queue_balances import month_ends, receivables_trend
from medbill_tui.db.repositories.queues import QueueRepository
from medbill_tui.db.repositories.visit_problems import visit_problems
from medbill_tui.db.uow import read_connection
from medbill_tui.records.claims import ClaimEdi
from medbill_tui.records.detail import AccountDetail, ClaimDetail, EncounterDetail, VisitProblem
from medbill_tui.records.find import FindResult
from medbill_tui.records.queues import (
    AgingOverview,
    BalanceTotals,
    Cursor,
    Page,
    PayerOption,
    QueueFilter,
    QueueKind,
    QueueRow,
    QueueSummary,
    Timers,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.audit import viewing
from medbill_tui.services.errors import translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


class QueueService:
    """Pages and counts of the four work queues. Blocking: call from a thread worker."""

    def __init__(self, engine: Engine, clock: Clock, timers: Timers | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.timers = timers or Timers()

    @translate_errors
    def ping(self) -> None:
        """Raise ServiceUnavailable unless the database answers."""
        with read_connection(self.engine) as conn:
            ping(conn)

    @translate_errors
    def summaries(self) -> tuple[QueueSummary, ...]:
        """Every queue's count and amount, from the counters the database keeps."""
        with read_connection(self.engine) as conn:
            values = queue_summaries(conn)
        self._fold_if_needed(values)
        return tuple(values.summary(kind) for kind in QueueKind)

    @translate_errors
    def summary(self, kind: QueueKind) -> QueueSummary:
        """One queue's count and amount (what a queue screen shows), its counter only."""
        with read_connection(self.engine) as conn:
            values = read_counters(conn, (QUEUE_COUNTER[kind],))
        self._fold_if_needed(values)
        return values.summary(kind)

    def _fold_if_needed(self, values: CounterValues) -> None:
        """Sum the counters' rows once many have piled up, so reads stay short."""
        if values.needs_fold:
            with self.engine.begin() as conn:
                fold_counters(conn)

    @translate_errors
    def page(
        self, kind: QueueKind, filt: QueueFilter, after: Cursor | None, limit: int
    ) -> Page[QueueRow]:
        with read_connection(self.engine) as conn:
            return self._repo(conn).page(kind, filt, after, limit)

    @translate_errors
    def rows(self, kind: QueueKind, ids: Sequence[int]) -> tuple[QueueRow, ...]:
        """The rows with these ids still in `kind` (a live list re-reads what changed; an
        id not answered has left the list). One query, at most len(ids) rows."""
        with read_connection(self.engine) as conn:
            return self._repo(conn).rows_by_id(kind, ids)

    @translate_errors
    def balance_totals(self, filt: QueueFilter) -> BalanceTotals:
        """Money per aging bucket over every balances row the filter keeps: the whole list
        aged from the date of service from the counters, any other from the balances."""
        if self._counted(filt):
            with read_connection(self.engine) as conn:
                values = balance_counters(conn, filt.by_claim)
            self._fold_if_needed(values)
            return bucket_totals(values, filt.by_claim, self.clock.today())
        with read_connection(self.engine) as conn:
            return self._repo(conn).balance_totals(filt)

    def _counted(self, filt: QueueFilter) -> bool:
        """The counters hold this list's totals (no filter, aged from the date of service)."""
        return self.timers.aging_from == "service" and filt == QueueFilter(by_claim=filt.by_claim)

    @translate_errors
    def aging_overview(self, months: int = 6) -> AgingOverview:
        """Money per aging bucket now and what was owed at each of the last month ends."""
        today = self.clock.today()
        if self.timers.aging_from != "service":
            with read_connection(self.engine) as conn:
                totals = self._repo(conn).balance_totals(QueueFilter())
                return AgingOverview(totals, receivables_trend(conn, today, months))
        with read_connection(self.engine) as conn:
            values = overview_counters(conn)
        self._fold_if_needed(values)
        return AgingOverview(
            bucket_totals(values, False, today),
            receivables_points(values, month_ends(today, months)),
        )

    def _repo(self, conn: Connection) -> QueueRepository:
        return QueueRepository(conn, self.clock.today(), self.timers, self.timers.aging_from)

    @translate_errors
    def find(self, words: str, limit: int = 8) -> FindResult:
        """Claims numbered `words` (ours or the payer's) and patients it names (account
        number or name prefixes), for ctrl+f."""
        with read_connection(self.engine) as conn:
            return find(conn, words, limit)

    @translate_errors
    def payers(self) -> tuple[PayerOption, ...]:
        with read_connection(self.engine) as conn:
            return QueueRepository(conn, self.clock.today()).payers()


class DetailService:
    """Details of encounters, claims and accounts; each open is audited (`view`) by `actor`.
    Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor

    @translate_errors
    def encounter(self, encounter_id: int) -> EncounterDetail:
        with viewing(self.engine, self.actor, "encounter", encounter_id, "detail") as conn:
            return DetailRepository(conn, self.clock.today()).encounter(encounter_id)

    @translate_errors
    def claim(self, claim_id: int) -> ClaimDetail:
        with viewing(self.engine, self.actor, "claim", claim_id, "detail") as conn:
            return DetailRepository(conn, self.clock.today()).claim(claim_id)

    @translate_errors
    def account(self, patient_id: int) -> AccountDetail:
        with viewing(self.engine, self.actor, "patient", patient_id, "account") as conn:
            return DetailRepository(conn, self.clock.today()).account(patient_id)

    @translate_errors
    def claim_edi(self, claim_id: int) -> ClaimEdi:
        """The claim's last 837P (its segments marked) and the acknowledgments about it."""
        with viewing(self.engine, self.actor, "claim", claim_id, "837P view") as conn:
            return edi_view.claim_edi(conn, claim_id)

    @translate_errors
    def visit_problems(self, encounter_id: int) -> tuple[VisitProblem, ...]:
        """Why the visit is open for correction: its claims' open rejections and denials, in
        words (shown above charge entry; the encounter's own open is audited there)."""
        with read_connection(self.engine) as conn:
            return visit_problems(conn, encounter_id)
