"""Eligibility checks (270 sent, 271 answer) per coverage; claim status checks (276, 277)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, created_at_column


class EligibilityCheck(Base):
    """One coverage asked about in a 270 (trace `MBE<id>` in TRN02) and what the 271 said."""

    __tablename__ = "eligibility_check"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"), index=True)
    request_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"))
    service_date: Mapped[date] = mapped_column(Date)
    service_types: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[datetime] = created_at_column()
    requested_by: Mapped[str] = mapped_column(String(64))
    response_file_id: Mapped[int | None] = mapped_column(ForeignKey("edi_file.id"))
    verified_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(12))
    """active, inactive, other-payer or rejected (AAA)."""
    plan_from: Mapped[date | None] = mapped_column(Date)
    plan_to: Mapped[date | None] = mapped_column(Date)
    words: Mapped[str | None] = mapped_column(Text)
    """The rejection in words, or what the biller must confirm (dates that differ from ours)."""
    benefits: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)


class ClaimStatusCheck(Base):
    """One claim asked about in a 276 (trace `MBS<id>` in TRN02) and what the 277 said."""

    __tablename__ = "claim_status_check"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    request_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"))
    requested_at: Mapped[datetime] = created_at_column()
    requested_by: Mapped[str] = mapped_column(String(64))
    response_file_id: Mapped[int | None] = mapped_column(ForeignKey("edi_file.id"))
    answered_on: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(3))
    """STC01-1: A0-A8 acknowledged, P0-P5 pending, F0-F4 finalized, R0-R16 asks, E0-E4 error."""
    status_code: Mapped[str | None] = mapped_column(String(5))
    words: Mapped[str | None] = mapped_column(Text)
