"""The rejections queue: claims a 999 or 277CA turned back, each an open `rejection` item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.aging import age_in_days
from medbill_tui.records.queues import Cursor, RejectionRow

PREFIXES = ("999 rejected the file: ", "277CA rejected it ")
"""How acks.py starts a rejection's detail; the queue shows the words after it."""


def reason_words(detail: str | None) -> str:
    """'277CA A7:164 Entity's contract/member number…' from the work item's detail text."""
    words = (detail or "").strip()
    if words.startswith(PREFIXES[0]):
        return "999: " + words.removeprefix(PREFIXES[0])
    if words.startswith(PREFIXES[1]):
        rest = words.removeprefix(PREFIXES[1])  # "(A7:164): words"
        code, _, said = rest.partition("): ")
        return f"277CA {code.lstrip('(')} {said}".strip()
    return words or "rejected (no reason given)"


def rejections_page(
    conn: Connection,
    today: date,
    filt_sql: str,
    params: dict[str, Any],
    after: Cursor | None,
) -> tuple[list[RejectionRow], list[Cursor]]:
    """Open rejections, oldest first; `filt_sql` narrows by patient/payer (aliases p, c)."""
    where = "w.kind = 'rejection' AND w.status = 'open'" + filt_sql
    if after is not None:
        where += " AND (w.opened_on, w.id) > (:after_d, :after_id)"
        params["after_d"] = date.fromisoformat(str(after[0]))
        params["after_id"] = int(after[1])
    result = conn.execute(
        text(f"""SELECT w.id, w.claim_id, c.claim_no, p.account_no,
                        p.last_name || ', ' || p.first_name AS patient, py.name AS payer,
                        w.opened_on, w.detail, w.amount,
                        c.encounter_id, c.status, c.version, {HOLDER_SQL} AS holder
                 FROM work_item w
                 JOIN claim c ON c.id = w.claim_id
                 JOIN patient p ON p.id = c.patient_id
                 JOIN payer py ON py.id = c.payer_id
                 WHERE {where}
                 ORDER BY w.opened_on, w.id
                 LIMIT :limit"""),
        params,
    ).all()
    rows = [
        RejectionRow(
            work_item_id=r.id,
            claim_id=r.claim_id,
            claim_no=r.claim_no,
            patient_name=r.patient,
            account_no=r.account_no,
            payer_name=r.payer,
            rejected_on=r.opened_on,
            reason=reason_words(r.detail),
            days=age_in_days(r.opened_on, today),
            amount=Decimal(r.amount),
            encounter_id=r.encounter_id,
            status=r.status,
            version=r.version,
            holder=r.holder,
        )
        for r in result
    ]
    return rows, [(r.opened_on.isoformat(), r.id) for r in result]
