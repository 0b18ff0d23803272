"""Work items and notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class WorkItem(Base):
    """Something a biller must work: a denial, a follow-up, a rejection, an unmatched payment,
    a credit balance."""

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
        Index(
            "uq_work_item_open_credit",
            "encounter_id",
            "responsibility",
            unique=True,
            postgresql_where=text("kind = 'credit' AND status = 'open'"),
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
    lease_source: Mapped[str | None] = mapped_column(String(40))
    """Where the lease was taken: 'cli', or the app session that frees it when it ends."""
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    category: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' category (eligibility, coding, ...)."""
    action: Mapped[str | None] = mapped_column(String(20))
    """Denials: the routing rules' default action (resubmit, appeal, ...)."""
    source: Mapped[str | None] = mapped_column(String(5))
    """Rejections and unmatched items: the file that opened it ('835', '999', '277CA')."""
    claim_payment_id: Mapped[int | None] = mapped_column(ForeignKey("claim_payment.id"))
    """Unmatched 835 items: the payment kept without a claim (its remittance gives trace and
    payer). Not indexed: nothing looks items up by payment, and payments are never deleted."""
    patient_control_no: Mapped[str | None] = mapped_column(String(38))
    """Unmatched items: the claim number the payer sent back (CLP01, 277CA TRN02)."""
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))
    """Unmatched items: the payer's own claim number (CLP07, 277CA REF*1K)."""
    patient_name: Mapped[str | None] = mapped_column(String(100))
    """Unmatched 835 items: the patient's name as the payer sent it (NM1*QC)."""
    stc_category: Mapped[str | None] = mapped_column(String(30))
    """277CA items: STC01-1, the claim status category (A3, A7 ...)."""
    stc_status: Mapped[str | None] = mapped_column(String(30))
    """277CA items: STC01-2, the claim status code."""
    stc_entity: Mapped[str | None] = mapped_column(String(3))
    """277CA items: STC01-3, the entity the status is about, when sent."""
    error_segment: Mapped[str | None] = mapped_column(String(3))
    """999 rejections: the first error's segment id (IK301)."""
    error_element: Mapped[int | None] = mapped_column(SmallInteger)
    """999 rejections: the first error's element position (IK401), when it names one."""
    error_code: Mapped[str | None] = mapped_column(String(3))
    """999 rejections: the first error's code (IK403, else IK304)."""
    reason: Mapped[str | None] = mapped_column(Text)
    """Rejections and 277CA items: the acknowledgment's words for what was wrong."""
    outcome: Mapped[str | None] = mapped_column(Text)
    """Unmatched and credit items: how the item was closed ("posted to claim C1 by ann")."""
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounter.id"))
    """Credits: the visit whose balance went below zero."""
    responsibility: Mapped[str | None] = mapped_column(String(10))
    """Credits: the side holding the credit (primary, secondary, tertiary, patient)."""
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("remittance.id"))
    """Credits: the payment (835) that made it."""
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    """A date the biller set to come back to the item (a note's follow-up, an appeal's answer):
    `n` passes it over until then."""
    last_taken_by: Mapped[str | None] = mapped_column(String(64))
    last_taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Who took the item last with `n` / `work next`, and when: `n` does not hand the same
    biller the item again within a lease's length."""


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
