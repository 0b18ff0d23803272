"""What posting a paper EOB asks of the database before the 835 posting takes it: the payer it
names, the claims it names, and the audit row that says the payment came on paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit


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


def find_payer(conn: Connection, name_or_code: str) -> KnownPayer | None:
    """The payer whose payer code or name (any case) is `name_or_code`."""
    row = conn.execute(
        text(
            "SELECT id, name, payer_code FROM payer "
            "WHERE payer_code = :v OR upper(name) = upper(:v) "
            "ORDER BY payer_code = :v DESC, id LIMIT 1"
        ),
        {"v": name_or_code},
    ).one_or_none()
    return None if row is None else KnownPayer(int(row.id), str(row.name), str(row.payer_code))


def claims_on_file(conn: Connection, claim_nos: Sequence[str]) -> dict[str, ClaimOnFile]:
    """Our claims by number, with the payer each is billed to."""
    rows = conn.execute(
        text(
            "SELECT c.claim_no, c.payer_id, py.name AS payer_name, p.account_no, "
            "p.last_name || ', ' || p.first_name AS patient_name "
            "FROM claim c JOIN payer py ON py.id = c.payer_id "
            "JOIN patient p ON p.id = c.patient_id WHERE c.claim_no = ANY(:nos)"
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
