"""Reads of the counters the database keeps (`counter_delta`, migration 0032).

A counter's value is the sum of its rows: a few after a fold, plus one per statement that
changed it since. Reads cost the number of rows, which depends on the calendar (one per day
with open money) and on how long ago the last fold was, not on the size of the practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.counter_sql import AGE_ACCOUNT, AGE_CLAIM, POSTED
from medbill_tui.domain.aging import BUCKETS
from medbill_tui.domain.money import ZERO
from medbill_tui.records.queues import ArPoint, BalanceTotals, QueueKind, QueueSummary

QUEUE_COUNTER: dict[QueueKind, str] = {
    QueueKind.UNBILLED: "unbilled",
    QueueKind.PENDING_CLAIMS: "pending",
    QueueKind.REJECTIONS: "rejection",
    QueueKind.DENIALS: "denial",
    QueueKind.BALANCES: "balances",
}

FOLD_AFTER = 500
"""Fold once a read met this many rows more than it had counters and days."""


@dataclass(frozen=True, slots=True)
class CounterValues:
    """The counters read: (count, amount) of a list's counters, amount by day of the others."""

    totals: dict[str, tuple[int, Decimal]]
    days: dict[str, dict[date, Decimal]]
    spare_rows: int
    """Rows read beyond one per counter and day: what a fold would remove."""

    def summary(self, kind: QueueKind) -> QueueSummary:
        count, amount = self.totals.get(QUEUE_COUNTER[kind], (0, ZERO))
        return QueueSummary(kind=kind, count=count, amount=amount + ZERO)

    @property
    def needs_fold(self) -> bool:
        return self.spare_rows >= FOLD_AFTER


def read_counters(conn: Connection, names: Iterable[str]) -> CounterValues:
    """The named counters, summed in one statement (one snapshot)."""
    totals: dict[str, tuple[int, Decimal]] = {}
    days: dict[str, dict[date, Decimal]] = {}
    spare = 0
    rows = conn.execute(
        text(
            "SELECT counter, day, sum(n), sum(amount), count(*) FROM counter_delta "
            "WHERE counter = ANY(:names) GROUP BY counter, day"
        ),
        {"names": list(names)},
    )
    for counter, day, n, amount, rows_read in rows:
        spare += int(rows_read) - 1
        if day is None:
            totals[counter] = (int(n), Decimal(amount))
        else:
            days.setdefault(counter, {})[day] = Decimal(amount)
    return CounterValues(totals, days, spare)


def fold_counters(conn: Connection) -> bool:
    """Replace the rows by one per counter and day (False: another session is folding)."""
    return bool(conn.execute(text("SELECT medbill_fold_counters()")).scalar_one())


def queue_summaries(conn: Connection) -> CounterValues:
    return read_counters(conn, QUEUE_COUNTER.values())


def balance_counters(conn: Connection, by_claim: bool) -> CounterValues:
    """What the unfiltered balances totals need (by account or by claim)."""
    if by_claim:
        return read_counters(conn, ("claim_rows", AGE_CLAIM))
    return read_counters(conn, ("balances", AGE_ACCOUNT))


def overview_counters(conn: Connection) -> CounterValues:
    """What the dashboard's chart needs: today's buckets and the money posted per day."""
    return read_counters(conn, ("balances", AGE_ACCOUNT, POSTED))


def bucket_totals(values: CounterValues, by_claim: bool, today: date) -> BalanceTotals:
    """The balances queue's unfiltered top line, aged from the date of service."""
    rows, total = values.totals.get("claim_rows" if by_claim else "balances", (0, ZERO))
    buckets = [ZERO] * len(BUCKETS)
    for day, amount in values.days.get(AGE_CLAIM if by_claim else AGE_ACCOUNT, {}).items():
        age = (today - day).days
        for index, (_, low, high) in enumerate(BUCKETS):
            if age >= low and (high is None or age <= high):
                buckets[index] += amount
    return BalanceTotals(
        buckets=tuple(b + ZERO for b in buckets),  # type: ignore[arg-type]
        total=total + ZERO,
        rows=rows,
    )


def receivables_points(values: CounterValues, days: Sequence[date]) -> tuple[ArPoint, ...]:
    """What was owed at the end of each day: today's balances less what was posted after."""
    owed_now = values.totals.get("balances", (0, ZERO))[1]
    posted = values.days.get(POSTED, {})
    return tuple(
        ArPoint(day, owed_now - sum((a for d, a in posted.items() if d > day), ZERO) + ZERO)
        for day in days
    )
