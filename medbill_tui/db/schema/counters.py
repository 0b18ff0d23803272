"""The counters the database keeps for the dashboard and the balances' totals (migration 0032)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Identity, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base


class CounterDelta(Base):
    """Signed changes of a counter (a queue's count and amount, or money per day), appended by
    statement-level triggers and folded into one row per counter and day now and then; a
    counter's value is the sum of its rows. Never written by the application."""

    __tablename__ = "counter_delta"
    __table_args__ = (
        Index("ix_counter_delta_counter", "counter", "day", postgresql_include=["n", "amount"]),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    counter: Mapped[str] = mapped_column(String(16))
    day: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int] = mapped_column(BigInteger, server_default="0")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
