"""Work claiming: hand out the next open work item nobody holds, and the lease on it.

An item is *held* while `owner` is set and `lease_until` is in the future (database time,
`now()`). An item with no lease, or whose lease has passed, is free: `take_next` hands it out
again, so no background job is needed to expire leases. A follow-up item may carry an `owner`
with no lease (whoever scheduled it); that is an assignment, not a hold.

`take_next` is one statement: the subquery picks the first free item in the queue's order with
`FOR UPDATE SKIP LOCKED` (rows another transaction is taking are passed over, never waited
for; a row someone else leased meanwhile fails the re-checked WHERE), and the UPDATE around it
sets the owner and lease in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, text

from medbill_tui.records.work import WorkLease

HELD_SQL = "w.owner IS NOT NULL AND w.lease_until > now()"
"""True while the item's lease holds (alias `w`)."""

HOLDER_SQL = f"CASE WHEN {HELD_SQL} THEN w.owner END"
"""The login holding the item now, NULL when free (alias `w`): for the work lists' column."""

_FREE = "(lease_until IS NULL OR lease_until <= now())"
_TAKEABLE = f"""{_FREE}
    AND (follow_up_on IS NULL OR follow_up_on <= :today)
    AND NOT (last_taken_by IS NOT DISTINCT FROM :actor
             AND last_taken_at > now() - make_interval(mins => :minutes))"""
"""Free, not resting until a follow-up date, and not handed to this biller within a lease's
length (they just worked it: `n` moves on; Enter on the list still opens it)."""

_ORDER: dict[str, tuple[str, str]] = {
    # kind: (extra condition, order) — each list's own order, so `n` takes the first free row
    "denial": ("", "opened_on, id"),
    "rejection": ("", "opened_on, id"),
    "followup": ("AND coalesce(due_on, opened_on) <= :today", "coalesce(due_on, opened_on), id"),
    "unmatched": ("", "opened_on DESC, id DESC"),
    "credit": ("", "opened_on, id"),
}


class WorkRefused(Exception):
    """The lease cannot be changed as asked; nothing changed. The message says why."""


@dataclass(frozen=True, slots=True)
class ItemState:
    """A work item, locked, with who holds it now (`holder` None: free)."""

    work_item_id: int
    kind: str
    status: str
    owner: str | None
    holder: str | None
    lease_until: datetime | None


