"""The audit trail: one row per action, written in the same transaction as the action."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

_INSERT = text(
    "INSERT INTO audit_event (actor, action, entity, entity_id, detail) "
    "VALUES (:a, :act, :e, :id, :d)"
)


def record_audit(
    conn: Connection, actor: str, action: str, entity: str, entity_id: int, detail: str | None
) -> None:
    """Who (`actor`) did what (`action`) to which record (`entity`, `entity_id`)."""
    conn.execute(_INSERT, {"a": actor, "act": action, "e": entity, "id": entity_id, "d": detail})


def record_audits(
    conn: Connection, actor: str, action: str, entity: str, items: Sequence[tuple[int, str | None]]
) -> None:
    """The same action on many records (`items`: entity id, detail) in one executemany."""
    if items:
        conn.execute(
            _INSERT,
            [{"a": actor, "act": action, "e": entity, "id": i, "d": d} for i, d in items],
        )
