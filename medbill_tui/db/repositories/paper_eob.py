"""What posting a paper EOB asks of the database before the 835 posting takes it: the payer it
names, the claims it names (and, for keying, the claims a look-up matches), and the audit row
that says the payment came on paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import status_not_in
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.queue_match import claim_match_sql
from medbill_tui.domain.claim_state import RETIRED
from medbill_tui.records.paper_eob import ClaimToKey, LineToKey
from medbill_tui.records.queues import QueueFilter

LIVE = status_not_in(RETIRED, "c.status")
"""Not void, not replaced: a claim a payer may still pay."""


@dataclass(frozen=True, slots=True)
class KnownPayer:
    id: int
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class ClaimOnFile:
    claim_no: str
    payer_id: int
    payer_name: str
    patient_name: str
    account_no: str
    dos: date


def find_payers(conn: Connection, name_or_code: str, limit: int) -> list[KnownPayer]:
    """The payer whose payer code or name (any case) is `name_or_code`; else every payer
    (at most `limit`) whose name holds it anywhere, any case, by name."""
    rows = conn.execute(
        text(
            "SELECT id, name, payer_code, "
            "payer_code = :v OR upper(name) = upper(:v) AS exact FROM payer "
            "WHERE payer_code = :v OR strpos(upper(name), upper(:v)) > 0 "
            "ORDER BY payer_code = :v DESC, exact DESC, name, id LIMIT :limit"
        ),
        {"v": name_or_code, "limit": limit},
    ).all()
    found = [KnownPayer(int(r.id), str(r.name), str(r.payer_code)) for r in rows]
    return found[:1] if rows and rows[0].exact else found


def claims_on_file(conn: Connection, claim_nos: Sequence[str]) -> dict[str, ClaimOnFile]:
    """Our claims by number, with the payer each is billed to."""
    rows = conn.execute(
        text(
            "SELECT c.claim_no, c.payer_id, py.name AS payer_name, p.account_no, e.dos, "
            "p.last_name || ', ' || p.first_name AS patient_name "
            "FROM claim c JOIN payer py ON py.id = c.payer_id "
            "JOIN patient p ON p.id = c.patient_id "
            "JOIN encounter e ON e.id = c.encounter_id WHERE c.claim_no = ANY(:nos)"
        ),
        {"nos": list(claim_nos)},
    ).all()
    return {
        str(r.claim_no): ClaimOnFile(
            str(r.claim_no),
            int(r.payer_id),
            str(r.payer_name),
            str(r.patient_name),
            str(r.account_no),
            r.dos,
        )
        for r in rows
    }


def record_paper_posting(conn: Connection, payer_id: int, check_no: str, actor: str) -> None:
    """Say on the posted remittance that it was keyed from a paper EOB."""
    remit_id = conn.execute(
        text("SELECT id FROM remittance WHERE payer_id = :p AND trace_no = :t"),
        {"p": payer_id, "t": check_no[:50]},
    ).scalar_one()
    record_audit(conn, actor, "post-paper-eob", "remittance", int(remit_id), f"check {check_no}")


def claims_to_key(conn: Connection, payer_id: int, words: str, limit: int) -> list[ClaimToKey]:
    """The payer's live claims whose number (ours or the payer's) is `words`, or whose patient's
    account or name starts with it, newest first, each with its billed lines."""
    params: dict[str, Any] = {"payer": payer_id, "limit": limit}
    match = claim_match_sql(QueueFilter(text=words), params, "c.id")
    rows = conn.execute(
        text(
            "SELECT c.id, c.claim_no, c.status, c.total_charge, e.dos, p.account_no, "
            "p.last_name || ', ' || p.first_name AS patient_name "
            "FROM claim c JOIN patient p ON p.id = c.patient_id "
            "JOIN encounter e ON e.id = c.encounter_id "
            f"WHERE c.payer_id = :payer AND {LIVE}{match} "
            "ORDER BY e.dos DESC, c.id DESC LIMIT :limit"
        ),
        params,
    ).all()
    lines: dict[int, list[LineToKey]] = {int(r.id): [] for r in rows}
    for line in conn.execute(
        text(
            "SELECT claim_id, code, amount FROM claim_line WHERE claim_id = ANY(:ids) "
            "ORDER BY claim_id, line_no"
        ),
        {"ids": list(lines)},
    ):
        lines[int(line.claim_id)].append(LineToKey(str(line.code), line.amount))
    return [
        ClaimToKey(
            str(r.claim_no),
            str(r.patient_name),
            str(r.account_no),
            r.dos,
            str(r.status),
            r.total_charge,
            tuple(lines[int(r.id)]),
        )
        for r in rows
    ]
