"""Work claiming: hand out the next open work item nobody holds, and the lease on it.

An item is *held* while `owner` is set and `lease_until` is in the future (database time,
`now()`). An item with no lease, or whose lease has passed, is free: `take_next` hands it out
again, so no background job is needed to expire leases. A follow-up item may carry an `owner`
with no lease (whoever scheduled it); that is an assignment, not a hold.

`take_next` is one statement: the subquery picks the first free item in the queue's order with
`FOR UPDATE SKIP LOCKED` (rows another transaction is taking are passed over, never waited
for; a row someone else leased meanwhile fails the re-checked WHERE), and the UPDATE around it
sets the owner and lease in the same transaction.

Every action on an item goes through `hold_to_act` (or `hold_claim_items` for an action on a
claim, which changes its open items): in the action's own transaction the item row is locked
and must be the actor's, or free (then it is taken for them); someone else's is refused with
`LeaseHeld` and the transaction changes nothing. A lease records where it was taken
(`lease_source`: 'cli' or an app session's id), so a session that ends frees only its own;
the column means nothing once the lease is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.errors import LeaseHeld
from medbill_tui.records.work import LeaseTerms, WorkLease, until_words

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


_AUDIT_TAKE = """, audit AS (
    INSERT INTO audit_event (actor, action, entity, entity_id, detail)
    SELECT :actor, 'work-take', 'work_item', id, :audit FROM taken)"""


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
    claim_no: str | None = None

    @property
    def label(self) -> str:
        """'claim C100080', else 'item 17'."""
        return f"claim {self.claim_no}" if self.claim_no else f"item {self.work_item_id}"

    def held_words(self) -> str:
        """'raj until 14:05' (the holder and, when known, until when)."""
        if self.lease_until is None:
            return str(self.holder)
        return f"{self.holder} until {until_words(self.lease_until)}"


def take_next(
    conn: Connection,
    kind: str,
    actor: str,
    terms: LeaseTerms,
    today: date,
    audit: str | None = None,
) -> WorkLease | None:
    """Lease the next free open item of `kind` to `actor` on `terms`, or None when every open
    item is held, resting until a follow-up date after `today` (follow-ups: not due by
    `today`), or was handed to `actor` within the lease's length. `audit`: the detail of the
    'work-take' audit row. One statement takes, audits and reads the lease (as `lease`): a
    take is then one round trip and the commit, as the bare floor in benchmarks/work_next."""
    extra, order = _ORDER[kind]
    found = conn.execute(
        text(f"""WITH taken AS (UPDATE work_item w
                 SET owner = :actor, lease_until = now() + make_interval(mins => :minutes),
                     lease_source = :source, last_taken_by = :actor, last_taken_at = now()
                 FROM (SELECT id FROM work_item
                       WHERE kind = :kind AND status = 'open' AND {_TAKEABLE} {extra}
                       ORDER BY {order}
                       LIMIT 1
                       FOR UPDATE SKIP LOCKED) pick
                 WHERE w.id = pick.id
                 RETURNING w.*){_AUDIT_TAKE if audit is not None else ""}
                 {_LEASE_SELECT.format(item="taken")}"""),
        {
            "audit": audit,
            "actor": actor,
            "minutes": terms.minutes,
            "source": terms.source,
            "kind": kind,
            "today": today,
        },
    ).one_or_none()
    return None if found is None else _lease_of(found)


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


_LOCK_SQL = f"""SELECT w.id, w.kind, w.status, w.owner, w.lease_until, c.claim_no,
                        {HOLDER_SQL} AS holder
                 FROM work_item w LEFT JOIN claim c ON c.id = w.claim_id"""


def _state(row: Row[Any]) -> ItemState:
    return ItemState(
        int(row.id),
        str(row.kind),
        str(row.status),
        row.owner,
        row.holder,
        row.lease_until,
        row.claim_no,
    )


def _lock_one(conn: Connection, work_item_id: int) -> ItemState | None:
    row = conn.execute(
        text(f"{_LOCK_SQL} WHERE w.id = :id FOR UPDATE OF w"), {"id": work_item_id}
    ).one_or_none()
    return None if row is None else _state(row)


def lock_item(conn: Connection, work_item_id: int) -> ItemState:
    """Lock one work item (WorkRefused when there is none with that id)."""
    item = _lock_one(conn, work_item_id)
    if item is None:
        raise WorkRefused(f"there is no work item {work_item_id}")
    return item


def hold_to_act(
    conn: Connection, work_item_id: int, actor: str, terms: LeaseTerms
) -> ItemState | None:
    """Lock the item for an action by `actor` in the action's transaction: it is theirs, or
    free and now taken for them on `terms` (audited); someone else's is refused (`LeaseHeld`,
    naming who and until when). A closed item holds no lease, and a missing one (None) none
    either: the action judges them in its own words."""
    item = _lock_one(conn, work_item_id)
    if item is None:
        return None
    _hold(conn, item, actor, terms)
    return item


def hold_claim_items(
    conn: Connection,
    claim_id: int,
    actor: str,
    terms: LeaseTerms,
    kinds: tuple[str, ...] | None = None,
) -> None:
    """`hold_to_act` for every open item (of `kinds`, default all) of a claim: an action on
    the claim changes or closes them. Locked in id order; refused when anyone else holds
    one."""
    only = " AND w.kind IN :kinds" if kinds else ""
    statement = text(
        f"{_LOCK_SQL} WHERE w.claim_id = :c AND w.status = 'open'{only} ORDER BY w.id "
        "FOR UPDATE OF w"
    )
    params: dict[str, object] = {"c": claim_id}
    if kinds:
        statement = statement.bindparams(bindparam("kinds", expanding=True))
        params["kinds"] = list(kinds)
    for row in conn.execute(statement, params).all():
        _hold(conn, _state(row), actor, terms)  # a refusal rolls back what was taken before


def _refuse_if_held_by_another(item: ItemState, actor: str) -> None:
    if item.status == "open" and item.holder is not None and item.holder != actor:
        label = item.label[:1].upper() + item.label[1:]
        raise LeaseHeld(f"{label} is held by {item.held_words()}; nothing changed")


def _hold(conn: Connection, item: ItemState, actor: str, terms: LeaseTerms) -> None:
    _refuse_if_held_by_another(item, actor)
    if item.status != "open" or item.holder == actor:
        return
    set_lease(conn, item.work_item_id, actor, terms.minutes, terms.source)
    record_audit(conn, actor, "work-take", "work_item", item.work_item_id, "to act on it")


def set_lease(conn: Connection, work_item_id: int, owner: str, minutes: int, source: str) -> None:
    """Give the item to `owner` for `minutes` from now, taken at `source`."""
    conn.execute(
        text(
            "UPDATE work_item SET owner = :o, lease_source = :s, "
            "lease_until = now() + make_interval(mins => :m) WHERE id = :id"
        ),
        {"o": owner, "s": source, "m": minutes, "id": work_item_id},
    )


def extend_lease(conn: Connection, work_item_id: int, minutes: int) -> None:
    """Keep the holder's lease `minutes` from now (where it was taken does not change)."""
    conn.execute(
        text("UPDATE work_item SET lease_until = now() + make_interval(mins => :m) WHERE id = :id"),
        {"m": minutes, "id": work_item_id},
    )


