"""Opening balances: the lookups that check an import and the rows it posts (a visit of its
own with status 'opening', no claim, and one ledger entry of kind 'opening')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.domain.opening_balances import OpeningBalanceRow

OPENING = "opening"
PRIORITY_RESPONSIBILITY = {1: "primary", 2: "secondary", 3: "tertiary"}


@dataclass(frozen=True, slots=True)
class BalanceTarget:
    """Where a row posts: the patient, the coverage of its payer and the ledger side."""

    patient_id: int
    coverage_id: int | None
    responsibility: str


def patients_by_account(conn: Connection, accounts: Sequence[str]) -> dict[str, int]:
    rows = conn.execute(
        text("""SELECT upper(account_no) AS account, id FROM patient
                WHERE upper(account_no) = ANY(:a) AND merged_into_id IS NULL"""),
        {"a": sorted(set(accounts))},
    ).all()
    return {str(r.account): int(r.id) for r in rows}


def coverages_by_payer(
    conn: Connection, patient_ids: Sequence[int]
) -> dict[tuple[int, str], tuple[int, int]]:
    """(patient id, payer id upper case) -> (coverage id, priority) of the patients' coverages
    (the lowest priority when a payer covers a patient twice)."""
    rows = conn.execute(
        text("""SELECT DISTINCT ON (cv.patient_id, upper(py.payer_code))
                       cv.patient_id, upper(py.payer_code) AS code, cv.id, cv.priority
                FROM coverage cv JOIN payer py ON py.id = cv.payer_id
                WHERE cv.patient_id = ANY(:p)
                ORDER BY cv.patient_id, upper(py.payer_code), cv.priority, cv.id"""),
        {"p": sorted(set(patient_ids))},
    ).all()
    return {(int(r.patient_id), str(r.code)): (int(r.id), int(r.priority)) for r in rows}


def payer_codes(conn: Connection) -> set[str]:
    return {str(c) for c in conn.execute(text("SELECT upper(payer_code) FROM payer")).scalars()}


def posted_already(conn: Connection, patient_ids: Sequence[int]) -> set[tuple[int, str, str]]:
    """(patient, service date ISO, memo) of the opening balances the patients have already."""
    rows = conn.execute(
        text("""SELECT patient_id, service_date, memo FROM ledger_entry
                WHERE kind = 'opening' AND patient_id = ANY(:p)"""),
        {"p": sorted(set(patient_ids))},
    ).all()
    return {(int(r.patient_id), r.service_date.isoformat(), str(r.memo)) for r in rows}


def first_provider(conn: Connection) -> int | None:
    """The provider an opening balance's visit names (the first active one)."""
    found = conn.execute(
        text("SELECT id FROM provider ORDER BY NOT active, id LIMIT 1")
    ).scalar_one_or_none()
    return None if found is None else int(found)


def post_balances(
    conn: Connection,
    rows: Sequence[tuple[OpeningBalanceRow, BalanceTarget]],
    provider_id: int,
    actor: str,
) -> Decimal:
    """A visit and an 'opening' ledger entry per row (in the caller's transaction); the total."""
    total = Decimal("0.00")
    for row, target in rows:
        encounter_id = conn.execute(
            text("""INSERT INTO encounter (patient_id, provider_id, coverage_id, dos, pos, status)
                    VALUES (:p, :pr, :cv, :dos, '11', :s) RETURNING id"""),
            {
                "p": target.patient_id,
                "pr": provider_id,
                "cv": target.coverage_id,
                "dos": row.service_date,
                "s": OPENING,
            },
        ).scalar_one()
        conn.execute(
            text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                        responsibility, amount, service_date, posted_by, memo)
                    VALUES (:p, :e, NULL, 'opening', :r, :amt, :d, :a, :m)"""),
            {
                "p": target.patient_id,
                "e": encounter_id,
                "r": target.responsibility,
                "amt": row.amount,
                "d": row.service_date,
                "a": actor,
                "m": row.memo,
            },
        )
        total += row.amount
    return total
