"""Recording inbound files and tying 999 / 277CA acknowledgments to our batches and claims."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import Connection, text

from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.edi.x277ca import Ack277CA, ClaimAck
from medbill_tui.edi.x999 import Ack999, AckSet

S = ClaimStatus
_SENT = frozenset({S.SUBMITTED})
"""The claims a 999 answers: sent and not yet answered."""
_NOT_ACKNOWLEDGED = frozenset({S.SUBMITTED, S.ACCEPTED_999})
"""The claims a 277CA answers: sent, perhaps accepted by a 999, not yet acknowledged."""


class UnknownBatch(LookupError):
    """The acknowledgment refers to a batch we never sent."""


@dataclass(frozen=True, slots=True)
class PriorImport:
    file_name: str
    by: str
    at: datetime


@dataclass
class AckCounts:
    """What one acknowledgment file did."""

    accepted: int = 0
    rejected: int = 0
    unmatched: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def prior_import(conn: Connection, sha256: str) -> PriorImport | None:
    row = conn.execute(
        text(
            "SELECT file_name, created_by, created_at FROM edi_file "
            "WHERE direction = 'in' AND sha256 = :s"
        ),
        {"s": sha256},
    ).one_or_none()
    return None if row is None else PriorImport(row.file_name, row.created_by, row.created_at)


def record_inbound(
    conn: Connection,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    content: bytes,
    isa13: str,
    gs06: str,
    sender: str,
    receiver: str,
    warnings: str | None,
    actor: str,
) -> int:
    file_id = conn.execute(
        text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13, gs06,
                    sender_id, receiver_id, warnings, created_by)
                VALUES ('in', :kind, :name, :sha, :content, :isa, :gs, :sender, :receiver,
                        :warnings, :actor) RETURNING id"""),
        {
            "kind": kind,
            "name": file_name[:255],
            "sha": sha256,
            "content": content,
            "isa": isa13[:9],
            "gs": gs06[:9],
            "sender": sender[:15],
            "receiver": receiver[:15],
            "warnings": warnings,
            "actor": actor,
        },
    ).scalar_one()
    record_audit(conn, actor, "import", "edi_file", file_id, f"{kind} {file_name}")
    return int(file_id)


def move_waiting(
    conn: Connection,
    claim_id: int,
    waiting: frozenset[ClaimStatus],
    to: ClaimStatus,
    actor: str,
    detail: str,
) -> bool:
    """Move a claim still `waiting` for this answer; one in any other state (answered already,
    paid, resent) is left as it is: an acknowledgment only applies to the claim it answers."""
    moved = claim_status.move(
        conn, [claim_id], to, actor, detail[:2000], expected_from=waiting, skip_illegal=True
    )
    return bool(moved)


def record_ack(
    conn: Connection,
    file_id: int,
    kind: str,
    submission_id: int | None,
    claim_id: int | None,
    status: str,
    code: str,
    words: str,
    segments: str | None,
) -> None:
    conn.execute(
        text("""INSERT INTO acknowledgment (edi_file_id, kind, submission_id, claim_id, status,
                    code, words, segments)
                VALUES (:f, :k, :s, :c, :st, :code, :w, :seg)"""),
        {
            "f": file_id,
            "k": kind,
            "s": submission_id,
            "c": claim_id,
            "st": status,
            "code": code[:30],
            "w": words,
            "seg": segments,
        },
    )


@dataclass(frozen=True, slots=True)
class RejectionFacts:
    """What a 999 or 277CA said about a rejected claim, kept as the work item's columns."""

    source: str
    reason: str
    stc_category: str | None = None
    stc_status: str | None = None
    stc_entity: str | None = None
    error_segment: str | None = None
    error_element: int | None = None
    error_code: str | None = None

    @classmethod
    def of_999(cls, tset: AckSet) -> RejectionFacts:
        first = tset.errors[0] if tset.errors else None
        if first is None:
            return cls("999", _set_words(tset))
        return cls(
            "999",
            _set_words(tset),
            error_segment=first.segment_id[:3] or None,
            error_element=first.element_position,
            error_code=(first.element_code or first.segment_code)[:3] or None,
        )

    @classmethod
    def of_277ca(cls, claim: ClaimAck) -> RejectionFacts:
        return cls(
            "277CA",
            claim.words,
            stc_category=claim.status_category[:30],
            stc_status=claim.status_code[:30],
            stc_entity=claim.entity[:3] or None,
        )


