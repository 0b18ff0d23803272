"""835 remittances: payments, service lines, adjustments, remarks, PLBs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class Remittance(Base):
    """An 835 payment: one check or EFT from a payer, identified by payer and TRN02."""

    __tablename__ = "remittance"
    __table_args__ = (UniqueConstraint("payer_id", "trace_no"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    trace_no: Mapped[str] = mapped_column(String(50))
    method: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    imported_at: Mapped[datetime] = created_at_column()
    imported_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'posted'"))
    """posted, or reversed (a supervisor undid it; its entries were reversed)."""
    edi_file_id: Mapped[int | None] = mapped_column(ForeignKey("edi_file.id"))


class ClaimPayment(Base):
    """A CLP loop of a remittance; claim_id is null while unmatched."""

    __tablename__ = "claim_payment"
    __table_args__ = (
        Index(
            "ix_claim_payment_payer_claim_no",
            "payer_claim_no",
            postgresql_where=text("payer_claim_no IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    patient_control_no: Mapped[str] = mapped_column(String(38))
    status_code: Mapped[str] = mapped_column(String(2))
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    patient_responsibility: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    payer_claim_no: Mapped[str | None] = mapped_column(String(50))


class ServicePayment(Base):
    """An SVC loop: payment for one service line."""

    __tablename__ = "service_payment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    claim_line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id"))
    code: Mapped[str] = mapped_column(String(5))
    charge: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2), server_default=text("1"))


class Adjustment(Base):
    """A CAS adjustment: group (CO/PR/OI/PI/CR), CARC and amount."""

    __tablename__ = "adjustment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    service_payment_id: Mapped[int | None] = mapped_column(ForeignKey("service_payment.id"))
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(5))
    amount: Mapped[Decimal] = mapped_column(Money)


class Remark(Base):
    """A RARC remark on a claim payment."""

    __tablename__ = "remark"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payment.id"), index=True)
    code: Mapped[str] = mapped_column(String(6))


class RemittancePlb(Base):
    """A provider-level adjustment (PLB) of a remittance; `claim_id` when it was a take-back
    posted against the claim its reference names (WO, 72)."""

    __tablename__ = "remittance_plb"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittance.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2))
    reference: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Money)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
