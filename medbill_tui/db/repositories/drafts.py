"""Drafts: a form as someone was typing it, one per owner and record (upserted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.expression import bindparam

from medbill_tui.records.conflicts import Draft

_UPSERT = text(
    """INSERT INTO draft (owner, entity, entity_id, payload, saved_at)
       VALUES (:owner, :entity, :entity_id, :payload, now())
       ON CONFLICT (owner, entity, entity_id)
       DO UPDATE SET payload = EXCLUDED.payload, saved_at = EXCLUDED.saved_at
       RETURNING saved_at"""
).bindparams(bindparam("payload", type_=JSONB))


def save_draft(
    conn: Connection, owner: str, entity: str, entity_id: int | None, payload: dict[str, object]
) -> datetime:
    """Keep (or replace) the owner's draft of the record; returns when it was saved."""
    params = {"owner": owner, "entity": entity, "entity_id": entity_id, "payload": payload}
    saved: datetime = conn.execute(_UPSERT, params).scalar_one()
    return saved


def find_draft(conn: Connection, owner: str, entity: str, entity_id: int | None) -> Draft | None:
    """The owner's draft of the record (a new one when `entity_id` is None), if any."""
    row = conn.execute(
        text(
            "SELECT owner, entity, entity_id, payload, saved_at FROM draft "
            "WHERE owner = :o AND entity = :e AND entity_id IS NOT DISTINCT FROM :id"
        ),
        {"o": owner, "e": entity, "id": entity_id},
    ).one_or_none()
    if row is None:
        return None
    return Draft(row.owner, row.entity, row.entity_id, dict(row.payload), row.saved_at)


def delete_draft(conn: Connection, owner: str, entity: str, entity_id: int | None) -> bool:
    """Drop the owner's draft of the record (after a save); True when there was one."""
    gone = conn.execute(
        text(
            "DELETE FROM draft WHERE owner = :o AND entity = :e "
            "AND entity_id IS NOT DISTINCT FROM :id RETURNING id"
        ),
        {"o": owner, "e": entity, "id": entity_id},
    ).first()
    return gone is not None


def last_change(
    conn: Connection, entity: str, entity_id: int
) -> tuple[str | None, datetime | None]:
    """Who last changed the record and when: the latest claim_event for a claim, else the
    latest audit event (None, None when nothing says)."""
    if entity == "claim":
        sql = (
            "SELECT actor, at FROM claim_event WHERE claim_id = :id "
            "ORDER BY at DESC, id DESC LIMIT 1"
        )
    else:
        sql = (
            "SELECT actor, at FROM audit_event WHERE entity = :e AND entity_id = :id "
            "AND action NOT IN ('open', 'view', 'read') ORDER BY id DESC LIMIT 1"
        )
    row = conn.execute(text(sql), {"e": entity, "id": entity_id}).one_or_none()
    return (None, None) if row is None else (row.actor, row.at)
