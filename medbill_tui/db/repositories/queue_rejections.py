"""The rejections queue: claims a 999 or 277CA turned back, each an open `rejection` item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.work import HOLDER_SQL
from medbill_tui.domain.aging import age_in_days
from medbill_tui.records.queues import Cursor, RejectionRow


def reason_words(
    source: str | None,
    reason: str | None,
    stc_category: str | None = None,
    stc_status: str | None = None,
    stc_entity: str | None = None,
) -> str:
    """'277CA A7:164 Entity's contract/member number…' or '999: NM1 segment …', from the
    rejection's columns (source, the acknowledgment's words, the 277CA STC codes)."""
    words = (reason or "").strip()
    if source == "999":
        return f"999: {words}"
    if source == "277CA":
        code = ":".join(c for c in (stc_category or "", stc_status or "", stc_entity or "") if c)
        return f"277CA {code} {words}".strip()
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
                        w.opened_on, w.source, w.reason, w.stc_category,
                        w.stc_status, w.stc_entity, w.amount,
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
            reason=reason_words(r.source, r.reason, r.stc_category, r.stc_status, r.stc_entity),
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
