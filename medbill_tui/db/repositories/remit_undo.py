"""Undoing a posted 835 payment (supervisor): every ledger entry it made is reversed, its open
denials are voided, and secondary claims it created and not yet sent are voided."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.remits import LIVE, PostingRefused, live
from medbill_tui.db.repositories.secondary import sync_secondary_claims


def undo_remittance(
    conn: Connection,
    remittance_id: int,
    actor: str,
    reason: str,
    notes: list[str] | None = None,
    today: date | None = None,
) -> int:
    """Reverse every ledger entry a posted remittance made; returns how many were reversed.
    Secondary claims it created and not yet sent are voided (said in `notes`)."""
    row = conn.execute(
        text("SELECT status, trace_no FROM remittance WHERE id = :id FOR UPDATE"),
        {"id": remittance_id},
    ).one_or_none()
    if row is None:
        raise PostingRefused(f"remittance {remittance_id} does not exist")
    if row.status != "posted":
        raise PostingRefused(f"payment {row.trace_no} is already undone")
    later = conn.execute(
        text(f"""SELECT r.trace_no FROM ledger_entry le JOIN ledger_entry y ON y.reverses_id = le.id
                 JOIN remittance r ON r.id = y.remittance_id AND r.id <> le.remittance_id
                 WHERE le.remittance_id = :id AND {live("y")} LIMIT 1"""),
        {"id": remittance_id},
    ).scalar()
    if later is not None:
        raise PostingRefused(
            f"payment {later} reversed claims of payment {row.trace_no}: undo {later} first"
        )
    reversed_count = conn.execute(
        text(f"""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, remittance_id, kind,
                    responsibility, amount, service_date, posted_by, reverses_id, memo)
                SELECT le.patient_id, le.encounter_id, le.claim_id, le.remittance_id, 'reversal',
                       le.responsibility, -le.amount, le.service_date, :a, le.id,
                       'undo: ' || :why
                FROM ledger_entry le WHERE le.remittance_id = :id AND {LIVE}
                  AND NOT EXISTS (SELECT 1 FROM ledger_entry o WHERE o.id = le.reverses_id
                                  AND o.remittance_id = le.remittance_id)"""),
        {"a": actor, "id": remittance_id, "why": reason[:200]},
    ).rowcount
    conn.execute(
        text("UPDATE remittance SET status = 'reversed' WHERE id = :id"), {"id": remittance_id}
    )
    conn.execute(
        text(
            "UPDATE work_item SET status = 'void', closed_at = now(), owner = NULL, "
            "lease_until = NULL WHERE kind = 'denial' "
            "AND status = 'open' AND detail LIKE :d"
        ),
        {"d": f"835 {row.trace_no}%"},
    )
    done = sync_secondary_claims(
        conn, remittance_id, row.trace_no, actor, today or date.today(), undo=True
    )
    if notes is not None:
        notes += done
    record_audit(conn, actor, "undo", "remittance", remittance_id, "; ".join([reason, *done]))
    return int(reversed_count)
