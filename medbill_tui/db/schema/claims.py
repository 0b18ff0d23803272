"""Claims, their lines and state changes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Sequence,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.claim_sql import LIVE_CLAIM_SQL, PENDING_CLAIM_SQL
from medbill_tui.db.schema.base import Base, Money

CLAIM_NO_SEQUENCE = Sequence("claim_no_seq", start=100001, metadata=Base.metadata)
"""Claim numbers: 'C' followed by the next value."""


class Claim(Base):
    """A claim to one payer for one encounter."""

    __tablename__ = "claim"
    __table_args__ = (
        Index(
            "ix_claim_pending",
            text("coalesce(submitted_on, created_on)"),
            "id",
            postgresql_where=text(PENDING_CLAIM_SQL),
        ),
        Index(
            "ix_claim_pending_total",
            "status",
            postgresql_include=["total_charge"],
            postgresql_where=text(PENDING_CLAIM_SQL),
        ),
        Index(
            "ix_claim_payer_claim_no",
            "payer_claim_no",
            postgresql_where=text("payer_claim_no IS NOT NULL"),
        ),
        Index(
            "ux_claim_one_live_replacement",
            "replaces_claim_id",
            unique=True,
            postgresql_where=text(f"replaces_claim_id IS NOT NULL AND {LIVE_CLAIM_SQL}"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_no: Mapped[str] = mapped_column(String(20), unique=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    frequency: Mapped[str] = mapped_column(String(1), server_default=text("'1'"))
    original_payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    total_charge: Mapped[Decimal] = mapped_column(Money)
    created_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    replaces_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    """The claim this one replaces (corrected, void or rebilled), NULL for a first claim."""


class ClaimLine(Base):
    """A service line on a claim (a copy of the charge as billed)."""

    __tablename__ = "claim_line"
    __table_args__ = (UniqueConstraint("claim_id", "line_no"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charge.id"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(5))
    modifiers: Mapped[str] = mapped_column(String(11), server_default=text("''"))
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    amount: Mapped[Decimal] = mapped_column(Money)
    dx_pointers: Mapped[str] = mapped_column(String(8))


class ClaimEvent(Base):
    """Every change of a claim's state: who, when, why."""

    __tablename__ = "claim_event"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
