"""Working a denial: write off, transfer to the patient, note and follow up, appeal, resubmit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.repositories import claim_chain, claim_status
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.domain.claim_chain import ChainAction
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.domain.posting import patient_billing_refusal
from medbill_tui.edi.codelists import carc_words, rarc_words
from medbill_tui.records.detail import DenialDetail


class DenialRefused(Exception):
    """The action does not fit the work item or claim as they are now (message in words)."""


@dataclass(frozen=True, slots=True)
class DenialContext:
    work_item_id: int
    claim_id: int
    claim_no: str
    patient_id: int
    encounter_id: int
    dos: date
    responsibility: str
    open_balance: Decimal
    amount: Decimal
    group_code: str
    carc: str
    payer_name: str
    payer_claim_no: str | None
    patient_name: str
    status: str
    member_id: str = ""
    patient_dob: date | None = None
    appeal_days: int = 180
    denied_on: date | None = None


def load_denial(conn: Connection, work_item_id: int, *, lock: bool = True) -> DenialContext:
    row = conn.execute(
        text(f"""SELECT w.id, w.claim_id, c.claim_no, c.patient_id, c.encounter_id, e.dos,
                        CASE cv.priority WHEN 1 THEN 'primary' WHEN 2 THEN 'secondary'
                             ELSE 'tertiary' END AS resp,
                        w.amount, coalesce(w.group_code, '') AS group_code,
                        coalesce(w.carc, '') AS carc, py.name AS payer, c.payer_claim_no,
                        p.last_name || ', ' || p.first_name AS patient, w.status,
                        cv.member_id, p.dob, py.appeal_days, w.opened_on
                 FROM work_item w JOIN claim c ON c.id = w.claim_id
                 JOIN encounter e ON e.id = c.encounter_id
                 JOIN coverage cv ON cv.id = c.coverage_id JOIN payer py ON py.id = c.payer_id
                 JOIN patient p ON p.id = c.patient_id
                 WHERE w.id = :id AND w.kind = 'denial'
                 {"FOR UPDATE OF w" if lock else ""}"""),
        {"id": work_item_id},
    ).one_or_none()
    if row is None:
        raise DenialRefused(f"denial {work_item_id} does not exist")
    balance = conn.execute(
        text(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entry "
            "WHERE claim_id = :c AND responsibility = :r"
        ),
        {"c": row.claim_id, "r": row.resp},
    ).scalar_one()
    return DenialContext(
        row.id,
        row.claim_id,
        row.claim_no,
        row.patient_id,
        row.encounter_id,
        row.dos,
        row.resp,
        Decimal(balance),
        Decimal(row.amount),
        row.group_code,
        row.carc,
        row.payer,
        row.payer_claim_no,
        row.patient,
        row.status,
        row.member_id or "",
        row.dob,
        int(row.appeal_days),
        row.opened_on,
    )


def _require_open(ctx: DenialContext) -> None:
    if ctx.status != "open":
        raise DenialRefused(f"this denial is already {ctx.status}")


def _entry(
    conn: Connection,
    ctx: DenialContext,
    kind: str,
    resp: str,
    amount: Decimal,
    actor: str,
    memo: str,
) -> None:
    conn.execute(
        text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                    amount, service_date, posted_by, memo)
                VALUES (:p, :e, :c, :k, :r, :amt, :d, :a, :m)"""),
        {
            "p": ctx.patient_id,
            "e": ctx.encounter_id,
            "c": ctx.claim_id,
            "k": kind,
            "r": resp,
            "amt": amount,
            "d": ctx.dos,
            "a": actor,
            "m": memo[:500],
        },
    )


def note(
    conn: Connection, ctx: DenialContext, actor: str, body: str, follow_up_on: date | None
) -> None:
    write_note(conn, "claim", ctx.claim_id, actor, body)
    record_audit(conn, actor, "note", "claim", ctx.claim_id, None)  # the note itself may hold PHI
    if follow_up_on is not None:
        conn.execute(
            text("UPDATE work_item SET due_on = :d, follow_up_on = :d WHERE id = :id"),
            {"d": follow_up_on, "id": ctx.work_item_id},
        )


def close(conn: Connection, ctx: DenialContext, actor: str, outcome: str) -> None:
    conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, outcome = :outcome, "
            "detail = coalesce(detail || '; ', '') || :o WHERE id = :id"
        ),
        {"id": ctx.work_item_id, "o": f"{outcome} by {actor}", "outcome": outcome[:500]},
    )
    record_audit(conn, actor, "work", "work_item", ctx.work_item_id, outcome)


def write_off(
    conn: Connection, ctx: DenialContext, actor: str, reason: str, limit: Decimal, may_exceed: bool
) -> Decimal:
    """Write off what the payer still owes on the claim (at most the denied amount)."""
    _require_open(ctx)
    amount = min(ctx.amount, ctx.open_balance)
    if amount <= 0:
        raise DenialRefused("nothing is owed by the payer on this claim any more")
    if amount > limit and not may_exceed:
        raise DenialRefused(
            f"writing off {amount} is above the {limit} limit: a supervisor must do it"
        )
    _entry(
        conn,
        ctx,
        "writeoff",
        ctx.responsibility,
        -amount,
        actor,
        f"write-off {ctx.group_code}-{ctx.carc}: {reason}",
    )
    close(conn, ctx, actor, f"written off {amount}: {reason}")
    close_if_settled(conn, ctx.claim_id, actor, f"balance written off: {reason}")
    return amount


