"""Claims as CMS-1500 forms: the same 837P records, found by claim number, the audit of each
print, and the claims sent on paper."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audits
from medbill_tui.db.repositories.submissions import ReadyClaim, billing_provider, ready_claims
from medbill_tui.domain.claim_state import ClaimStatus
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


def record_paper_submission(
    conn: Connection, claims: Sequence[ReadyClaim], file_name: str, actor: str, today: date
) -> None:
    """The claims printed for mailing are submitted ("paper" in their history) and each print
    audited."""
    claim_status.move(  # locked as ready by lock_ready_claims: all of them move
        conn,
        [c.claim_id for c in claims],
        ClaimStatus.SUBMITTED,
        actor,
        f"sent on paper: CMS-1500 in {file_name}",
        expected_from={ClaimStatus.READY},
        columns={"submitted_on": today},
    )
    record_prints(conn, actor, [(c.claim_id, f"CMS-1500 in {file_name}") for c in claims])


def store_paper_file(
    conn: Connection, file_name: str, pdf: bytes, claims: Sequence[ReadyClaim], actor: str
) -> int:
    """Keep the batch's PDF like an 837P (`edi_file`, kind 'paper', not yet written): a crash
    between the commit and its rename into the outbox is repaired from these bytes."""
    total = sum((c.out.total for c in claims), Decimal("0.00"))
    return int(
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, claim_count, total, created_by)
                    VALUES ('out', 'paper', :name, :sha, :content, '', '', '', '', :n,
                            :total, :actor) RETURNING id"""),
            {
                "name": file_name,
                "sha": hashlib.sha256(pdf).hexdigest(),
                "content": pdf,
                "n": len(claims),
                "total": total,
                "actor": actor,
            },
        ).scalar_one()
    )
