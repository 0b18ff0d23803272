"""Patient statement runs and the dunning cycle."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class StatementRun(Base):
    """One `statements run`: its as-of date, how many statements went out, the folder."""

    __tablename__ = "statement_run"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    statements: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    folder: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[str] = mapped_column(String(64))


class DunningEvent(Base):
    """A step of a guarantor's dunning cycle: a statement sent (with its text), the referral
    to collections, or the cycle closed because the balance was paid (append-only)."""

    __tablename__ = "dunning_event"
    __table_args__ = (
        CheckConstraint("step IN ('first','reminder','final','collections','closed')", name="step"),
        UniqueConstraint(
            "guarantor_id", "cycle_no", "step", name="uq_dunning_event_guarantor_cycle_step"
        ),
        Index("ix_dunning_event_guarantor_latest", "guarantor_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guarantor_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    cycle_no: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("statement_run.id"), index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[str] = mapped_column(String(64))
