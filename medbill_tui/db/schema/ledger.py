"""The append-only ledger and the sums its trigger keeps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class LedgerEntry(Base):
    """Append-only money movement. Positive amounts raise what is owed, negative lower it.

    Corrections are new rows with `reverses_id` set; rows are never updated or deleted
    (a trigger in the migration enforces it).
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('charge','payment','adjustment','writeoff','transfer','reversal','opening')",
            name="kind",
        ),
        CheckConstraint(
            "responsibility IN ('primary','secondary','tertiary','patient')",
            name="responsibility",
        ),
        Index("ix_ledger_entry_patient", "patient_id", "responsibility", "service_date"),
        Index("ix_ledger_entry_posted_at", "posted_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    remittance_id: Mapped[int | None] = mapped_column(ForeignKey("remittance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    responsibility: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money)
    service_date: Mapped[date] = mapped_column(Date)
    posted_at: Mapped[datetime] = created_at_column()
    posted_by: Mapped[str] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    memo: Mapped[str | None] = mapped_column(Text)


class LedgerBalance(Base):
    """The ledger's sum per (patient, responsibility, encounter, claim, service date).

    Kept by the statement-level trigger `ledger_entry_balance` (migration 0011), never written
    by the application; open sums (amount <> 0) are what the balance counts and totals read.
    """

    __tablename__ = "ledger_balance"
    __table_args__ = (
        Index(
            "uq_ledger_balance_key",
            "patient_id",
            "responsibility",
            "encounter_id",
            "claim_id",
            "service_date",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index(
            "ix_ledger_balance_open",
            "patient_id",
            "responsibility",
            postgresql_include=["amount", "service_date", "claim_id"],
            postgresql_where=text("amount <> 0"),
        ),
        Index(
            "ix_ledger_balance_open_claim",
            "claim_id",
            "responsibility",
            postgresql_include=["amount"],
            postgresql_where=text("amount <> 0 AND claim_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(BigInteger)
    responsibility: Mapped[str] = mapped_column(String(10))
    encounter_id: Mapped[int] = mapped_column(BigInteger)
    claim_id: Mapped[int | None] = mapped_column(BigInteger)
    service_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)


class AccountBalance(Base):
    """The ledger's sum per (patient, responsibility), kept by the same trigger as
    LedgerBalance; the dashboard counts the open ones (amount <> 0)."""

    __tablename__ = "account_balance"
    __table_args__ = (
        Index(
            "ix_account_balance_open",
            "responsibility",
            postgresql_include=["amount"],
            postgresql_where=text("amount <> 0"),
        ),
    )
    patient_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    responsibility: Mapped[str] = mapped_column(String(10), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)