def open_rejection(
    conn: Connection, claim_id: int, detail: str, facts: RejectionFacts, today: object
) -> None:
    conn.execute(
        text("""INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, due_on,
                    detail, source, reason, stc_category, stc_status, stc_entity,
                    error_segment, error_element, error_code)
                SELECT 'rejection', c.id, c.patient_id, c.total_charge, :today,
                       CAST(:today AS date) + 7, :d, :source, :reason, :stc_category,
                       :stc_status, :stc_entity, :error_segment, :error_element, :error_code
                FROM claim c WHERE c.id = :id"""),
        {"id": claim_id, "today": today, "d": detail[:4000], **asdict(facts)},
    )


def apply_999(conn: Connection, ack: Ack999, file_id: int, actor: str, today: object) -> AckCounts:
    """Tie each acknowledged set to its submissions by GS06/ST02 and move the claims on."""
    counts = AckCounts()
    batch = conn.execute(
        text(
            "SELECT id, file_name FROM edi_file WHERE direction = 'out' AND kind = '837P' "
            "AND gs06 = :gs"
        ),
        {"gs": ack.group_control.lstrip("0") or "0"},
    ).one_or_none()
    if batch is None:
        raise UnknownBatch(
            f"this 999 acknowledges group {ack.group_control}, which medbill never sent"
        )
    for tset in ack.sets:
        subs = conn.execute(
            text(
                "SELECT id, claim_id FROM submission WHERE edi_file_id = :f AND "
                "ltrim(st02, '0') = ltrim(:st, '0')"
            ),
            {"f": batch.id, "st": tset.control},
        ).all()
        if not subs:
            counts.notes.append(f"set {tset.control} is not in {batch.file_name}")
            continue
        accepted = tset.status in ("A", "E")
        detail = _set_words(tset)
        for sub in subs:
            status = "accepted" if accepted else "rejected"
            record_ack(
                conn,
                file_id,
                "999",
                sub.id,
                sub.claim_id,
                status,
                f"IK5 {tset.status}",
                detail,
                _segments(tset),
            )
            if accepted:
                moved = move_waiting(
                    conn, sub.claim_id, _SENT, S.ACCEPTED_999, actor, "999: file accepted"
                )
                counts.accepted += 1
            else:
                moved = move_waiting(
                    conn, sub.claim_id, _SENT, S.REJECTED_999, actor, f"999: {detail}"
                )
                if moved:
                    open_rejection(
                        conn,
                        sub.claim_id,
                        f"999 rejected the file: {detail}",
                        RejectionFacts.of_999(tset),
                        today,
                    )
                counts.rejected += 1
            if not moved:
                counts.unchanged += 1
    if ack.rejects_group:
        named = [t.control.lstrip("0") or "0" for t in ack.sets]
        _reject_group(conn, ack, batch.id, named, file_id, actor, today, counts)
    return counts


def _reject_group(
    conn: Connection,
    ack: Ack999,
    batch_id: int,
    named: list[str],
    file_id: int,
    actor: str,
    today: object,
    counts: AckCounts,
) -> None:
    """Reject every claim of the group that no AK2 of the 999 named (all of them when it named
    none): the group's rejection is every set's."""
    subs = conn.execute(
        text(
            "SELECT id, claim_id FROM submission WHERE edi_file_id = :f "
            "AND NOT (coalesce(nullif(ltrim(st02, '0'), ''), '0') = ANY(:named)) ORDER BY id"
        ),
        {"f": batch_id, "named": named},
    ).all()
    words = ack.group_words
    code = ack.group_codes[0][:3] if ack.group_codes else None
    facts = RejectionFacts("999", words, error_segment="AK9", error_code=code)
    for sub in subs:
        record_ack(
            conn,
            file_id,
            "999",
            sub.id,
            sub.claim_id,
            "rejected",
            f"AK9 {ack.group_status}",
            words,
            None,
        )
        if move_waiting(conn, sub.claim_id, _SENT, S.REJECTED_999, actor, words):
            open_rejection(conn, sub.claim_id, words, facts, today)
        else:
            counts.unchanged += 1
        counts.rejected += 1


