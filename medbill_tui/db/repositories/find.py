"""Find anything (ctrl+f): claims by our or the payer's claim number, patients by account
number or name prefixes. Index look-ups only (see `queue_match`), a few rows each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.queue_match import claim_number, patients_sql
from medbill_tui.domain.claim_state import LABELS, ClaimStatus
from medbill_tui.records.find import FindResult, FoundClaim, FoundPatient


def find(conn: Connection, words: str, limit: int) -> FindResult:
    """The claims numbered `words` and up to `limit` patients it matches."""
    words = words.strip()
    if not words:
        return FindResult(words, (), ())
    number = {
        "claim_no": claim_number(words),
        "payer_claim_no": words,
        "payer_claim_no_upper": words.upper(),
        "limit": limit,
    }
    claims = conn.execute(
        text("""SELECT c.id, c.claim_no, c.payer_claim_no, c.status, c.total_charge, e.dos,
                       p.last_name || ', ' || p.first_name AS patient, p.account_no,
                       py.name AS payer
                FROM claim c
                JOIN encounter e ON e.id = c.encounter_id
                JOIN patient p ON p.id = c.patient_id
                JOIN payer py ON py.id = c.payer_id
                WHERE c.id IN (
                    SELECT id FROM claim WHERE claim_no = :claim_no
                    UNION ALL SELECT id FROM claim
                    WHERE payer_claim_no IN (:payer_claim_no, :payer_claim_no_upper))
                ORDER BY c.id DESC
                LIMIT :limit"""),
        number,
    ).all()
    params: dict[str, Any] = {"limit": limit + 1}
    patients = conn.execute(
        text(f"""SELECT id, account_no, last_name || ', ' || first_name AS name, dob
                 FROM patient WHERE id IN ({patients_sql(words, params)})
                 ORDER BY lower(last_name), lower(first_name), account_no
                 LIMIT :limit"""),
        params,
    ).all()
    return FindResult(
        text=words,
        claims=tuple(
            FoundClaim(
                claim_id=r.id,
                claim_no=r.claim_no,
                payer_claim_no=r.payer_claim_no,
                patient_name=r.patient,
                account_no=r.account_no,
                payer_name=r.payer,
                status_label=LABELS[ClaimStatus(r.status)],
                dos=r.dos,
                amount=Decimal(r.total_charge),
            )
            for r in claims
        ),
        patients=tuple(
            FoundPatient(patient_id=r.id, account_no=r.account_no, name=r.name, dob=r.dob)
            for r in patients[:limit]
        ),
        more=len(patients) > limit,
    )
