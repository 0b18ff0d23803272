"""The audit trail: one row per action, written in the same transaction as the action."""

from __future__ import annotations

from sqlalchemy import Connection, text


def record_audit(
    conn: Connection, actor: str, action: str, entity: str, entity_id: int, detail: str | None
) -> None:
    """Who (`actor`) did what (`action`) to which record (`entity`, `entity_id`)."""
    conn.execute(
        text(
            "INSERT INTO audit_event (actor, action, entity, entity_id, detail) "
            "VALUES (:a, :act, :e, :id, :d)"
        ),
        {"a": actor, "act": action, "e": entity, "id": entity_id, "d": detail},
    )
