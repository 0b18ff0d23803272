"""Work items and notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class WorkItem(Base):
    """Something a biller must work: a denial, a follow-up, a rejection, an unmatched payment."""

    __tablename__ = "work_item"
    __table_args__ = (
        Index(
            "ix_work_item_open", "kind", "opened_on", "id", postgresql_where=text("status = 'open'")
        ),
        Index(
            "ix_work_item_open_amount",
            "kind",
            postgresql_include=["amount"],
            postgresql_where=text("status = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'open'"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    group_code: Mapped[str | None] = mapped_column(String(2))
    carc: Mapped[str | None] = mapped_column(String(5))
    rarc: Mapped[str | None] = mapped_column(String(6))
    amount: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    category: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' category (eligibility, coding, ...)."""
    action: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' default action (resubmit, appeal, ...)."""


class Note(Base):
    """A free-text note on a claim, encounter, patient or work item."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = created_at_column()
    body: Mapped[str] = mapped_column(Text)
