"""The HL7 interface: messages received, the EHR's patient and visit ids, the code mapping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, created_at_column


class Hl7Message(Base):
    """One message received (file or MLLP) and the ACK it got: a resend of the same MSH-10
    control id from the same sending facility gets the stored ACK and changes nothing."""

    __tablename__ = "hl7_message"
    __table_args__ = (
        UniqueConstraint("facility", "control_id"),
        CheckConstraint("outcome IN ('AA', 'AE', 'AR')", name="outcome"),
        Index("ix_hl7_message_received_at", "received_at"),
        Index("ix_hl7_message_open_errors", "id", postgresql_where=text("outcome = 'AE'")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    facility: Mapped[str] = mapped_column(String(60))
    """MSH-4, the sending facility (empty when the message had no readable header)."""
    control_id: Mapped[str | None] = mapped_column(String(60))
    """MSH-10; NULL for a message too broken to read one from."""
    message_type: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime] = created_at_column()
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why it was not taken, naming the segment and field (AE, AR)."""
    raw: Mapped[str] = mapped_column(Text)
    """The message as received (PHI: shown to signed-in users only, never logged)."""
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounter.id"))


class Hl7Patient(Base):
    """The EHR's patient id (PID-3) beside our account: a later message finds the patient."""

    __tablename__ = "hl7_patient"
    __table_args__ = (UniqueConstraint("facility", "ehr_id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    facility: Mapped[str] = mapped_column(String(60))
    ehr_id: Mapped[str] = mapped_column(String(40))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)


class Hl7Visit(Base):
    """The EHR's visit (PV1-19, or date + patient + provider) and the encounter it made."""

    __tablename__ = "hl7_visit"
    __table_args__ = (UniqueConstraint("facility", "visit_key"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    facility: Mapped[str] = mapped_column(String(60))
    visit_key: Mapped[str] = mapped_column(String(120))
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounter.id"), index=True)


class Hl7CodeMap(Base):
    """A sending facility's code for one of our providers (target: NPI), payers (target:
    payer code) or places of service (target: POS code)."""

    __tablename__ = "hl7_code_map"
    __table_args__ = (
        UniqueConstraint("facility", "kind", "code"),
        CheckConstraint("kind IN ('provider', 'payer', 'location')", name="kind"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    facility: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(80))
