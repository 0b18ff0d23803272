"""Posting an undone 835 payment again (supervisor): the payer's same claim payments, new
ledger entries, under the same remittance (payer and TRN02 stay unique)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.plb_take_backs import repost_take_backs
from medbill_tui.db.repositories.remit_lookup import claim_context
from medbill_tui.db.repositories.remits import PostingRefused, PostingSummary, post_matched_claim
from medbill_tui.db.repositories.stored_clp import claim_pay
from medbill_tui.domain.posting import ZERO
from medbill_tui.domain.routing import RuleSet


def repost_remittance(
    conn: Connection, remittance_id: int, actor: str, rules: RuleSet
) -> PostingSummary:
    """Post every matched claim payment of an undone remittance again, exactly as the first
    posting did (reversals CLP02 = 22 first); the remittance is posted again."""
    row = conn.execute(
        text("SELECT trace_no, status, paid_on FROM remittance WHERE id = :id FOR UPDATE"),
        {"id": remittance_id},
    ).one_or_none()
    if row is None:
        raise PostingRefused(f"remittance {remittance_id} does not exist")
    if row.status == "posted":
        raise PostingRefused(f"payment {row.trace_no} is already posted; undo it first")
    keyed = conn.execute(  # `balances pay`: no 835 to post again from
        text("""SELECT 1 FROM ledger_entry le JOIN encounter e ON e.id = le.encounter_id
                WHERE le.remittance_id = :id AND e.status = 'opening' LIMIT 1"""),
        {"id": remittance_id},
    ).first()
    if keyed is not None:
        raise PostingRefused(
            f"payment {row.trace_no} was keyed against opening balances; key it again with "
            "`medbill balances pay` (a new check number)"
        )
    payments = conn.execute(
        text("""SELECT cp.id AS cp_id, cp.claim_id, cp.patient_control_no, cp.status_code,
                       cp.charge, cp.paid, cp.remittance_id, r.trace_no
                FROM claim_payment cp JOIN remittance r ON r.id = cp.remittance_id
                WHERE cp.remittance_id = :id AND cp.claim_id IS NOT NULL
                ORDER BY cp.status_code <> '22', cp.id"""),
        {"id": remittance_id},
    ).all()
    conn.execute(
        text("UPDATE remittance SET status = 'posted' WHERE id = :id"), {"id": remittance_id}
    )
    summary = PostingSummary(row.trace_no, "", ZERO, remittance_id=remittance_id)
    for payment in payments:
        ctx = claim_context(conn, payment.claim_id)
        part = post_matched_claim(
            conn,
            ctx,
            claim_pay(conn, payment),
            remittance_id,
            row.trace_no,
            row.paid_on,
            actor,
            rules,
        )
        summary.matched += part.matched
        summary.paid += part.paid
        summary.denials += part.denials
        summary.reversals += part.reversals
        summary.notes += part.notes
    repost_take_backs(conn, remittance_id, actor)
    record_audit(
        conn,
        actor,
        "repost",
        "remittance",
        remittance_id,
        f"835 {row.trace_no}: posted again, {summary.matched} claims",
    )
    return summary
