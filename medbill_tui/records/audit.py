"""Frozen records of the audit trail (safe for screens to import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audit row: who did what to which record, and when."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What `medbill audit` narrows to; every field is optional. Dates are whole days (UTC),
    `until` inclusive."""

    actor: str | None = None
    since: date | None = None
    until: date | None = None
    entity: str | None = None
    entity_id: int | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class AuditCursor:
    """Where the next (older) page starts: the last row's time and id."""

    at: datetime
    id: int
