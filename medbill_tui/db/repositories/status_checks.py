"""Claim status checks: which claims to ask about, the 276 sent, the 277's answers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.submissions import ClearinghouseInfo
from medbill_tui.edi.x276 import Asker, StatusAsk
from medbill_tui.edi.x277 import StatusAnswer

WAITING = ("submitted", "accepted_999", "acknowledged_277ca")
"""Sent, not rejected, no 835 yet: the claims a status request is for."""

_CANDIDATES = """
SELECT c.id, c.claim_no, coalesce(c.payer_claim_no, '') AS payer_claim_no, c.total_charge,
       py.name AS payer_name, py.payer_code, cv.member_id,
       coalesce(nullif(cv.subscriber_last_name, ''), p.last_name) AS last_name,
       coalesce(nullif(cv.subscriber_first_name, ''), p.first_name) AS first_name,
       CASE WHEN cv.relationship = '18' THEN p.dob ELSE cv.subscriber_dob END AS dob,
       CASE WHEN cv.relationship = '18' THEN p.sex ELSE cv.subscriber_sex END AS sex,
       e.dos
FROM claim c
JOIN encounter e ON e.id = c.encounter_id
JOIN coverage cv ON cv.id = c.coverage_id
JOIN patient p ON p.id = c.patient_id
JOIN payer py ON py.id = c.payer_id
WHERE c.status = ANY(:waiting)
  AND (CAST(:ids AS bigint[]) IS NOT NULL AND c.id = ANY(:ids)
       OR CAST(:ids AS bigint[]) IS NULL AND c.submitted_on <= :sent_by
          AND NOT EXISTS (SELECT 1 FROM claim_status_check s WHERE s.claim_id = c.id
                          AND s.requested_at >= :sent_by))
ORDER BY c.id
"""


@dataclass(frozen=True, slots=True)
class Candidate:
    claim_id: int
    ask: StatusAsk


def candidates(
    conn: Connection, today: date, *, older_than_days: int, claim_ids: Sequence[int] | None
) -> list[Candidate]:
    """Claims waiting for an answer (sent more than `older_than_days` ago, not asked about
    since), or only `claim_ids` (when they are waiting)."""
    rows = conn.execute(
        text(_CANDIDATES),
        {
            "waiting": list(WAITING),
            "ids": list(claim_ids) if claim_ids is not None else None,
            "sent_by": today - timedelta(days=older_than_days),
        },
    ).all()
    return [
        Candidate(
            int(r.id),
            StatusAsk(
                0,
                r.payer_name,
                r.payer_code,
                r.member_id,
                r.last_name,
                r.first_name,
                r.dob,
                r.sex or "",
                r.claim_no,
                r.payer_claim_no,
                r.total_charge,
                r.dos,
                r.dos,
            ),
        )
        for r in rows
    ]


def asker(conn: Connection, ch: ClearinghouseInfo) -> Asker:
    p = conn.execute(text("SELECT name, npi FROM practice ORDER BY id LIMIT 1")).one()
    return Asker(ch.submitter_name, ch.submitter_id, p.name, p.npi)


def record_request_file(
    conn: Connection,
    file_name: str,
    ch: ClearinghouseInfo,
    control: tuple[int, int],
    actor: str,
) -> int:
    """The 276's row (its bytes are set once the checks have their ids)."""
    return int(
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, clearinghouse_id, created_by)
                    VALUES ('out', '276', :name, '', '', :isa, :gs, :sender, :receiver,
                            :ch, :actor) RETURNING id"""),
            {
                "name": file_name,
                "isa": f"{control[0]:09d}",
                "gs": str(control[1]),
                "sender": ch.submitter_id,
                "receiver": ch.receiver_id,
                "ch": ch.id,
                "actor": actor,
            },
        ).scalar_one()
    )


def new_checks(
    conn: Connection, file_id: int, found: Sequence[Candidate], actor: str
) -> list[StatusAsk]:
    asks: list[StatusAsk] = []
    for c in found:
        check_id = conn.execute(
            text("""INSERT INTO claim_status_check (claim_id, request_file_id, requested_by)
                    VALUES (:claim, :file, :actor) RETURNING id"""),
            {"claim": c.claim_id, "file": file_id, "actor": actor},
        ).scalar_one()
        asks.append(replace(c.ask, check_id=int(check_id)))
    return asks


def set_content(conn: Connection, file_id: int, content: bytes, actor: str, count: int) -> None:
    conn.execute(
        text("""UPDATE edi_file SET content = :c, sha256 = :sha, claim_count = :n
                WHERE id = :f"""),
        {"c": content, "sha": hashlib.sha256(content).hexdigest(), "n": count, "f": file_id},
    )
    record_audit(conn, actor, "export", "edi_file", file_id, f"276: {count} claims")


@dataclass(frozen=True, slots=True)
class OpenStatusCheck:
    id: int
    claim_id: int
    claim_status: str
    member_id: str


def checks_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, OpenStatusCheck]:
    rows = conn.execute(
        text("""SELECT s.id, s.claim_id, c.status, cv.member_id
                FROM claim_status_check s JOIN claim c ON c.id = s.claim_id
                JOIN coverage cv ON cv.id = c.coverage_id
                WHERE s.id = ANY(:ids) FOR UPDATE OF s"""),
        {"ids": list(ids)},
    ).all()
    return {
        int(r.id): OpenStatusCheck(int(r.id), int(r.claim_id), r.status, r.member_id) for r in rows
    }


def record_answer(
    conn: Connection,
    check: OpenStatusCheck,
    answer: StatusAnswer,
    file_id: int,
    today: date,
) -> None:
    """The answer on its check (the claim's status does not change)."""
    conn.execute(
        text("""UPDATE claim_status_check SET response_file_id = :file, answered_on = :today,
                    category = :cat, status_code = :code, words = :words
                WHERE id = :id"""),
        {
            "file": file_id,
            "today": today,
            "cat": answer.category[:3],
            "code": answer.status_code[:5],
            "words": answer.words,
            "id": check.id,
        },
    )
