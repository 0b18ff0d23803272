"""Who gave a work item to its holder: the latest reassignment in the audit trail."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.records.live import Handover

RECENT_MINUTES = 10
"""A reassignment older than this is not the change just notified."""


def handover(conn: Connection, work_item_id: int, to: str) -> Handover | None:
    """The item's label and who reassigned it to `to` just now (`by` None: nobody did; the
    lease ran out and `to` took it). None when there is no such item."""
    row = conn.execute(
        text("""SELECT w.id, c.claim_no, a.actor
                FROM work_item w
                LEFT JOIN claim c ON c.id = w.claim_id
                LEFT JOIN LATERAL (
                    SELECT e.actor FROM audit_event e
                    WHERE e.entity = 'work_item' AND e.entity_id = w.id
                      AND e.action = 'work-reassign' AND e.detail LIKE '% to ' || :to
                      AND e.at > now() - make_interval(mins => :recent)
                    ORDER BY e.at DESC, e.id DESC LIMIT 1) a ON TRUE
                WHERE w.id = :id"""),
        {"id": work_item_id, "to": to, "recent": RECENT_MINUTES},
    ).one_or_none()
    if row is None:
        return None
    label = row.claim_no or f"item {row.id}"
    return Handover(int(row.id), str(label), to, row.actor)