def take_next(conn: Connection, kind: str, actor: str, minutes: int, today: date) -> int | None:
    """Lease the next free open item of `kind` to `actor` for `minutes`; its id, or None when
    every open item is held, resting until a follow-up date after `today` (follow-ups: not due
    by `today`), or was handed to `actor` within the last `minutes`."""
    extra, order = _ORDER[kind]
    found = conn.execute(
        text(f"""UPDATE work_item w
                 SET owner = :actor, lease_until = now() + make_interval(mins => :minutes),
                     last_taken_by = :actor, last_taken_at = now()
                 FROM (SELECT id FROM work_item
                       WHERE kind = :kind AND status = 'open' AND {_TAKEABLE} {extra}
                       ORDER BY {order}
                       LIMIT 1
                       FOR UPDATE SKIP LOCKED) pick
                 WHERE w.id = pick.id
                 RETURNING w.id"""),
        {"actor": actor, "minutes": minutes, "kind": kind, "today": today},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def why_nothing_free(
    conn: Connection, kind: str, actor: str, minutes: int, today: date
) -> tuple[int, int, int, int]:
    """Why `take_next` found nothing: the open items of `kind`, and how many of them are held,
    resting until a later date, and were just handed to `actor` (an item counts once, in that
    order)."""
    extra, _ = _ORDER[kind]
    resting = "coalesce(follow_up_on > :today, false)" + (
        " OR coalesce(due_on, opened_on) > :today" if extra else ""
    )
    row = conn.execute(
        text(f"""SELECT count(*),
                        count(*) FILTER (WHERE NOT {_FREE}),
                        count(*) FILTER (WHERE {_FREE} AND ({resting})),
                        count(*) FILTER (WHERE {_FREE} AND NOT ({resting})
                                         AND last_taken_by = :actor)
                 FROM work_item WHERE kind = :kind AND status = 'open'"""),
        {"kind": kind, "actor": actor, "today": today},
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def lock_item(conn: Connection, work_item_id: int) -> ItemState:
    """Lock one work item (WorkRefused when there is none with that id)."""
    row = conn.execute(
        text(f"""SELECT w.id, w.kind, w.status, w.owner, w.lease_until,
                        {HOLDER_SQL} AS holder
                 FROM work_item w WHERE w.id = :id FOR UPDATE"""),
        {"id": work_item_id},
    ).one_or_none()
    if row is None:
        raise WorkRefused(f"there is no work item {work_item_id}")
    return ItemState(
        int(row.id), str(row.kind), str(row.status), row.owner, row.holder, row.lease_until
    )


def set_lease(conn: Connection, work_item_id: int, owner: str, minutes: int) -> None:
    """Give the item to `owner` for `minutes` from now."""
    conn.execute(
        text(
            "UPDATE work_item SET owner = :o, "
            "lease_until = now() + make_interval(mins => :m) WHERE id = :id"
        ),
        {"o": owner, "m": minutes, "id": work_item_id},
    )


def clear_lease(conn: Connection, work_item_id: int) -> None:
    """Free the item (no owner, no lease)."""
    conn.execute(
        text("UPDATE work_item SET owner = NULL, lease_until = NULL WHERE id = :id"),
        {"id": work_item_id},
    )


def release_all(conn: Connection, actor: str, kinds: tuple[str, ...] | None = None) -> list[int]:
    """Free every open item (of `kinds`, default all) `actor` holds; their ids."""
    only = " AND w.kind IN :kinds" if kinds else ""
    statement = text(f"""UPDATE work_item w SET owner = NULL, lease_until = NULL
                         WHERE w.status = 'open' AND w.owner = :a AND {HELD_SQL}{only}
                         RETURNING w.id""")
    params: dict[str, object] = {"a": actor}
    if kinds:
        statement = statement.bindparams(bindparam("kinds", expanding=True))
        params["kinds"] = list(kinds)
    rows = conn.execute(statement, params).scalars()
    return sorted(int(i) for i in rows)


def lease(conn: Connection, work_item_id: int) -> WorkLease:
    """The item with its claim or account and lease, as `next` returns it."""
    row = conn.execute(
        text("""SELECT w.id, w.kind, w.owner, w.lease_until, w.claim_id, c.claim_no,
                       coalesce(w.patient_id, c.patient_id) AS patient_id,
                       p.last_name || ', ' || p.first_name AS patient, p.account_no,
                       c.encounter_id, w.detail
                FROM work_item w
                LEFT JOIN claim c ON c.id = w.claim_id
                LEFT JOIN patient p ON p.id = coalesce(w.patient_id, c.patient_id)
                WHERE w.id = :id"""),
        {"id": work_item_id},
    ).one()
    return WorkLease(
        work_item_id=int(row.id),
        kind=str(row.kind),
        owner=str(row.owner),
        lease_until=row.lease_until,
        claim_id=row.claim_id,
        claim_no=row.claim_no,
        patient_id=row.patient_id,
        patient_name=row.patient,
        account_no=row.account_no,
        encounter_id=row.encounter_id,
        detail=row.detail,
    )


def user_role(conn: Connection, login: str) -> tuple[str, bool] | None:
    """(role, active) of an app user, None when the login is not a user."""
    row = conn.execute(
        text("SELECT role, active FROM app_user WHERE login = :l"), {"l": login}
    ).one_or_none()
    return None if row is None else (str(row.role), bool(row.active))
