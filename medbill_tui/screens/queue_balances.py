"""What the outstanding balances queue adds to a queue screen: by account or by claim (`b`),
the money in each aging bucket over the whole filtered queue, and the current row's follow-up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from textual import work
from textual.message import Message
from textual.widgets import Static

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.queues import (
    BalanceRow,
    BalanceTotals,
    ClaimBalanceRow,
    QueueFilter,
    QueueKind,
    QueueRow,
)
from medbill_tui.screens.queue_actions import QueueActions
from medbill_tui.widgets.queue_table import QueueTable
from medbill_tui.widgets.text import money


@dataclass
class BalanceTotalsLoaded(Message):
    """The bucket totals of the balances queue for the filter of `generation` arrived."""

    generation: int
    totals: BalanceTotals


def compact_money(amount: Decimal) -> str:
    """'15.3k', '1.23M', '512.40': short enough for five buckets on one 80-column line."""
    size = abs(amount)
    if size >= 1_000_000:
        return f"{amount / 1_000_000:.2f}M"
    if size >= 1_000:
        return f"{amount / 1_000:.1f}k"
    return money(amount)


def bucket_line(totals: BalanceTotals, width: int) -> str:
    """'Aging 0-30 1,234.00 │ 31-60 … │ all …': each bucket's money and the total, to the
    cent when it fits in `width`, else shortened (15.3k)."""
    for fmt in (money, compact_money):
        parts = [
            f"{label} {fmt(amount)}"
            for (label, _, _), amount in zip(BUCKETS, totals.buckets, strict=True)
        ]
        line = " Aging " + " │ ".join(parts)
        whole = f"{line} │ all {fmt(totals.total)}"
        if len(whole) <= width:
            return whole
        if len(line) <= width:
            return line
    return line


def row_follow_up(row: QueueRow | None) -> str:
    """'last activity 11/02 · follow-up 11/30 jdoe' for a balances row ('' for others)."""
    if not isinstance(row, BalanceRow | ClaimBalanceRow):
        return ""
    parts = []
    if row.last_activity is not None:
        parts.append(f"last activity {row.last_activity:%m/%d/%y}")
    if row.follow_up is not None:
        parts.append(f"follow-up {row.follow_up:%m/%d}" + (f" {row.owner}" if row.owner else ""))
    else:
        parts.append("no follow-up")
    return " · ".join(parts)


class BalanceActions(QueueActions):
    """The balances queue's own keys and top line (a base of `QueueScreen`)."""

    filter: QueueFilter
    _generation: int

    def reload(self) -> None:
        raise NotImplementedError

    def action_toggle_by_claim(self) -> None:
        """Switch the balances queue between one row per account and one per claim."""
        self.filter = replace(self.filter, by_claim=not self.filter.by_claim)
        self.query_one(QueueTable).setup_columns(self.app.size.width, by_claim=self.filter.by_claim)
        self.reload()
        self.notify("By claim" if self.filter.by_claim else "By account", timeout=2)

    def start_totals(self) -> None:
        """Ask for the bucket totals of the current filter (balances only)."""
        line = self.query_one("#queue-buckets", Static)
        line.display = self.kind is QueueKind.BALANCES
        if self.kind is QueueKind.BALANCES:
            line.update(" Aging: adding up…")
            self.load_totals(self._generation, self.filter)

    @work(thread=True, exit_on_error=False, group="queue-totals", exclusive=True)
    def load_totals(self, generation: int, filt: QueueFilter) -> None:
        self.post_message(
            BalanceTotalsLoaded(generation, self.services.queues.balance_totals(filt))
        )

    def on_balance_totals_loaded(self, message: BalanceTotalsLoaded) -> None:
        if message.generation != self._generation:
            return
        line = bucket_line(message.totals, self.app.size.width - 1)
        self.query_one("#queue-buckets", Static).update(line)
