"""Eligibility checks: which coverages to ask about, the 270 sent, the 271's answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.submissions import ClearinghouseInfo
from medbill_tui.edi.x270 import Dependent, EligibilityAsk, Receiver
from medbill_tui.edi.x271 import EligibilityAnswer

_CANDIDATES = """
SELECT cv.id, cv.member_id, cv.relationship, py.name AS payer_name, py.payer_code,
       coalesce(nullif(cv.subscriber_last_name, ''), p.last_name) AS last_name,
       coalesce(nullif(cv.subscriber_first_name, ''), p.first_name) AS first_name,
       CASE WHEN cv.relationship = '18' OR nullif(cv.subscriber_last_name, '') IS NULL
            THEN p.dob ELSE cv.subscriber_dob END AS dob,
       CASE WHEN cv.relationship = '18' OR nullif(cv.subscriber_last_name, '') IS NULL
            THEN p.sex ELSE cv.subscriber_sex END AS sex,
       p.last_name AS patient_last, p.first_name AS patient_first, p.dob AS patient_dob,
       p.sex AS patient_sex, nullif(cv.subscriber_last_name, '') IS NOT NULL AS has_subscriber,
       (SELECT max(e.dos) FROM encounter e
         WHERE e.coverage_id = cv.id AND e.status = 'unbilled') AS unbilled_dos
FROM coverage cv
JOIN patient p ON p.id = cv.patient_id AND p.merged_into_id IS NULL
JOIN payer py ON py.id = cv.payer_id
WHERE cv.effective_from <= :today AND (cv.effective_to IS NULL OR cv.effective_to >= :today)
  AND (CAST(:payer AS text) IS NULL OR py.payer_code = :payer)
  AND (CAST(:ids AS integer[]) IS NULL OR cv.id = ANY(:ids))
"""

_DUE = """
  AND (CAST(:ids AS integer[]) IS NOT NULL
       OR EXISTS (SELECT 1 FROM encounter e WHERE e.coverage_id = cv.id AND e.status = 'unbilled')
       OR NOT EXISTS (SELECT 1 FROM eligibility_check ec WHERE ec.coverage_id = cv.id
                      AND ec.verified_on >= :since))
ORDER BY cv.id
"""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A coverage to ask about, as the 270 writer needs it (without its check id yet)."""

    coverage_id: int
    ask: EligibilityAsk


def candidates(
    conn: Connection,
    today: date,
    *,
    since_days: int,
    payer_code: str | None,
    coverage_ids: Sequence[int] | None,
) -> list[Candidate]:
    """Active coverages (today) with a visit in the unbilled queue or not verified in
    `since_days` days; only `coverage_ids` when given (whatever their last check)."""
    rows = conn.execute(
        text(_CANDIDATES + _DUE),
        {
            "today": today,
            "payer": payer_code,
            "ids": list(coverage_ids) if coverage_ids is not None else None,
            "since": today - timedelta(days=since_days),
        },
    ).all()
    return [
        Candidate(
            r.id,
            EligibilityAsk(
                check_id=0,
                payer_name=r.payer_name,
                payer_code=r.payer_code,
                member_id=r.member_id,
                last_name=r.last_name,
                first_name=r.first_name,
                dob=r.dob,
                sex=r.sex or "",
                service_date=min(r.unbilled_dos or today, today),
                dependent=_dependent(r),
            ),
        )
        for r in rows
    ]


def _dependent(r: Any) -> Dependent | None:
    """The patient as the dependent when someone else (named on the coverage) subscribes; with
    no subscriber named, the member id is taken as the patient's own and they are asked about."""
    if r.relationship == "18" or not r.has_subscriber:
        return None
    return Dependent(r.patient_last, r.patient_first, r.patient_dob, r.patient_sex or "")


def receiver(conn: Connection) -> Receiver:
    """The practice, as the information receiver of its 270s."""
    p = conn.execute(text("SELECT name, npi, tin FROM practice ORDER BY id LIMIT 1")).one()
    return Receiver(p.name, p.npi, p.tin)


