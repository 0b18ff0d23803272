"""Remittances (835 payments) of the demo: one per payer and pay day, summed as claims are paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from medbill_tui.db.demo.reference import PAYERS, Reference, Row
from medbill_tui.db.demo.state import DAY_DELTAS, DEMO_ACTOR, Emitter

ZERO = Decimal("0.00")
EPOCH = date(2000, 1, 1)


def payday(day: date, weekday: int) -> date:
    """The first `weekday` on or after `day`."""
    return day + DAY_DELTAS[(weekday - day.weekday()) % 7]


class Remits:
    """Remittances by (payer, date), created on first use; their amounts add up as we go."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.keys: dict[tuple[int, date], int] = {}
        self.info: list[tuple[int, date]] = []
        self.amounts: list[Decimal] = []

    def get(self, payer: int, day: date) -> int:
        """The id of `payer`'s remittance dated `day` (made on first use)."""
        rid = self.keys.get((payer, day))
        if rid is None:
            self.info.append((payer, day))
            self.amounts.append(ZERO)
            rid = len(self.info)
            self.keys[(payer, day)] = rid
        return rid

    def add(self, rid: int, amount: Decimal) -> None:
        """Add a claim payment's amount to remittance `rid`."""
        self.amounts[rid - 1] += amount

    def rows(self, e: Emitter) -> list[Row]:
        """The remittance rows; the trace number is unique per payer (one per pay day)."""
        out: list[Row] = []
        epoch = EPOCH
        for rid, ((payer, day), amount) in enumerate(zip(self.info, self.amounts, strict=True), 1):
            trace = str(self.ref.trace_base[payer] + (day - epoch).days)
            imported = e.midnight(day) + timedelta(hours=7, minutes=7 * payer)
            out.append(
                (
                    rid,
                    payer + 1,
                    trace,
                    PAYERS[payer].method,
                    amount,
                    day,
                    None,
                    imported,
                    DEMO_ACTOR,
                )
            )
        return out