def _set_words(tset: AckSet) -> str:
    if not tset.errors:
        return tset.words or tset.status_words
    return "; ".join(e.words for e in tset.errors)


def _segments(tset: AckSet) -> str | None:
    refs = [
        f"{e.segment_id} #{e.segment_position}" + (f" {e.element_ref}" if e.element_ref else "")
        for e in tset.errors
    ]
    return ", ".join(refs) or None


def _unknown_claim_item(conn: Connection, claim: ClaimAck, code: str, today: object) -> None:
    """An unmatched item for a 277CA answer about a claim we do not have."""
    facts = RejectionFacts.of_277ca(claim)
    conn.execute(
        text("""INSERT INTO work_item (kind, amount, opened_on, detail, source,
                    patient_control_no, payer_claim_no, stc_category, stc_status, stc_entity,
                    reason)
                VALUES ('unmatched', :amt, :today, :d, '277CA', :pcn, :payer_claim_no,
                        :stc_category, :stc_status, :stc_entity, :reason)"""),
        {
            "amt": claim.total_charge,
            "today": today,
            "d": f"277CA for unknown claim {claim.patient_control_no} ({code}: "
            f"{claim.words}); payer claim no. {claim.payer_claim_no or 'none'}",
            "pcn": claim.patient_control_no[:38],
            "payer_claim_no": claim.payer_claim_no[:50] or None,
            "stc_category": facts.stc_category,
            "stc_status": facts.stc_status,
            "stc_entity": facts.stc_entity,
            "reason": facts.reason,
        },
    )


def apply_277ca(
    conn: Connection, ack: Ack277CA, file_id: int, actor: str, today: object
) -> AckCounts:
    """Tie each claim status to our claim by patient control number."""
    counts = AckCounts()
    for claim in ack.claims:
        row = conn.execute(
            text("SELECT id FROM claim WHERE claim_no = :pcn"), {"pcn": claim.patient_control_no}
        ).one_or_none()
        code = f"{claim.status_category}:{claim.status_code}" + (
            f":{claim.entity}" if claim.entity else ""
        )
        if row is None:
            _unknown_claim_item(conn, claim, code, today)
            counts.unmatched += 1
            continue
        sub = conn.execute(
            text("SELECT id FROM submission WHERE claim_id = :c ORDER BY id DESC LIMIT 1"),
            {"c": row.id},
        ).scalar()
        if claim.accepted:
            record_ack(conn, file_id, "277CA", sub, row.id, "accepted", code, claim.words, None)
            if claim.payer_claim_no:
                conn.execute(
                    text("UPDATE claim SET payer_claim_no = :p WHERE id = :id"),
                    {"p": claim.payer_claim_no, "id": row.id},
                )
            moved = move_waiting(
                conn,
                row.id,
                _NOT_ACKNOWLEDGED,
                S.ACKNOWLEDGED_277CA,
                actor,
                f"277CA {code}: {claim.words}",
            )
            counts.accepted += 1
        elif claim.accepted is False:
            record_ack(conn, file_id, "277CA", sub, row.id, "rejected", code, claim.words, None)
            moved = move_waiting(
                conn,
                row.id,
                _NOT_ACKNOWLEDGED,
                S.REJECTED_277CA,
                actor,
                f"277CA {code}: {claim.words}",
            )
            if moved:
                open_rejection(
                    conn,
                    row.id,
                    f"277CA rejected it ({code}): {claim.words}",
                    RejectionFacts.of_277ca(claim),
                    today,
                )
            counts.rejected += 1
        else:
            record_ack(conn, file_id, "277CA", sub, row.id, "pending", code, claim.words, None)
            moved = False
        if not moved:
            counts.unchanged += 1
    return counts