def record_request_file(
    conn: Connection,
    content: bytes,
    file_name: str,
    ch: ClearinghouseInfo,
    control: tuple[int, int],
    actor: str,
) -> int:
    """Store the 270's bytes (outbound, not yet in its folder)."""
    return int(
        conn.execute(
            text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13,
                        gs06, sender_id, receiver_id, clearinghouse_id, created_by)
                    VALUES ('out', '270', :name, :sha, :content, :isa, :gs, :sender,
                            :receiver, :ch, :actor) RETURNING id"""),
            {
                "name": file_name,
                "sha": hashlib.sha256(content).hexdigest(),
                "content": content,
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
    conn: Connection, file_id: int, found: Sequence[Candidate], actor: str, asked_at: datetime
) -> list[EligibilityAsk]:
    """One check per coverage, tied to the 270 file; the asks with their check ids.
    `asked_at` is the clock's (the 270's) time, so a pinned day shows as the day asked."""
    asks: list[EligibilityAsk] = []
    for c in found:
        check_id = conn.execute(
            text("""INSERT INTO eligibility_check (coverage_id, request_file_id, service_date,
                        service_types, requested_by, requested_at)
                    VALUES (:cov, :file, :dos, :types, :actor, :at) RETURNING id"""),
            {
                "at": asked_at,
                "cov": c.coverage_id,
                "file": file_id,
                "dos": c.ask.service_date,
                "types": " ".join(c.ask.service_types),
                "actor": actor,
            },
        ).scalar_one()
        asks.append(replace(c.ask, check_id=int(check_id)))
    return asks


def set_content(conn: Connection, file_id: int, content: bytes, actor: str, count: int) -> None:
    """The 270's final bytes (written once the checks have their ids)."""
    conn.execute(
        text("UPDATE edi_file SET content = :c, sha256 = :sha, claim_count = :n WHERE id = :f"),
        {"c": content, "sha": hashlib.sha256(content).hexdigest(), "n": count, "f": file_id},
    )
    record_audit(conn, actor, "export", "edi_file", file_id, f"270: {count} coverages")


def mark_written(conn: Connection, file_ids: Sequence[int]) -> None:
    conn.execute(
        text("UPDATE edi_file SET written_at = now() WHERE id = ANY(:ids)"),
        {"ids": list(file_ids)},
    )


@dataclass(frozen=True, slots=True)
class OpenCheck:
    """A check the 271 answers, with what we hold about its coverage."""

    id: int
    coverage_id: int
    member_id: str
    effective_from: date
    effective_to: date | None
    answered: bool


def checks_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, OpenCheck]:
    rows = conn.execute(
        text("""SELECT ec.id, ec.coverage_id, cv.member_id, cv.effective_from, cv.effective_to,
                       ec.response_file_id IS NOT NULL AS answered
                FROM eligibility_check ec JOIN coverage cv ON cv.id = ec.coverage_id
                WHERE ec.id = ANY(:ids) FOR UPDATE OF ec"""),
        {"ids": list(ids)},
    ).all()
    return {r.id: OpenCheck(*r) for r in rows}


def checks_of_request(conn: Connection, isa13: str) -> list[int]:
    """The checks of the 270 sent with ISA13 (the 271 answers it in BHT03)."""
    return [
        int(r[0])
        for r in conn.execute(
            text("""SELECT ec.id FROM eligibility_check ec
                    JOIN edi_file f ON f.id = ec.request_file_id
                    WHERE f.direction = 'out' AND f.kind = '270' AND f.isa13 = :isa
                    ORDER BY ec.id"""),
            {"isa": isa13},
        ).all()
    ]


def record_answer(
    conn: Connection,
    check: OpenCheck,
    answer: EligibilityAnswer,
    file_id: int,
    today: date,
    words: str,
) -> None:
    benefits: list[dict[str, Any]] = [b.as_row() for b in answer.benefits]
    conn.execute(
        text("""UPDATE eligibility_check SET response_file_id = :file, verified_on = :today,
                    outcome = :outcome, plan_from = :pf, plan_to = :pt, words = :words,
                    benefits = CAST(:benefits AS jsonb)
                WHERE id = :id"""),
        {
            "file": file_id,
            "today": today,
            "outcome": answer.outcome,
            "pf": answer.plan_from,
            "pt": answer.plan_to,
            "words": words or None,
            "benefits": json.dumps(benefits),
            "id": check.id,
        },
    )


@dataclass(frozen=True, slots=True)
class LatestCheck:
    """The last eligibility check of a coverage (asked, and maybe answered)."""

    requested_at: date
    verified_on: date | None
    outcome: str | None
    plan_from: date | None
    plan_to: date | None
    words: str | None
    benefits: list[dict[str, str]]
    response_file_id: int | None


def latest_check(conn: Connection, coverage_id: int) -> LatestCheck | None:
    row = conn.execute(
        text("""SELECT requested_at::date AS requested_on, verified_on, outcome, plan_from,
                       plan_to, words, coalesce(benefits, '[]'::jsonb) AS benefits,
                       response_file_id
                FROM eligibility_check WHERE coverage_id = :c
                ORDER BY (response_file_id IS NOT NULL) DESC, id DESC LIMIT 1"""),
        {"c": coverage_id},
    ).one_or_none()
    if row is None:
        return None
    return LatestCheck(
        row.requested_on, row.verified_on, row.outcome, row.plan_from, row.plan_to,
        row.words, list(row.benefits), row.response_file_id,
    )  # fmt: skip


def file_text(conn: Connection, file_id: int) -> str:
    raw = conn.execute(
        text("SELECT content FROM edi_file WHERE id = :f"), {"f": file_id}
    ).scalar_one()
    return bytes(raw).decode("latin-1")
