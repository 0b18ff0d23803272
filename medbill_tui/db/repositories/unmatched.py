"""The unmatched-remittance list: 835 claim payments (and 277CA acknowledgments) for claims we
could not find, the claims they may belong to, and posting one to the claim a biller chose.

An unmatched 835 CLP is kept as a `claim_payment` with no claim and a `work_item` of kind
'unmatched' whose detail names it ("[claim payment 123]"; items written before that are found
by trace number and patient control number). Posting sets the link once and writes the ledger
entries exactly as a matched import would (`remits.post_matched_claim`).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.db.repositories import remit_lookup, remits
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.queues import PATIENT_NAME, _like_prefix, patient_match_sql
from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.routing import RuleSet
from medbill_tui.edi.x835 import Adjustment, ClaimPay, Remit835, ServicePay, parse_835_all
from medbill_tui.records.queues import Cursor, Page, QueueFilter
from medbill_tui.records.unmatched import (
    MatchCandidate,
    MatchOutcome,
    UnmatchedPayment,
    UnmatchedRow,
)

log = logging.getLogger(__name__)


class MatchRefused(Exception):
    """The unmatched item cannot be posted or closed as asked; nothing changed."""


CLAIM_PAYMENT_ID_SQL = r"""coalesce(
    substring(w.detail from '\[claim payment (\d+)\]')::bigint,
    CASE WHEN w.detail LIKE '835 %' THEN
        (SELECT x.id FROM claim_payment x JOIN remittance xr ON xr.id = x.remittance_id
         WHERE x.claim_id IS NULL AND w.detail LIKE
               '835 ' || xr.trace_no || ': payment for unknown claim ' || x.patient_control_no
               || ' (%'
         ORDER BY x.id LIMIT 1) END)"""
"""The claim_payment an unmatched work item `w` stands for (NULL for a 277CA item)."""

_ITEM_SQL = f"""
    SELECT w.id, w.status, w.opened_on, w.amount, w.detail, {HOLDER_SQL} AS holder,
           cp.id AS cp_id, cp.claim_id,
           cp.patient_control_no, cp.status_code, cp.charge, cp.paid, r.id AS remittance_id,
           r.trace_no, r.payer_id, r.paid_on, r.status AS remit_status, py.name AS payer
    FROM work_item w
    LEFT JOIN claim_payment cp ON cp.id = {CLAIM_PAYMENT_ID_SQL}
    LEFT JOIN remittance r ON r.id = cp.remittance_id
    LEFT JOIN payer py ON py.id = r.payer_id"""

_ACK_PCN = re.compile(r"^277CA for unknown claim (\S+)")


def _name_in(detail: str, pcn: str) -> str:
    """The patient name the 835 sent, as the import wrote it into the item's detail."""
    head = f"payment for unknown claim {pcn} ("
    start = detail.find(head)
    if start < 0:
        return ""
    start += len(head)
    end = detail.find("), paid ", start)
    name = detail[start:end] if end > start else ""
    return "" if name == "no name" else name


