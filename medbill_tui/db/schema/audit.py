"""Users of the app, the audit trail and unsaved drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from medbill_tui.db.schema.base import Base, created_at_column


class AppUser(Base):
    """A person who may use the app, identified by their login on the host."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    full_name: Mapped[str | None] = mapped_column(String(100))
    """How letters are signed (the login when unset)."""
    created_at: Mapped[datetime] = created_at_column()


class AuditEvent(Base):
    """Who did what to which record, and when (append-only)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at", "id"),
        Index("ix_audit_event_entity", "entity", "entity_id", "at"),
        Index("ix_audit_event_actor", "actor", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = created_at_column()
    detail: Mapped[str | None] = mapped_column(Text)


class Draft(Base):
    """A form as someone was typing it, not yet saved (restored after a dropped session)."""

    __tablename__ = "draft"
    __table_args__ = (
        Index(
            "uq_draft_owner_entity",
            "owner",
            "entity",
            "entity_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    """The record being edited; NULL for a new one (one new-record draft per person)."""
    payload: Mapped[dict[str, object]] = mapped_column(JSONB)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
