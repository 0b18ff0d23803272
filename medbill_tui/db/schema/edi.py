"""X12 files sent and received, claim submissions and acknowledgments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, Money, created_at_column

CONTROL_NUMBER_SEQUENCES = tuple(
    Sequence(name, start=1, maxvalue=999_999_999, cycle=False, metadata=Base.metadata)
    for name in ("isa_control_seq", "gs_control_seq", "st_control_seq")
)
"""ISA13, GS06 and ST02 of outbound interchanges (nine digits; they never wrap)."""


class EdiFile(Base):
    """Every X12 file sent or received, with its exact bytes. Inbound files are unique by hash."""

    __tablename__ = "edi_file"
    __table_args__ = (
        Index(
            "uq_edi_file_inbound_sha",
            "sha256",
            unique=True,
            postgresql_where=text("direction = 'in'"),
        ),
        Index(
            "ix_edi_file_unwritten",
            "id",
            postgresql_where=text("direction = 'out' AND written_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(6))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    isa13: Mapped[str] = mapped_column(String(9))
    gs06: Mapped[str] = mapped_column(String(9))
    sender_id: Mapped[str] = mapped_column(String(15))
    receiver_id: Mapped[str] = mapped_column(String(15))
    clearinghouse_id: Mapped[int | None] = mapped_column(ForeignKey("clearinghouse.id"))
    claim_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    total: Mapped[Decimal] = mapped_column(Money, server_default=text("0"))
    warnings: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Outbound: when the file reached its folder (NULL: committed, file not written yet)."""


class AppealLetter(Base):
    """An appeal letter's text, kept so that a letter lost before it reached its folder can be
    written again."""

    __tablename__ = "appeal_letter"
    __table_args__ = (
        Index("ix_appeal_letter_unwritten", "id", postgresql_where=text("written_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Submission(Base):
    """One sending of a claim in an 837P file (a claim may be sent several times)."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_batch", "gs06", "st02"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    edi_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"), index=True)
    gs06: Mapped[str] = mapped_column(String(9))
    st02: Mapped[str] = mapped_column(String(9))
    first_segment: Mapped[int] = mapped_column(Integer)
    last_segment: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(1))
    submitted_at: Mapped[datetime] = created_at_column()


class Acknowledgment(Base):
    """A 999 set response or a 277CA claim status, tied to the file it came in and its claim."""

    __tablename__ = "acknowledgment"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    edi_file_id: Mapped[int] = mapped_column(ForeignKey("edi_file.id"), index=True)
    kind: Mapped[str] = mapped_column(String(6))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(30))
    words: Mapped[str] = mapped_column(Text)
    segments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
