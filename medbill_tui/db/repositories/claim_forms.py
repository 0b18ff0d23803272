"""Claims as CMS-1500 forms: the same 837P records, found by claim number, and the audit of
each print."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audits
from medbill_tui.db.repositories.submissions import billing_provider, ready_claims
from medbill_tui.edi.x837p import BillingProvider, ClaimOut


def claims_by_number(
    conn: Connection, claim_nos: Sequence[str]
) -> tuple[dict[str, tuple[int, ClaimOut]], BillingProvider | None]:
    """Each named claim's id and 837P record (any status), and the billing provider (None
    when no practice is set up)."""
    ids = {
        str(r.claim_no): int(r.id)
        for r in conn.execute(
            text("SELECT id, claim_no FROM claim WHERE claim_no = ANY(:nos)"),
            {"nos": list(claim_nos)},
        )
    }
    records = {r.claim_id: r.out for r in ready_claims(conn, list(ids.values()), 0)}
    has_practice = conn.execute(text("SELECT EXISTS (SELECT 1 FROM practice)")).scalar_one()
    provider = billing_provider(conn) if has_practice else None
    return {no: (i, records[i]) for no, i in ids.items()}, provider


def record_prints(conn: Connection, actor: str, printed: Sequence[tuple[int, str]]) -> None:
    """One audit row per claim printed (`printed`: claim id, words)."""
    record_audits(conn, actor, "print-cms1500", "claim", [(i, w) for i, w in printed])
