"""The duplicate check on save: other patients with the same name and date of birth, or the
same member id on a payer. Each is one probe of its index (migration 0020)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.patient_sql import member_key, name_key
from medbill_tui.records.patient_merge import DuplicateMatch

LIMIT = 10

_SHOWN = """p.id, p.account_no, p.last_name || ', ' || p.first_name AS name, p.dob,
            p.address1 || ', ' || p.city || ', ' || p.state || ' ' || p.zip AS address,
            coalesce(p.phone, '') AS phone"""

_PRIMARY = """LEFT JOIN LATERAL (
        SELECT py.name AS payer, c.member_id FROM coverage c JOIN payer py ON py.id = c.payer_id
        WHERE c.patient_id = p.id ORDER BY c.effective_to IS NOT NULL, c.priority, c.id LIMIT 1
    ) cv ON true"""

NAME_DOB_SQL = f"""
    SELECT {_SHOWN}, coalesce(cv.payer, '') AS payer, coalesce(cv.member_id, '') AS member_id
    FROM patient p {_PRIMARY}
    WHERE {name_key("p.last_name")} = {name_key("CAST(:last AS text)")}
      AND {name_key("p.first_name")} = {name_key("CAST(:first AS text)")}
      AND p.dob = :dob AND p.merged_into_id IS NULL
      AND p.id IS DISTINCT FROM CAST(:self AS integer)
    ORDER BY p.account_no LIMIT {LIMIT}"""

MEMBER_SQL = f"""
    SELECT {_SHOWN}, py.name AS payer, c.member_id
    FROM coverage c JOIN patient p ON p.id = c.patient_id JOIN payer py ON py.id = c.payer_id
    WHERE c.payer_id = :payer
      AND {member_key("c.member_id")} = {member_key("CAST(:member AS text)")}
      AND c.relationship = '18' AND c.patient_id <> :self AND p.merged_into_id IS NULL
    ORDER BY p.account_no LIMIT {LIMIT}"""


def same_name_and_dob(
    conn: Connection, last: str, first: str, dob: date, patient_id: int | None
) -> tuple[DuplicateMatch, ...]:
    """Patients (not merged, not `patient_id`) with this name and date of birth."""
    rows = conn.execute(
        text(NAME_DOB_SQL), {"last": last, "first": first, "dob": dob, "self": patient_id}
    ).all()
    return tuple(_match(r, "same name and date of birth") for r in rows)


def same_member_id(
    conn: Connection, payer_id: int, member_id: str, patient_id: int
) -> tuple[DuplicateMatch, ...]:
    """Other patients (not merged) who hold this member id on this payer themselves
    (relationship 18, self). A spouse or child on the card holder's plan shares the card
    holder's id, so theirs is no sign of a duplicate (the name and date of birth check is)."""
    rows = conn.execute(
        text(MEMBER_SQL), {"payer": payer_id, "member": member_id, "self": patient_id}
    ).all()
    seen: set[int] = set()
    found: list[DuplicateMatch] = []
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            found.append(_match(r, f"same member id on {r.payer}"))
    return tuple(found)


def _match(row: Any, why: str) -> DuplicateMatch:
    return DuplicateMatch(
        row.id,
        row.account_no,
        row.name,
        row.dob,
        row.address,
        row.phone,
        row.payer,
        row.member_id,
        why,
    )


def identity(conn: Connection, patient_id: int) -> tuple[str, str, date]:
    """The patient's (last name, first name, date of birth) as saved."""
    row = conn.execute(
        text("SELECT last_name, first_name, dob FROM patient WHERE id = :id"), {"id": patient_id}
    ).one()
    return row.last_name, row.first_name, row.dob


def coverage_key(conn: Connection, coverage_id: int) -> tuple[int, str]:
    """The coverage's (payer id, member id) as saved."""
    row = conn.execute(
        text("SELECT payer_id, member_id FROM coverage WHERE id = :id"), {"id": coverage_id}
    ).one()
    return int(row.payer_id), row.member_id


def coverage_keys(conn: Connection, patient_id: int) -> tuple[tuple[int, str], ...]:
    """The patient's own coverages (as the card holder) as (payer id, member id)."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT payer_id, member_id FROM coverage "
            "WHERE patient_id = :p AND relationship = '18'"
        ),
        {"p": patient_id},
    ).all()
    return tuple((int(r.payer_id), r.member_id) for r in rows)
