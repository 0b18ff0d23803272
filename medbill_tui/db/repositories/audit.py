"""The audit trail: one row per action, written in the same transaction as the action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.bulk import execute_rows
from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.records.audit import AuditCursor, AuditEvent, AuditFilter

_INSERT_SQL = (
    "INSERT INTO audit_event (actor, action, entity, entity_id, detail) "
    "VALUES (:a, :act, :e, :id, :d)"
)
_INSERT = text(_INSERT_SQL)

VIEW = "view"
"""The action of opening a record's screen (detail, edit form, EDI view)."""


def record_audit(
    conn: Connection, actor: str, action: str, entity: str, entity_id: int, detail: str | None
) -> None:
    """Who (`actor`) did what (`action`) to which record (`entity`, `entity_id`)."""
    conn.execute(_INSERT, {"a": actor, "act": action, "e": entity, "id": entity_id, "d": detail})


def record_event(
    conn: Connection, actor: str, action: str, entity: str, detail: str | None = None
) -> None:
    """An action on no one record (login, logout, a code-set load): `entity_id` stays NULL."""
    conn.execute(_INSERT, {"a": actor, "act": action, "e": entity, "id": None, "d": detail})


def record_audits(
    conn: Connection, actor: str, action: str, entity: str, items: Sequence[tuple[int, str | None]]
) -> None:
    """The same action on many records (`items`: entity id, detail) in one COPY."""
    if items:
        execute_rows(
            conn,
            _INSERT_SQL,
            [{"a": actor, "act": action, "e": entity, "id": i, "d": d} for i, d in items],
        )


def audit_cursor(conn: Connection, event_id: int) -> AuditCursor:
    """The keyset cursor of audit event `event_id` (RecordNotFound if there is none)."""
    row = conn.execute(
        text("SELECT at, id FROM audit_event WHERE id = :id"), {"id": event_id}
    ).one_or_none()
    if row is None:
        raise RecordNotFound(f"audit event {event_id} does not exist")
    return AuditCursor(row.at, row.id)


def audit_page(
    conn: Connection, filt: AuditFilter, after: AuditCursor | None, limit: int
) -> tuple[AuditEvent, ...]:
    """Audit rows matching `filt`, newest first, keyset-paged on (at, id) after `after`."""
    where: list[str] = []
    params: dict[str, Any] = {"lim": limit}
    for column, value in (
        ("actor", filt.actor),
        ("entity", filt.entity),
        ("entity_id", filt.entity_id),
        ("action", filt.action),
    ):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    if filt.since is not None:
        where.append("at >= CAST(:since AS date) AT TIME ZONE 'UTC'")
        params["since"] = filt.since
    if filt.until is not None:
        where.append("at < CAST(:until AS date) AT TIME ZONE 'UTC'")
        params["until"] = filt.until + timedelta(days=1)
    if after is not None:
        where.append("(at, id) < (:at, :id)")
        params.update(at=after.at, id=after.id)
    sql = (
        "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_event"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY at DESC, id DESC LIMIT :lim"
    )
    rows = conn.execute(text(sql), params).all()
    return tuple(
        AuditEvent(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.detail) for r in rows
    )
