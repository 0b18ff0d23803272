"""The unmatched-remittance list: 835 claim payments (and 277CA acknowledgments) for claims we
could not find, the claims they may belong to, and posting one to the claim a biller chose.

An unmatched 835 CLP is kept as a `claim_payment` with no claim and a `work_item` of kind
'unmatched' that points at it (`claim_payment_id`) and keeps what the payer sent about the
patient (`patient_control_no`, `patient_name`); a 277CA item keeps its claim number and STC
codes. Posting sets the link once and writes the ledger entries exactly as a matched import
would (`remits.post_matched_claim`); the CLP comes from `stored_clp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.db.claim_sql import status_not_in
from medbill_tui.db.repositories import remit_lookup, remits
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.queue_match import like_prefix, patient_match_sql
from medbill_tui.db.repositories.queues import PATIENT_NAME
from medbill_tui.db.repositories.stored_clp import claim_pay
from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.domain.routing import RuleSet
from medbill_tui.edi.line_match import match_services, service_keys
from medbill_tui.edi.x835 import ClaimPay
from medbill_tui.records.queues import Cursor, Page, QueueFilter
from medbill_tui.records.unmatched import (
    MatchCandidate,
    MatchOutcome,
    UnmatchedPayment,
    UnmatchedRow,
)

UNPOSTABLE = frozenset({ClaimStatus.VOID, ClaimStatus.DRAFT})
"""Claims a payment may not be posted to: never sent, or voided."""


class MatchRefused(Exception):
    """The unmatched item cannot be posted or closed as asked; nothing changed."""


ITEM_SQL = f"""
    SELECT w.id, w.status, w.opened_on, w.amount, w.detail, w.outcome, {HOLDER_SQL} AS holder,
           w.patient_control_no AS item_pcn, w.patient_name,
           cp.id AS cp_id, cp.claim_id,
           cp.patient_control_no, cp.status_code, cp.charge, cp.paid, r.id AS remittance_id,
           r.trace_no, r.payer_id, r.paid_on, r.status AS remit_status, py.name AS payer
    FROM work_item w
    LEFT JOIN claim_payment cp ON cp.id = w.claim_payment_id
    LEFT JOIN remittance r ON r.id = cp.remittance_id
    LEFT JOIN payer py ON py.id = r.payer_id"""
"""An unmatched item with its payment, remittance and payer (none for a 277CA item)."""


def _row(r: Row[Any]) -> UnmatchedRow:
    detail = r.detail or ""
    if r.cp_id is None:
        return UnmatchedRow(
            r.id,
            "277CA",
            r.opened_on,
            "",
            "",
            r.item_pcn or "",
            "",
            Decimal(r.amount),
            Decimal("0.00"),
            "",
            None,
            detail,
            holder=r.holder,
        )
    return UnmatchedRow(
        work_item_id=r.id,
        source="835",
        opened_on=r.opened_on,
        payer_name=r.payer,
        trace_no=r.trace_no,
        patient_control_no=r.patient_control_no,
        patient_name=r.patient_name or "",
        charge=Decimal(r.charge),
        paid=Decimal(r.paid),
        status_code=r.status_code,
        claim_payment_id=r.cp_id,
        detail=detail,
        holder=r.holder,
    )


def unmatched_page(conn: Connection, after: Cursor | None, limit: int) -> Page[UnmatchedRow]:
    """Open unmatched items, newest first, keyset-paged on (opened_on, id)."""
    params: dict[str, Any] = {"limit": limit + 1}
    where = "w.kind = 'unmatched' AND w.status = 'open'"
    if after is not None:
        where += " AND (w.opened_on, w.id) < (:after_d, :after_id)"
        params["after_d"] = date.fromisoformat(str(after[0]))
        params["after_id"] = int(after[1])
    sql = f"{ITEM_SQL} WHERE {where} ORDER BY w.opened_on DESC, w.id DESC LIMIT :limit"
    found = conn.execute(text(sql), params).all()
    rows = [_row(r) for r in found[:limit]]
    cursor: Cursor | None = None
    if len(found) > limit:
        last = found[limit - 1]
        cursor = (last.opened_on.isoformat(), last.id)
    return Page(rows=tuple(rows), next_cursor=cursor)


def unmatched_rows(conn: Connection, ids: Sequence[int]) -> tuple[UnmatchedRow, ...]:
    """The items with these ids still open (a live list re-reads what changed)."""
    sql = f"{ITEM_SQL} WHERE w.kind = 'unmatched' AND w.status = 'open' AND w.id = ANY(:ids)"
    return tuple(_row(r) for r in conn.execute(text(sql), {"ids": list(ids)}))


def _item(conn: Connection, work_item_id: int, lock: bool) -> Row[Any]:
    if lock:  # the item, then its payment: both stay locked until the transaction ends
        cp_id = conn.execute(
            text(
                "SELECT claim_payment_id FROM work_item WHERE id = :id AND kind = 'unmatched' "
                "FOR UPDATE"
            ),
            {"id": work_item_id},
        ).scalar()
        if cp_id is not None:
            conn.execute(
                text("SELECT id FROM claim_payment WHERE id = :id FOR UPDATE"), {"id": cp_id}
            )
    row = conn.execute(
        text(ITEM_SQL + " WHERE w.id = :id AND w.kind = 'unmatched'"), {"id": work_item_id}
    ).one_or_none()
    if row is None:
        raise MatchRefused(f"there is no unmatched item {work_item_id}")
    return row


def load_payment(conn: Connection, work_item_id: int) -> tuple[UnmatchedPayment, ClaimPay]:
    """One unmatched 835 payment and its CLP (refused for a 277CA item)."""
    r = _item(conn, work_item_id, lock=False)
    if r.cp_id is None:
        raise MatchRefused(
            "this is a 277CA acknowledgment for a claim we do not know: it "
            "carries no money to post; close it with x"
        )
    clp = claim_pay(conn, r)
    served = clp.statement_from or next(
        (s.service_date for s in clp.services if s.service_date), None
    )
    payment = UnmatchedPayment(
        _row(r),
        r.payer_id,
        served,
        clp.insured_id or clp.patient_id,
        tuple(s.code for s in clp.services),
    )
    return payment, clp


def candidates(
    conn: Connection, payment: UnmatchedPayment, words: str, limit: int = 30
) -> tuple[MatchCandidate, ...]:
    """Claims the payment may belong to: those the words match (claim number prefix, account
    number or last-name prefix), or with none, those with the same charge, date of service,
    last name or claim number. Same charge and date rank first, then name, then payer."""
    row = payment.row
    last = row.patient_name.partition(",")[0].strip().lower()
    params: dict[str, Any] = {
        "charge": row.charge,
        "dos": payment.service_from,
        "last": last,
        "payer": payment.payer_id,
        "pcn": row.patient_control_no,
        "limit": limit,
    }
    words = words.strip()
    if words:
        params["claim_prefix"] = like_prefix(words.upper())
        patients = patient_match_sql(QueueFilter(text=words), params, "c.patient_id")
        where = f"(upper(c.claim_no) LIKE :claim_prefix OR ({patients.removeprefix(' AND ')}))"
    else:
        where = (
            "(c.total_charge = :charge OR e.dos = :dos OR lower(p.last_name) = :last "
            "OR c.claim_no = :pcn)"
        )
    sql = f"""
        SELECT c.id, c.claim_no, c.status, c.total_charge, e.dos, {PATIENT_NAME} AS patient,
               p.account_no, py.name AS payer, c.payer_id = :payer AS same_payer,
               c.total_charge = :charge AS same_charge,
               coalesce(e.dos = :dos, false) AS same_dos,
               (CASE WHEN c.total_charge = :charge THEN 2 ELSE 0 END
                + CASE WHEN e.dos = :dos THEN 2 ELSE 0 END
                + CASE WHEN lower(p.last_name) = :last THEN 1 ELSE 0 END
                + CASE WHEN c.payer_id = :payer THEN 1 ELSE 0 END) AS score
        FROM claim c JOIN encounter e ON e.id = c.encounter_id
        JOIN patient p ON p.id = c.patient_id JOIN payer py ON py.id = c.payer_id
        WHERE {status_not_in(UNPOSTABLE, "c.status")} AND {where}
        ORDER BY score DESC, e.dos DESC, c.id DESC LIMIT :limit"""
    return tuple(
        MatchCandidate(
            r.id,
            r.claim_no,
            r.patient,
            r.account_no,
            r.payer,
            bool(r.same_payer),
            r.dos,
            Decimal(r.total_charge),
            r.status,
            bool(r.same_charge),
            bool(r.same_dos),
            int(r.score),
        )
        for r in conn.execute(text(sql), params)
    )


def _require_open(r: Row[Any]) -> None:
    if r.status != "open":
        raise MatchRefused(
            f"this item was already dealt with ({r.outcome or r.status}); nothing changed"
        )


def post_to_claim(
    conn: Connection,
    work_item_id: int,
    claim_id: int,
    actor: str,
    rules: RuleSet,
    *,
    allow_other_payer: bool,
) -> MatchOutcome:
    """Post the unmatched payment to `claim_id` in the caller's transaction, as a matched
    import would have, and close the item. Refuses (MatchRefused) and changes nothing when
    the item is closed, the claim is void, of another payer, or charged less than was paid."""
    r = _item(conn, work_item_id, lock=True)
    _require_open(r)
    if r.cp_id is None:
        raise MatchRefused("a 277CA acknowledgment carries no money to post; close it with x")
    if r.claim_id is not None or r.remit_status != "posted":
        raise MatchRefused(f"payment {r.trace_no} was undone or posted already; nothing changed")
    ctx = remit_lookup.claim_context(conn, claim_id)
    if ctx is None:
        raise MatchRefused(f"there is no claim {claim_id}")
    if ctx.status in UNPOSTABLE:
        raise MatchRefused(
            f"claim {ctx.claim_no} is {ctx.status}: post the payment to the "
            "claim that was sent to the payer"
        )
    if ctx.payer_id != r.payer_id and not allow_other_payer:
        billed = conn.execute(
            text("SELECT name FROM payer WHERE id = :id"), {"id": ctx.payer_id}
        ).scalar_one()
        raise MatchRefused(
            f"claim {ctx.claim_no} was billed to {billed}, but this payment is "
            f"from {r.payer}; post it only if you are sure (confirm the other "
            "payer)"
        )
    if r.paid > ctx.total_charge:
        raise MatchRefused(
            f"the payer paid {r.paid}, more than claim {ctx.claim_no}'s charge "
            f"of {ctx.total_charge}: it cannot belong to that claim"
        )
    clp = claim_pay(conn, r)
    params = {"cp": r.cp_id, "c": ctx.id}
    conn.execute(
        text("UPDATE claim_payment SET claim_id = :c WHERE id = :cp AND claim_id IS NULL"), params
    )
    _match_lines(conn, r.cp_id, ctx.id, clp)
    summary = remits.post_matched_claim(
        conn, ctx, clp, r.remittance_id, r.trace_no, r.paid_on, actor, rules
    )
    status = conn.execute(text("SELECT status FROM claim WHERE id = :c"), params).scalar_one()
    words = (
        f"835 {r.trace_no}: payment for {r.patient_control_no} (paid {r.paid}) posted "
        f"to this claim from the unmatched list"
    )
    conn.execute(
        text(
            "INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, detail) "
            "VALUES (:c, now(), :a, :old, :new, :d)"
        ),
        {"c": ctx.id, "a": actor, "old": ctx.status, "new": status, "d": words},
    )
    _close(conn, work_item_id, actor, f"posted to claim {ctx.claim_no}", ctx.id, ctx.patient_id)
    record_audit(
        conn,
        actor,
        "match",
        "claim_payment",
        r.cp_id,
        f"835 {r.trace_no}: posted to claim {ctx.claim_no}",
    )
    return MatchOutcome(
        work_item_id,
        ctx.claim_no,
        Decimal(r.paid),
        status,
        summary.denials,
        summary.reversals,
        tuple(summary.notes),
    )


def _close(
    conn: Connection,
    work_item_id: int,
    actor: str,
    outcome: str,
    claim_id: int | None = None,
    patient_id: int | None = None,
) -> None:
    conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, claim_id = coalesce(:c, claim_id), "
            "patient_id = coalesce(:p, patient_id), outcome = :o, "
            "detail = coalesce(detail || '; ', '') || :o WHERE id = :id"
        ),
        {"id": work_item_id, "o": f"{outcome} by {actor}", "c": claim_id, "p": patient_id},
    )


def close_not_ours(conn: Connection, work_item_id: int, actor: str, reason: str) -> None:
    """Close the item without moving money ("not ours", "returned to the payer")."""
    r = _item(conn, work_item_id, lock=True)
    _require_open(r)
    _close(conn, work_item_id, actor, f"closed, no money moved: {reason}")
    record_audit(conn, actor, "close", "work_item", work_item_id, f"not ours: {reason}")


def _match_lines(conn: Connection, cp_id: int, claim_id: int, clp: ClaimPay) -> None:
    """Link the payment's service rows (ids handed out last-first: 835 order is by id
    descending) to the claim's lines, as posting does."""
    services = (
        conn.execute(
            text(
                "SELECT id FROM service_payment WHERE claim_payment_id = :cp "
                "AND claim_line_id IS NULL ORDER BY id DESC"
            ),
            {"cp": cp_id},
        )
        .scalars()
        .all()
    )
    if len(services) != len(clp.services):
        return
    ours = conn.execute(
        text("SELECT id, code, amount FROM claim_line WHERE claim_id = :c ORDER BY line_no"),
        {"c": claim_id},
    ).all()
    matched = match_services(
        [(line.code, Decimal(line.amount)) for line in ours], service_keys(clp.services)
    )
    rows = [
        {"sp": sp, "l": ours[i].id}
        for sp, i in zip(services, matched, strict=True)
        if i is not None
    ]
    if rows:
        conn.execute(text("UPDATE service_payment SET claim_line_id = :l WHERE id = :sp"), rows)
