"""Follow-up work: notes on claims and accounts, the open `followup` work item of each, and
the list of follow-ups due (one keyset query per page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.db.claim_sql import status_in
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.db.repositories.queue_match import item_match_sql
from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.claim_state import AWAITING_PAYMENT
from medbill_tui.records.followups import (
    RANK_DENIAL,
    RANK_OTHER,
    RANK_UNPAID,
    Entity,
    EntityFollowup,
    EntityNote,
    FollowupRow,
)
from medbill_tui.records.queues import Cursor, Page, QueueFilter


class FollowupRefused(Exception):
    """The follow-up cannot be changed as asked (message in words); nothing was written."""


@dataclass(frozen=True, slots=True)
class Target:
    """The claim or account a note is written on, locked for the transaction."""

    entity: Entity
    entity_id: int
    claim_id: int | None
    patient_id: int


def lock_target(conn: Connection, entity: Entity, entity_id: int) -> Target:
    """Lock the claim or patient row, so two notes on it cannot both open a follow-up."""
    if entity == "claim":
        row = conn.execute(
            text("SELECT id, patient_id FROM claim WHERE id = :id FOR UPDATE"), {"id": entity_id}
        ).one_or_none()
        if row is None:
            raise FollowupRefused(f"claim {entity_id} does not exist")
        return Target(entity, entity_id, int(row.id), int(row.patient_id))
    pid = conn.execute(
        text("SELECT id FROM patient WHERE id = :id FOR UPDATE"), {"id": entity_id}
    ).scalar_one_or_none()
    if pid is None:
        raise FollowupRefused(f"account {entity_id} does not exist")
    return Target(entity, entity_id, None, int(pid))


def add_note(conn: Connection, target: Target, actor: str, body: str) -> int:
    """Write a note on the claim or account; returns its id."""
    return write_note(conn, target.entity, target.entity_id, actor, body)


def open_followup(conn: Connection, target: Target) -> int | None:
    """The claim's or account's open follow-up item, locked; None when it has none."""
    where = "claim_id = :c" if target.claim_id is not None else "claim_id IS NULL"
    found = conn.execute(
        text(f"""SELECT id FROM work_item
                 WHERE kind = 'followup' AND status = 'open' AND patient_id = :p AND {where}
                 ORDER BY id LIMIT 1 FOR UPDATE"""),
        {"p": target.patient_id, "c": target.claim_id},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def schedule(
    conn: Connection, target: Target, actor: str, due_on: date, why: str, today: date
) -> tuple[int, bool]:
    """Create the open follow-up of the claim or account, or move it to `due_on`; the acting
    user becomes its owner. Returns (work item id, moved)."""
    existing = open_followup(conn, target)
    if existing is not None:
        conn.execute(
            text("UPDATE work_item SET due_on = :d, owner = :o, detail = :w WHERE id = :id"),
            {"d": due_on, "o": actor, "w": why[:500], "id": existing},
        )
        record_audit(conn, actor, "followup-move", "work_item", existing, f"due {due_on}")
        return existing, True
    amount = _balance(conn, target)
    new_id = conn.execute(
        text("""INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, due_on,
                    owner, detail)
                VALUES ('followup', :c, :p, :amt, :today, :d, :o, :w) RETURNING id"""),
        {
            "c": target.claim_id,
            "p": target.patient_id,
            "amt": amount,
            "today": today,
            "d": due_on,
            "o": actor,
            "w": why[:500],
        },
    ).scalar_one()
    record_audit(conn, actor, "followup-open", "work_item", int(new_id), f"due {due_on}")
    return int(new_id), False


def _balance(conn: Connection, target: Target) -> Decimal:
    column, value = (
        ("claim_id", target.claim_id)
        if target.claim_id is not None
        else ("patient_id", target.patient_id)
    )
    owed = conn.execute(
        text(f"SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE {column} = :v"),
        {"v": value},
    ).scalar_one()
    return max(Decimal(owed), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class ItemContext:
    """A work item of the follow-up list, locked, with what it is about."""

    work_item_id: int
    kind: str
    status: str
    closed_by: str
    closed_at: str
    target: Target


def load_item(conn: Connection, work_item_id: int) -> ItemContext:
    """Lock a follow-up or denial work item (FollowupRefused when it is neither)."""
    row = conn.execute(
        text("""SELECT w.id, w.kind, w.status, w.claim_id, coalesce(w.patient_id, c.patient_id)
                       AS patient_id, w.closed_at, a.actor
                FROM work_item w LEFT JOIN claim c ON c.id = w.claim_id
                LEFT JOIN LATERAL (SELECT actor FROM audit_event
                                   WHERE entity = 'work_item' AND entity_id = w.id
                                   ORDER BY id DESC LIMIT 1) a ON TRUE
                WHERE w.id = :id FOR UPDATE OF w"""),
        {"id": work_item_id},
    ).one_or_none()
    if row is None or row.kind not in ("followup", "denial"):
        raise FollowupRefused(f"follow-up {work_item_id} does not exist")
    if row.claim_id is not None:
        target = Target("claim", int(row.claim_id), int(row.claim_id), int(row.patient_id))
    else:
        target = Target("patient", int(row.patient_id), None, int(row.patient_id))
    closed_at = f"{row.closed_at:%m/%d/%Y %H:%M}" if row.closed_at else ""
    return ItemContext(
        int(row.id), str(row.kind), str(row.status), row.actor or "someone", closed_at, target
    )


def close(conn: Connection, ctx: ItemContext, actor: str, outcome: str) -> None:
    """Close an open follow-up with its outcome (the note was written by the caller)."""
    conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, detail = coalesce(detail || '; ', '') || :o WHERE id = :id"
        ),
        {"id": ctx.work_item_id, "o": f"{outcome[:400]} by {actor}"},
    )
    record_audit(conn, actor, "followup-done", "work_item", ctx.work_item_id, None)


def move(conn: Connection, ctx: ItemContext, actor: str, due_on: date) -> None:
    """Give an open item a new due date (the acting user becomes its owner): done with it
    until then, so its lease ends."""
    conn.execute(
        text("UPDATE work_item SET due_on = :d, owner = :o, lease_until = NULL WHERE id = :id"),
        {"d": due_on, "o": actor, "id": ctx.work_item_id},
    )
    record_audit(conn, actor, "followup-move", "work_item", ctx.work_item_id, f"due {due_on}")


def entity_followup(
    conn: Connection, entity: Entity, entity_id: int, limit: int = 5
) -> EntityFollowup:
    """The open follow-up (if any) and the latest notes of a claim or account."""
    where = "claim_id = :id" if entity == "claim" else "claim_id IS NULL AND patient_id = :id"
    item = conn.execute(
        text(f"""SELECT due_on, owner FROM work_item WHERE kind = 'followup' AND status = 'open'
                 AND {where} ORDER BY due_on NULLS LAST, id LIMIT 1"""),
        {"id": entity_id},
    ).one_or_none()
    notes = conn.execute(
        text("""SELECT at, author, body FROM note WHERE entity = :e AND entity_id = :id
                ORDER BY at DESC, id DESC LIMIT :n"""),
        {"e": entity, "id": entity_id, "n": limit},
    ).all()
    return EntityFollowup(
        due_on=item.due_on if item else None,
        owner=item.owner if item else None,
        notes=tuple(EntityNote(n.at, n.author, n.body) for n in notes),
    )


def due_page(
    conn: Connection,
    as_of: date | None,
    today: date,
    no_payment_days: int,
    warning_days: int,
    filt: QueueFilter,
    after: Cursor | None,
    limit: int,
    ids: Sequence[int] | None = None,
) -> Page[FollowupRow]:
    """Open follow-ups due on or before `as_of` (all open ones when None), and open denials
    due within `warning_days` of `today`; ordered (rank, due, id): denials near their
    deadline first, then claims accepted with no payment after their payer's payment timer
    (`no_payment_days` when it has none), then the
    rest. Amounts are what is still owed, summed for the page's rows only. `ids`: only those
    items (a live list re-reads what changed; an id not answered has left the list)."""
    params: dict[str, Any] = {
        "limit": limit + 1,
        "appeal_by": today + timedelta(days=warning_days),
        "unpaid_since": today - timedelta(days=no_payment_days),
        "today": today,
    }
    due = "TRUE" if as_of is None else "coalesce(w.due_on, w.opened_on) <= :due_by"
    if as_of is not None:
        params["due_by"] = as_of
    narrow = item_match_sql(filt, params, "w.claim_id", "coalesce(w.patient_id, c.patient_id)")
    if filt.payer_id is not None:
        narrow += " AND c.payer_id = :payer_id"
        params["payer_id"] = filt.payer_id
    if ids is not None:
        narrow += " AND w.id = ANY(:ids)"
        params["ids"] = list(ids)
    keyset = ""
    if after is not None:
        keyset = "WHERE (q.rank, q.due, q.id) > (:after_rank, :after_due, :after_id)"
        params.update(
            after_rank=int(after[0]),
            after_due=date.fromisoformat(str(after[1])),
            after_id=int(after[2]),
        )
    accepted = status_in(AWAITING_PAYMENT, "c.status")
    sql = f"""
        SELECT pg.*, CASE WHEN pg.claim_id IS NOT NULL
                     THEN (SELECT coalesce(sum(l.amount), 0) FROM ledger_entry l
                           WHERE l.claim_id = pg.claim_id)
                     ELSE (SELECT coalesce(sum(l.amount), 0) FROM ledger_entry l
                           WHERE l.patient_id = pg.patient_id) END AS amount
        FROM (SELECT q.* FROM (
            SELECT w.id, w.kind, w.claim_id, coalesce(w.patient_id, c.patient_id) AS patient_id,
                   c.claim_no, p.account_no, p.last_name || ', ' || p.first_name AS patient,
                   py.name AS payer, coalesce(w.due_on, w.opened_on) AS due, w.detail, w.owner,
                   {HOLDER_SQL} AS holder,
                   coalesce(w.group_code, '') AS group_code, coalesce(w.carc, '') AS carc,
                   coalesce(c.submitted_on, c.created_on) AS since,
                   CASE WHEN w.kind = 'denial' THEN {RANK_DENIAL}
                        WHEN {accepted}
                             AND coalesce(c.submitted_on, c.created_on) <= CASE
                                 WHEN py.payment_timer_days IS NULL
                                 THEN CAST(:unpaid_since AS date)
                                 ELSE CAST(:today AS date) - py.payment_timer_days END
                        THEN {RANK_UNPAID} ELSE {RANK_OTHER} END AS rank
            FROM work_item w
            LEFT JOIN claim c ON c.id = w.claim_id
            JOIN patient p ON p.id = coalesce(w.patient_id, c.patient_id)
            LEFT JOIN payer py ON py.id = c.payer_id
            WHERE w.status = 'open'
              AND ((w.kind = 'followup' AND {due})
                   OR (w.kind = 'denial' AND w.due_on <= :appeal_by))
              {narrow}
        ) q
        {keyset}
        ORDER BY q.rank, q.due, q.id
        LIMIT :limit) pg
        ORDER BY pg.rank, pg.due, pg.id"""
    result = conn.execute(text(sql), params).all()
    has_more = len(result) > limit
    result = result[:limit]
    rows = tuple(_row(r, today) for r in result)
    cursor: Cursor | None = None
    if has_more:
        last = result[-1]
        cursor = (int(last.rank), last.due.isoformat(), int(last.id))
    return Page(rows=rows, next_cursor=cursor)


def _why(r: Row[Any], today: date) -> str:
    """Short words for the Why column: 'CO-16 denial in 5d', 'No payment in 60d', the detail."""
    if r.rank == RANK_DENIAL:
        code = f"{r.group_code}-{r.carc}" if r.group_code else (r.carc or "")
        days = (r.due - today).days
        when = "late" if days < 0 else "today" if days == 0 else f"in {days}d"
        return f"{code} denial {when}".strip()
    if r.rank == RANK_UNPAID:
        return f"No payment in {(today - r.since).days}d"
    return str(r.detail or "Follow up")


def _row(r: Row[Any], today: date) -> FollowupRow:
    is_claim = r.claim_id is not None
    return FollowupRow(
        work_item_id=int(r.id),
        kind=str(r.kind),
        entity="claim" if is_claim else "patient",
        entity_id=int(r.claim_id if is_claim else r.patient_id),
        claim_id=int(r.claim_id) if is_claim else None,
        label=str(r.claim_no if is_claim else r.account_no),
        patient_name=str(r.patient),
        payer_name=str(r.payer or ""),
        rank=int(r.rank),
        why=_why(r, today),
        due_on=r.due,
        amount=Decimal(r.amount),
        owner=r.owner,
        holder=r.holder,
    )
