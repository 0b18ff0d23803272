"""Reading ready claims as 837P records and recording their submission."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.other_payers import other_payers
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.domain.encounter_form import decode_pointers
from medbill_tui.edi.x837_records import Address, LineOut, Person
from medbill_tui.edi.x837p import BillingProvider, ClaimOut, ReferringProvider

SANDBOX = {
    "name": "Sandbox Clearinghouse",
    "receiver_id": "SANDBOXCH",
    "submitter_id": "MEDBILLDEMO",
    "contact_name": "Billing Office",
    "contact_phone": "5555550100",
    "usage": "T",
}


class NoClearinghouse(Exception):
    """No clearinghouse is set up to receive claims."""


@dataclass(frozen=True, slots=True)
class ClearinghouseInfo:
    id: int
    name: str
    receiver_id: str
    submitter_id: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    usage: str


@dataclass(frozen=True, slots=True)
class ReadyClaim:
    claim_id: int
    clearinghouse_id: int
    payer_name: str
    out: ClaimOut
    paper: bool = False
    """Its payer is billed on paper (a CMS-1500 form, no 837P)."""


def default_clearinghouse(conn: Connection) -> ClearinghouseInfo:
    """The default receiver; a demo practice gets the sandbox clearinghouse on first use."""
    row = conn.execute(
        text("SELECT * FROM clearinghouse ORDER BY is_default DESC, id LIMIT 1")
    ).one_or_none()
    if row is None:
        practice = conn.execute(
            text("SELECT name, is_demo FROM practice ORDER BY id LIMIT 1")
        ).one_or_none()
        if practice is None or not practice.is_demo:
            raise NoClearinghouse(
                "no clearinghouse is set up; ask an admin to add one before sending claims"
            )
        row = conn.execute(
            text("""INSERT INTO clearinghouse (name, receiver_id, submitter_id, submitter_name,
                        contact_name, contact_phone, usage, is_default)
                    VALUES (:name, :receiver_id, :submitter_id, :sn, :contact_name,
                            :contact_phone, :usage, true) RETURNING *"""),
            {**SANDBOX, "sn": practice.name[:60]},
        ).one()
    return _clearinghouse(row)


def _clearinghouse(row: Any) -> ClearinghouseInfo:
    return ClearinghouseInfo(
        row.id,
        row.name,
        row.receiver_id,
        row.submitter_id,
        row.submitter_name,
        row.contact_name,
        row.contact_phone,
        row.usage,
    )


def clearinghouses(conn: Connection, ids: set[int]) -> dict[int, ClearinghouseInfo]:
    rows = conn.execute(
        text("SELECT * FROM clearinghouse WHERE id = ANY(:ids)"), {"ids": sorted(ids)}
    ).all()
    return {r.id: _clearinghouse(r) for r in rows}


def billing_provider(conn: Connection) -> BillingProvider:
    p = conn.execute(text("SELECT * FROM practice ORDER BY id LIMIT 1")).one()
    return BillingProvider(
        p.name, p.npi, p.tin, p.taxonomy, Address(p.address1, p.city, p.state, p.zip), p.phone
    )


def lock_ready_claims(conn: Connection, claim_ids: Sequence[int] | None) -> list[int]:
    """Ready claims to send, locked; rows another biller is sending are skipped, not waited for."""
    where = "status = 'ready'" + (" AND id = ANY(:ids)" if claim_ids is not None else "")
    rows = conn.execute(
        text(f"SELECT id FROM claim WHERE {where} ORDER BY id FOR UPDATE SKIP LOCKED"),
        {"ids": list(claim_ids or [])},
    )
    return [int(r[0]) for r in rows]


def ready_claims(conn: Connection, claim_ids: list[int], default_ch: int) -> list[ReadyClaim]:
    """The 837P records of the claims (six queries whatever their number): each with its
    other payers, their payments and line adjudications (2320/2330/2430)."""
    if not claim_ids:
        return []
    heads = conn.execute(
        text("""SELECT c.id, c.claim_no, c.total_charge, c.frequency, c.original_payer_claim_no,
                       e.pos, e.dos, p.first_name, p.last_name, p.dob, p.sex, p.address1, p.city,
                       p.state, p.zip, cv.member_id, cv.group_no, cv.relationship, cv.priority,
                       cv.subscriber_first_name, cv.subscriber_last_name, cv.subscriber_dob,
                       cv.subscriber_sex,
                       py.name AS payer_name, py.payer_code, py.claim_filing_indicator,
                       coalesce(py.clearinghouse_id, :ch) AS clearinghouse_id, py.paper,
                       pr.npi, pr.first_name AS pr_first, pr.last_name AS pr_last,
                       a.number AS auth_number, e.id AS encounter_id, e.referring_npi,
                       e.referring_last_name, e.referring_first_name
                FROM claim c JOIN encounter e ON e.id = c.encounter_id
                JOIN patient p ON p.id = c.patient_id JOIN coverage cv ON cv.id = c.coverage_id
                JOIN payer py ON py.id = c.payer_id JOIN provider pr ON pr.id = e.provider_id
                LEFT JOIN "authorization" a ON a.id = e.authorization_id AND a.status = 'approved'
                WHERE c.id = ANY(:ids) ORDER BY coalesce(py.clearinghouse_id, :ch), c.id"""),
        {"ids": claim_ids, "ch": default_ch},
    ).all()
    dx: dict[int, list[str]] = defaultdict(list)
    for r in conn.execute(
        text(
            "SELECT encounter_id, code FROM encounter_diagnosis WHERE encounter_id = ANY(:ids) "
            "ORDER BY encounter_id, seq"
        ),
        {"ids": [h.encounter_id for h in heads]},
    ):
        dx[r.encounter_id].append(r.code)
    lines: dict[int, list[Any]] = defaultdict(list)
    for r in conn.execute(
        text("SELECT * FROM claim_line WHERE claim_id = ANY(:ids) ORDER BY claim_id, line_no"),
        {"ids": claim_ids},
    ):
        lines[r.claim_id].append(r)
    claim_lines = {
        h.id: [(int(line.line_no), _line_out(line, h.dos)) for line in lines[h.id]] for h in heads
    }
    others = other_payers(conn, claim_lines)
    out = []
    for h in heads:
        address = Address(h.address1, h.city, h.state, h.zip)
        patient = Person(h.last_name, h.first_name, h.dob, h.sex, address, h.member_id)
        if h.relationship == "18":
            subscriber, dependent = patient, None
        else:
            subscriber = Person(
                h.subscriber_last_name or h.last_name,
                h.subscriber_first_name or "",
                h.subscriber_dob,
                h.subscriber_sex or "U",
                address,
                h.member_id,
            )
            dependent = Person(h.last_name, h.first_name, h.dob, h.sex, address)
        claim = ClaimOut(
            pcn=h.claim_no,
            total=Decimal(h.total_charge),
            pos=h.pos,
            frequency=h.frequency,
            payer_name=h.payer_name,
            payer_id=h.payer_code,
            filing_indicator=h.claim_filing_indicator,
            payer_responsibility={1: "P", 2: "S"}.get(h.priority, "T"),
            subscriber=subscriber,
            patient=dependent,
            relationship=h.relationship if dependent else "18",
            group_no=h.group_no or "",
            diagnoses=tuple(dx[h.encounter_id]),
            lines=tuple(line for _, line in claim_lines[h.id]),
            rendering_npi=h.npi,
            rendering_last=h.pr_last,
            rendering_first=h.pr_first,
            prior_auth=h.auth_number or "",
            original_claim_no=h.original_payer_claim_no or "",
            other_payers=others.get(h.id, ()),
            referring=_referring(h),
        )
        out.append(ReadyClaim(h.id, h.clearinghouse_id, h.payer_name, claim, bool(h.paper)))
    return out


def _referring(head: Any) -> ReferringProvider | None:
    """The visit's referring provider (2310A, box 17), None when nobody referred."""
    if head.referring_npi is None:
        return None
    return ReferringProvider(
        "DN", head.referring_last_name, head.referring_first_name or "", head.referring_npi
    )