def close_if_settled(conn: Connection, claim_id: int, actor: str, why: str) -> bool:
    """Close the claim when nothing is owed on it by anyone any more (a status that says the
    money is settled, instead of 'partly paid' with a zero balance); False when it stays."""
    owed = conn.execute(
        text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE claim_id = :c"),
        {"c": claim_id},
    ).scalar_one()
    if owed != 0:
        return False
    moved = claim_status.move(conn, [claim_id], ClaimStatus.CLOSED, actor, why, skip_illegal=True)
    return bool(moved)


def transfer_to_patient(
    conn: Connection, ctx: DenialContext, actor: str, override: str | None = None
) -> Decimal:
    """Move the denied amount to the patient. A contractual (CO) amount is refused unless
    `override` carries a supervisor's note (the caller checks the role)."""
    _require_open(ctx)
    amount = min(ctx.amount, ctx.open_balance)
    if amount <= 0:
        raise DenialRefused("nothing is owed by the payer on this claim any more")
    refusal = patient_billing_refusal(ctx.group_code, ctx.carc)
    if refusal and not (override and override.strip()):
        raise DenialRefused(refusal)
    memo = f"denied {ctx.group_code}-{ctx.carc}: moved to the patient"
    if refusal and override:
        memo += " (contractual: supervisor override, see the claim's notes)"
        words = f"Contractual {ctx.group_code}-{ctx.carc} amount {amount} moved to the patient"
        note(conn, ctx, actor, f"{words} by supervisor override: {override.strip()}", None)
        record_audit(conn, actor, "override", "claim", ctx.claim_id, words)
    _entry(conn, ctx, "transfer", ctx.responsibility, -amount, actor, memo)
    _entry(conn, ctx, "transfer", "patient", amount, actor, memo)
    close(conn, ctx, actor, f"transferred {amount} to the patient")
    return amount


def resubmit(conn: Connection, ctx: DenialContext, actor: str, today: date) -> str:
    """A corrected claim from the encounter's current charges (`claim_chain.replace_claim`):
    a replacement (frequency 7, REF*F8) when the payer has a claim number for the original,
    else a fresh original. Every open item of the claim closes with it; a claim already
    replaced is refused naming its replacement."""
    try:
        claim_chain.lock_unreplaced(conn, ctx.claim_id)
        _require_open(ctx)
        made = claim_chain.replace_claim(conn, ctx.claim_id, ChainAction.CORRECT, actor, today)
    except claim_chain.ChainRefused as exc:
        raise DenialRefused(str(exc)) from None
    return made.claim_no


def denial_detail(conn: Connection, work_item_id: int, today: date) -> DenialDetail:
    """The denial as the denial screen shows it (no lock); its appeal is due the payer's
    appeal days after the denial."""
    row = conn.execute(
        text("""SELECT w.id, w.claim_id, c.claim_no, p.last_name || ', ' || p.first_name AS patient,
                       py.name AS payer, e.dos, coalesce(w.group_code, '') AS group_code,
                       coalesce(w.carc, '') AS carc, coalesce(w.rarc, '') AS rarc, w.amount,
                       w.opened_on, w.due_on, w.status, w.owner, w.detail, w.category,
                       w.action, ca.description AS carc_text, ra.description AS rarc_text,
                       py.appeal_days
                FROM work_item w JOIN claim c ON c.id = w.claim_id
                JOIN encounter e ON e.id = c.encounter_id
                JOIN payer py ON py.id = c.payer_id JOIN patient p ON p.id = c.patient_id
                LEFT JOIN carc ca ON ca.code = w.carc LEFT JOIN rarc ra ON ra.code = w.rarc
                WHERE w.id = :id AND w.kind = 'denial'"""),
        {"id": work_item_id},
    ).one_or_none()
    if row is None:
        raise DenialRefused(f"denial {work_item_id} does not exist")
    return DenialDetail(
        work_item_id=row.id,
        claim_id=row.claim_id,
        claim_no=row.claim_no,
        patient_name=row.patient,
        payer_name=row.payer,
        dos=row.dos,
        group_code=row.group_code,
        carc=row.carc,
        rarc=row.rarc,
        amount=Decimal(row.amount),
        denied_on=row.opened_on,
        days_since=max((today - row.opened_on).days, 0),
        appeal_due=row.opened_on + timedelta(days=row.appeal_days),
        follow_up_on=row.due_on,
        status=row.status,
        owner=row.owner,
        detail=row.detail,
        carc_text=carc_words(row.carc, row.carc_text),
        rarc_text=rarc_words(row.rarc, row.rarc_text) if row.rarc else "",
        category=row.category,
        action=row.action,
    )


def next_open_denial(conn: Connection, ctx_id: int) -> int | None:
    """The open denial after `ctx_id` in queue order (opened_on, id), else None."""
    found = conn.execute(
        text("""SELECT w.id FROM work_item w, work_item me
                WHERE me.id = :id AND w.kind = 'denial' AND w.status = 'open'
                  AND (w.opened_on, w.id) > (me.opened_on, me.id)
                ORDER BY w.opened_on, w.id LIMIT 1"""),
        {"id": ctx_id},
    ).scalar_one_or_none()
    return None if found is None else int(found)
