"""Live lists: the transaction that changes a work item or a claim's status tells the screens
showing them (PostgreSQL NOTIFY, delivered at commit)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-10 10:00:00.000000

Statement-level AFTER triggers with transition tables, so a bulk statement (an 835 import,
releasing every item of a login) sends a few notifications, not one per row:

- `work_item` INSERT and UPDATE notify `medbill_queue_<queue>` (denials, rejections,
  followups, unmatched, credits) with `{"items": [[id, claim_id, status, holder before,
  holder after], ...]}`, at most 40 items a notification (a payload stays under 8000 bytes);
  a statement that changed more than 400 items of a queue sends `{"many": count}` instead.
- `claim_event` INSERT (every status change writes one, `db/repositories/claim_status.py`)
  notifies `medbill_queue_claims` with `{"items": [[claim_id, status], ...]}`, the same way.

Ids, statuses and logins only: no PHI in a payload. The demo's bulk load disables them.
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

CHUNK = 40
MANY = 400

_HOLDER = "CASE WHEN {t}.owner IS NOT NULL AND {t}.lease_until > now() THEN {t}.owner END"

_WORK_CHANGED = {
    "INSERT": f"""SELECT n.id, n.kind, n.claim_id, n.status, NULL::text AS was,
                         {_HOLDER.format(t="n")} AS holder
                  FROM new_rows n""",
    "UPDATE": f"""SELECT n.id, n.kind, n.claim_id, n.status, {_HOLDER.format(t="o")} AS was,
                         {_HOLDER.format(t="n")} AS holder
                  FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE (to_jsonb(n) - 'last_taken_at') IS DISTINCT FROM
                        (to_jsonb(o) - 'last_taken_at')""",
}


def _notify_function(name: str, changed: str, key: str, channel: str, item: str) -> str:
    """A trigger function sending the rows of `changed` in chunks, per `key` (its channel)."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        WITH changed AS ({changed}),
        numbered AS (
            SELECT c.*, count(*) OVER (PARTITION BY {key}) AS total,
                   (row_number() OVER (PARTITION BY {key} ORDER BY c.id) - 1) / {CHUNK} AS chunk
            FROM changed c)
        SELECT {key} AS key, max(total) AS total, jsonb_agg({item} ORDER BY id) AS items
        FROM numbered WHERE total <= {MANY} OR chunk = 0
        GROUP BY {key}, chunk
    LOOP
        PERFORM pg_notify({channel},
            CASE WHEN part.total > {MANY} THEN jsonb_build_object('many', part.total)
                 ELSE jsonb_build_object('items', part.items) END::text);
    END LOOP;
    RETURN NULL;
END $$
"""


_WORK_CHANNEL = (
    "'medbill_queue_' || CASE part.key WHEN 'unmatched' THEN 'unmatched' ELSE part.key || 's' END"
)
_WORK_ITEM = "jsonb_build_array(id, claim_id, status, was, holder)"

_CLAIMS_CHANGED = """SELECT DISTINCT ON (e.claim_id) e.claim_id AS id, e.to_status AS status,
                            'claims' AS queue
                     FROM new_rows e ORDER BY e.claim_id, e.id DESC"""

TRIGGERS = {
    "work_item_notify_insert": (
        "work_item",
        "INSERT",
        "REFERENCING NEW TABLE AS new_rows",
        "medbill_notify_work_item_insert",
    ),
    "work_item_notify_update": (
        "work_item",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "medbill_notify_work_item_update",
    ),
    "claim_event_notify": (
        "claim_event",
        "INSERT",
        "REFERENCING NEW TABLE AS new_rows",
        "medbill_notify_claim_event",
    ),
}


def upgrade() -> None:
    for op_name, changed in _WORK_CHANGED.items():
        function = f"medbill_notify_work_item_{op_name.lower()}"
        op.execute(_notify_function(function, changed, "kind", _WORK_CHANNEL, _WORK_ITEM))
    op.execute(
        _notify_function(
            "medbill_notify_claim_event",
            _CLAIMS_CHANGED,
            "queue",
            "'medbill_queue_claims'",
            "jsonb_build_array(id, status)",
        )
    )
    for trigger, (table, event, referencing, function) in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    for trigger, (table, _, _, function) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
