"""TA1 interchange acknowledgments: a rejected interchange rejects every claim sent in it."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.acks import (
    AckCounts,
    RejectionFacts,
    UnknownBatch,
    move_waiting,
    open_rejection,
    record_ack,
)
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.edi.ta1 import Ta1

_SENT = frozenset({ClaimStatus.SUBMITTED})
"""The claims a TA1 answers: sent and not yet answered by anything."""


def apply_ta1(conn: Connection, ta1: Ta1, file_id: int, actor: str, today: object) -> AckCounts:
    """Tie the TA1 to the 837P we sent under its ISA13 (TA101); on TA104 R reject every claim
    of it and open its rejection work item; A and E are recorded and move nothing (the 999
    says what became of each claim)."""
    batch = conn.execute(
        text(
            "SELECT id, file_name FROM edi_file WHERE direction = 'out' AND kind = '837P' "
            "AND ltrim(isa13, '0') = ltrim(:isa, '0')"
        ),
        {"isa": ta1.interchange_control},
    ).one_or_none()
    if batch is None:
        raise UnknownBatch(
            f"this TA1 answers interchange {ta1.interchange_control}, which medbill never sent"
        )
    subs = conn.execute(
        text("SELECT id, claim_id FROM submission WHERE edi_file_id = :f ORDER BY id"),
        {"f": batch.id},
    ).all()
    counts = AckCounts()
    words = ta1.reason
    status = "rejected" if ta1.rejected else "accepted"
    for sub in subs:
        record_ack(
            conn, file_id, "TA1", sub.id, sub.claim_id, status, f"TA1 {ta1.status}", words, None
        )
    if not ta1.rejected:
        counts.unchanged += len(subs)
        counts.notes.append(f"{words}; the claims of {batch.file_name} wait for the 999")
        return counts
    facts = RejectionFacts("TA1", words, error_segment="ISA", error_code=ta1.note_code[-3:] or None)
    for sub in subs:
        counts.rejected += 1
        if move_waiting(conn, sub.claim_id, _SENT, ClaimStatus.REJECTED_999, actor, words):
            open_rejection(
                conn,
                sub.claim_id,
                f"the clearinghouse rejected {batch.file_name}: {words}",
                facts,
                today,
            )
        else:
            counts.unchanged += 1
    return counts
