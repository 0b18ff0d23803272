"""Read-only: a claim's last 837P file with its segment range, and the acks about it."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.edi.segments import X12SyntaxError, clean_text, iter_segments
from medbill_tui.records.claims import AckLine, ClaimEdi


def claim_edi(conn: Connection, claim_id: int) -> ClaimEdi:
    claim_no = conn.execute(
        text("SELECT claim_no FROM claim WHERE id = :c"), {"c": claim_id}
    ).scalar_one_or_none()
    if claim_no is None:
        raise RecordNotFound(f"claim {claim_id} does not exist")
    sub = conn.execute(
        text("""SELECT s.first_segment, s.last_segment, s.submitted_at, f.file_name, f.content
                FROM submission s JOIN edi_file f ON f.id = s.edi_file_id
                WHERE s.claim_id = :c ORDER BY s.submitted_at DESC, s.id DESC LIMIT 1"""),
        {"c": claim_id},
    ).one_or_none()
    segments: list[tuple[int, str]] = []
    if sub is not None:
        try:
            segments = [
                (seg.number, "*".join(seg.elements))
                for seg in iter_segments(clean_text(bytes(sub.content)))
            ]
        except X12SyntaxError as exc:
            segments = [(0, f"(the file cannot be read: {exc})")]
    acks = conn.execute(
        text("""SELECT a.kind, a.status, a.code, a.words, f.file_name, a.created_at
                FROM acknowledgment a JOIN edi_file f ON f.id = a.edi_file_id
                WHERE a.claim_id = :c
                   OR a.submission_id IN (SELECT id FROM submission WHERE claim_id = :c)
                ORDER BY a.created_at, a.id"""),
        {"c": claim_id},
    ).all()
    return ClaimEdi(
        claim_id=claim_id,
        claim_no=str(claim_no),
        file_name=None if sub is None else sub.file_name,
        submitted_at=None if sub is None else sub.submitted_at,
        first_segment=0 if sub is None else sub.first_segment,
        last_segment=0 if sub is None else sub.last_segment,
        segments=tuple(segments),
        acks=tuple(
            AckLine(a.kind, a.status, a.code, a.words, a.file_name, a.created_at) for a in acks
        ),
    )