def _row(r: Row[Any]) -> UnmatchedRow:
    detail = r.detail or ""
    if r.cp_id is None:
        found = _ACK_PCN.match(detail)
        return UnmatchedRow(
            r.id,
            "277CA",
            r.opened_on,
            "",
            "",
            found.group(1) if found else "",
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
        patient_name=_name_in(detail, r.patient_control_no),
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
    sql = f"{_ITEM_SQL} WHERE {where} ORDER BY w.opened_on DESC, w.id DESC LIMIT :limit"
    found = conn.execute(text(sql), params).all()
    rows = [_row(r) for r in found[:limit]]
    cursor: Cursor | None = None
    if len(found) > limit:
        last = found[limit - 1]
        cursor = (last.opened_on.isoformat(), last.id)
    return Page(rows=tuple(rows), next_cursor=cursor)


def _item(conn: Connection, work_item_id: int, lock: bool) -> Row[Any]:
    if lock:  # the item, then its payment: both stay locked until the transaction ends
        cp_id = conn.execute(
            text(
                f"SELECT {CLAIM_PAYMENT_ID_SQL} FROM work_item w WHERE w.id = :id "
                "AND w.kind = 'unmatched' FOR UPDATE"
            ),
            {"id": work_item_id},
        ).scalar()
        if cp_id is not None:
            conn.execute(
                text("SELECT id FROM claim_payment WHERE id = :id FOR UPDATE"), {"id": cp_id}
            )
    row = conn.execute(
        text(_ITEM_SQL + " WHERE w.id = :id AND w.kind = 'unmatched'"), {"id": work_item_id}
    ).one_or_none()
    if row is None:
        raise MatchRefused(f"there is no unmatched item {work_item_id}")
    return row


def _from_rows(conn: Connection, r: Row[Any]) -> ClaimPay:
    """The CLP rebuilt from the stored rows (when the file's bytes are not kept)."""
    params = {"cp": r.cp_id}
    adjustments = conn.execute(
        text(
            "SELECT service_payment_id AS sp, group_code, carc, amount FROM adjustment "
            "WHERE claim_payment_id = :cp ORDER BY id"
        ),
        params,
    ).all()
    services = conn.execute(  # posting hands service ids out last-first
        text(
            "SELECT id, code, charge, paid, units FROM service_payment "
            "WHERE claim_payment_id = :cp ORDER BY id DESC"
        ),
        params,
    ).all()
    remarks = (
        conn.execute(
            text("SELECT code FROM remark WHERE claim_payment_id = :cp ORDER BY id"), params
        )
        .scalars()
        .all()
    )
    pr = conn.execute(
        text("SELECT patient_responsibility, payer_claim_no FROM claim_payment WHERE id = :cp"),
        params,
    ).one()

    def adj(sp: int | None) -> tuple[Adjustment, ...]:
        return tuple(
            Adjustment(a.group_code, a.carc, Decimal(a.amount)) for a in adjustments if a.sp == sp
        )

    lines = tuple(
        ServicePay(
            code=s.code,
            qualifier="HC",
            modifiers=(),
            charge=Decimal(s.charge),
            paid=Decimal(s.paid),
            units=Decimal(s.units),
            service_date=None,
            service_end=None,
            adjustments=adj(s.id),
            remarks=(),
            allowed=None,
            line_control_no="",
        )
        for s in services
    )
    return ClaimPay(
        r.patient_control_no,
        r.status_code,
        Decimal(r.charge),
        Decimal(r.paid),
        Decimal(pr.patient_responsibility),
        "",
        pr.payer_claim_no or "",
        "",
        "",
        adj(None),
        lines,
        tuple(remarks),
        "",
        "",
        "",
        "",
        None,
        None,
        None,
    )


def as_interchange(raw: bytes) -> str:
    """A stored payment as a file the 835 reader takes: kept as it is when it is a whole file,
    wrapped in an ISA/GS envelope when only its ST..SE segments were kept."""
    text_ = raw.decode("utf-8", "replace")
    if text_.startswith("ISA") or len(text_) < 4:
        return text_
    element = text_[2]
    term = text_.split("\n", 1)[0].rstrip()[-1]
    component = ":"
    svc = text_.find(f"SVC{element}")
    if svc >= 0 and not text_[svc + 6 : svc + 7].isalnum():
        component = text_[svc + 6]  # SVC01 is a qualifier (HC, AD, ...) then the separator
    repetition = next(c for c in "^{!" if c not in (element, component, term))
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "MEDBILL".ljust(15),
        "ZZ",
        "MEDBILL".ljust(15),
        "000101",
        "0000",
        repetition,
        "00501",
        "000000001",
        "0",
        "P",
        component,
    ]
    gs = ["GS", "HP", "MEDBILL", "MEDBILL", "20000101", "0000", "1", "X", "005010X221A1"]
    tail = element.join(["GE", "1", "1"]) + term + element.join(["IEA", "1", "000000001"])
    return element.join(isa) + term + element.join(gs) + term + text_ + tail + term


def claim_pay(conn: Connection, r: Row[Any]) -> ClaimPay:
    """The CLP exactly as the payer sent it: re-read from the stored payment when it is kept
    (claim_payment ids follow the CLP order of their remittance), else rebuilt from rows."""
    raw = conn.execute(
        text("SELECT raw FROM remittance WHERE id = :id"), {"id": r.remittance_id}
    ).scalar()
    if raw is not None:
        index = int(
            conn.execute(
                text("SELECT count(*) FROM claim_payment WHERE remittance_id = :r AND id < :id"),
                {"r": r.remittance_id, "id": r.cp_id},
            ).scalar_one()
        )
        sets: tuple[Remit835, ...]
        try:
            sets = parse_835_all(as_interchange(bytes(raw)))
        except ValueError:
            log.warning("remittance %s: its stored payment does not parse", r.remittance_id)
            sets = ()
        for remit in sets:
            if remit.trace_no[:50] != r.trace_no or index >= len(remit.claims):
                continue
            found = remit.claims[index]
            if (found.pcn[:38], found.paid, found.charge) == (
                r.patient_control_no,
                r.paid,
                r.charge,
            ):
                return found
    return _from_rows(conn, r)


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
        params["claim_prefix"] = _like_prefix(words.upper())
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
        WHERE c.status NOT IN ('void', 'draft') AND {where}
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
        outcome = (r.detail or "").rpartition("; ")[2]
        raise MatchRefused(f"this item was already dealt with ({outcome}); nothing changed")


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
    if ctx.status in ("void", "draft"):
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
    conn.execute(
        text("""UPDATE service_payment sp SET claim_line_id =
                    (SELECT cl.id FROM claim_line cl WHERE cl.claim_id = :c AND cl.code = sp.code
                     ORDER BY cl.line_no LIMIT 1)
                WHERE sp.claim_payment_id = :cp AND sp.claim_line_id IS NULL"""),
        params,
    )
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
            "patient_id = coalesce(:p, patient_id), "
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