def _line_out(line: Any, dos: date) -> LineOut:
    return LineOut(
        line.code,
        tuple(m for m in line.modifiers.split(":") if m),
        Decimal(line.amount),
        Decimal(line.units),
        decode_pointers(line.dx_pointers),
        dos,
    )


def next_control_numbers(conn: Connection) -> tuple[int, int, int]:
    """ISA13, GS06 and ST02 from their sequences: never reused, even after a rollback."""
    row = conn.execute(
        text(
            "SELECT nextval('isa_control_seq'), nextval('gs_control_seq'), "
            "nextval('st_control_seq')"
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def record_submission(
    conn: Connection,
    *,
    content: bytes,
    file_name: str,
    ch: ClearinghouseInfo,
    isa13: int,
    gs06: int,
    st02: int,
    claims: list[ReadyClaim],
    ranges: dict[str, tuple[int, int]],
    actor: str,
    today: date,
) -> int:
    """Store the file's bytes and move every claim in it to `submitted`, with history."""
    total = sum((c.out.total for c in claims), Decimal("0.00"))
    file_id = conn.execute(
        text("""INSERT INTO edi_file (direction, kind, file_name, sha256, content, isa13, gs06,
                    sender_id, receiver_id, clearinghouse_id, claim_count, total, created_by)
                VALUES ('out', '837P', :name, :sha, :content, :isa, :gs, :sender, :receiver,
                        :ch, :n, :total, :actor) RETURNING id"""),
        {
            "name": file_name,
            "sha": hashlib.sha256(content).hexdigest(),
            "content": content,
            "isa": f"{isa13:09d}",
            "gs": str(gs06),
            "sender": ch.submitter_id,
            "receiver": ch.receiver_id,
            "ch": ch.id,
            "n": len(claims),
            "total": total,
            "actor": actor,
        },
    ).scalar_one()
    rows = [
        {
            "claim": c.claim_id,
            "file": file_id,
            "gs": str(gs06),
            "st": f"{st02:04d}",
            "first": ranges[c.out.pcn][0],
            "last": ranges[c.out.pcn][1],
            "freq": c.out.frequency,
        }
        for c in claims
    ]
    conn.execute(
        text("""INSERT INTO submission (claim_id, edi_file_id, gs06, st02, first_segment,
                    last_segment, frequency)
                VALUES (:claim, :file, :gs, :st, :first, :last, :freq)"""),
        rows,
    )
    ids = [c.claim_id for c in claims]
    claim_status.move(  # locked as ready by lock_ready_claims: all of them move
        conn,
        ids,
        ClaimStatus.SUBMITTED,
        actor,
        f"sent in {file_name} (ISA13 {isa13:09d})",
        expected_from={ClaimStatus.READY},
        columns={"submitted_on": today},
    )
    record_audit(
        conn, actor, "export", "edi_file", file_id, f"837P {file_name}: {len(claims)} claims"
    )
    return int(file_id)
