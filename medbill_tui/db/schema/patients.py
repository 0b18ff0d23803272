"""Patients, their coverages and prior authorizations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.patient_sql import member_key, name_key
from medbill_tui.db.schema.base import Base


class Patient(Base):
    """A patient account."""

    __tablename__ = "patient"
    __table_args__ = (
        # Operator classes go in postgresql_ops (keyed by the expression's label), not in the
        # expression text, so that Alembic can compare the expressions.
        Index(
            "ix_patient_account_no_prefix",
            literal_column("upper(account_no)").label("account_no_upper"),
            postgresql_ops={"account_no_upper": "text_pattern_ops"},
        ),
        Index(
            "ix_patient_last_name_lower",
            literal_column("lower(last_name)").label("last_name_lower"),
            literal_column("lower(first_name)").label("first_name_lower"),
            postgresql_ops={
                "last_name_lower": "text_pattern_ops",
                "first_name_lower": "text_pattern_ops",
            },
        ),
        # The duplicate check on save: one probe (migration 0020).
        Index(
            "ix_patient_name_dob_key",
            literal_column(name_key("last_name")),
            literal_column(name_key("first_name")),
            "dob",
            postgresql_where=text("merged_into_id IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(35))
    last_name: Mapped[str] = mapped_column(String(60))
    dob: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    address1: Mapped[str] = mapped_column(String(55))
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(9))
    phone: Mapped[str | None] = mapped_column(String(20))
    guarantor_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    """Who pays the patient's share; null means the patient is their own guarantor."""
    statement_hold: Mapped[bool] = mapped_column(server_default=text("false"))
    """No patient statements go out for this account (or its guarantor) while set."""
    statement_hold_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    """Set on a merged patient (kept, never deleted): the account its rows moved to."""


class Coverage(Base):
    """A patient's insurance policy at a priority (1 primary, 2 secondary, 3 tertiary)."""

    __tablename__ = "coverage"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority"),
        CheckConstraint("subscriber_sex IN ('F', 'M', 'U')", name="subscriber_sex"),
        Index("ix_coverage_payer_member", "payer_id", literal_column(member_key("member_id"))),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payer.id"))
    member_id: Mapped[str] = mapped_column(String(80))
    group_no: Mapped[str | None] = mapped_column(String(50))
    relationship: Mapped[str] = mapped_column(String(2), server_default=text("'18'"))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_last_name: Mapped[str | None] = mapped_column(String(60))
    subscriber_dob: Mapped[date | None] = mapped_column(Date)
    subscriber_sex: Mapped[str | None] = mapped_column(String(1))
    """F, M or U; the patient's own when the patient is the subscriber (NULL on old rows)."""
    priority: Mapped[int] = mapped_column(SmallInteger)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class Authorization(Base):
    """A prior authorization ("pre-approval") on a coverage."""

    __tablename__ = "authorization"
    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))
    codes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    visits_allowed: Mapped[int | None] = mapped_column(Integer)
    visits_used: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