def clear_lease(conn: Connection, work_item_id: int) -> None:
    """Free the item (no owner, no lease)."""
    conn.execute(
        text("UPDATE work_item SET owner = NULL, lease_until = NULL WHERE id = :id"),
        {"id": work_item_id},
    )


def release_all(
    conn: Connection, actor: str, source: str, kinds: tuple[str, ...] | None = None
) -> list[int]:
    """Free every open item (of `kinds`, default all) `actor` holds from a lease taken at
    `source` (an app session: what it took); their ids."""
    only = " AND w.kind IN :kinds" if kinds else ""
    statement = text(f"""UPDATE work_item w SET owner = NULL, lease_until = NULL
                         WHERE w.status = 'open' AND w.owner = :a AND w.lease_source = :s
                           AND {HELD_SQL}{only}
                         RETURNING w.id""")
    params: dict[str, object] = {"a": actor, "s": source}
    if kinds:
        statement = statement.bindparams(bindparam("kinds", expanding=True))
        params["kinds"] = list(kinds)
    rows = conn.execute(statement, params).scalars()
    return sorted(int(i) for i in rows)


_LEASE_SELECT = """SELECT w.id, w.kind, w.owner, w.lease_until, w.claim_id, c.claim_no,
                          coalesce(w.patient_id, c.patient_id) AS patient_id,
                          p.last_name || ', ' || p.first_name AS patient, p.account_no,
                          c.encounter_id, w.detail
                   FROM {item} w
                   LEFT JOIN claim c ON c.id = w.claim_id
                   LEFT JOIN patient p ON p.id = coalesce(w.patient_id, c.patient_id)"""


def lease(conn: Connection, work_item_id: int) -> WorkLease:
    """The item with its claim or account and lease, as `next` returns it."""
    row = conn.execute(
        text(_LEASE_SELECT.format(item="work_item") + " WHERE w.id = :id"), {"id": work_item_id}
    ).one()
    return _lease_of(row)


def _lease_of(row: Row[Any]) -> WorkLease:
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
