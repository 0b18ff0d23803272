"""Visits, their diagnoses and charges."""

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
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column


class Encounter(Base):
    """A visit: the source of charges and, once billed, of claims."""

    __tablename__ = "encounter"
    __table_args__ = (
        Index("ix_encounter_unbilled", "dos", "id", postgresql_where=text("status = 'unbilled'")),
        CheckConstraint(
            "(referring_npi IS NULL) = (referring_last_name IS NULL) "
            "AND (referring_first_name IS NULL OR referring_npi IS NOT NULL)",
            name="referring",
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverage.id"))
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id"))
    dos: Mapped[date] = mapped_column(Date)
    pos: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = created_at_column()
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    referring_last_name: Mapped[str | None] = mapped_column(String(60))
    """Who referred the patient (837P 2310A, CMS-1500 box 17); all three NULL when nobody."""
    referring_first_name: Mapped[str | None] = mapped_column(String(35))
    referring_npi: Mapped[str | None] = mapped_column(String(10))


class EncounterDiagnosis(Base):
    """An ICD-10-CM diagnosis on an encounter, in claim order 1..12."""

    __tablename__ = "encounter_diagnosis"
    __table_args__ = (
        UniqueConstraint("encounter_id", "seq"),
        CheckConstraint("seq BETWEEN 1 AND 12", name="seq"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"))
    seq: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(8))


class Charge(Base):
    """A service line keyed on an encounter."""

    __tablename__ = "charge"
    __table_args__ = (
        UniqueConstraint("encounter_id", "line_no"),
        CheckConstraint("units > 0", name="units"),
        Index("ix_charge_encounter_amount", "encounter_id", postgresql_include=["amount"]),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"))
    line_no: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(5))
    modifier1: Mapped[str | None] = mapped_column(String(2))
    modifier2: Mapped[str | None] = mapped_column(String(2))
    modifier3: Mapped[str | None] = mapped_column(String(2))
    modifier4: Mapped[str | None] = mapped_column(String(2))
    units: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    amount: Mapped[Decimal] = mapped_column(Money)
    dx_pointers: Mapped[str] = mapped_column(String(8), server_default=text("'1'"))
    ndc: Mapped[str | None] = mapped_column(String(11))
