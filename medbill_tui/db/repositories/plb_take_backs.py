"""PLB take-backs: a provider-level adjustment that recovers money on one claim it names.

A WO (overpayment recovery) or 72 (authorized return) PLB with a positive amount and a
reference naming one of our claims billed to the paying payer (a payer claim number it was
paid under, or our claim number) is money the payer kept from this check for that claim: it
posts against the claim as a positive `payment` row of the payer's side, and the PLB row
remembers the claim.
Other PLBs (interest, withholds, FB forward balances, whose claim-level money already moved
through CLP02 = 22 reversals) stay at the provider level.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TAKE_BACK_REASONS = ("WO", "72")


_BY_REFERENCE = """JOIN LATERAL (
        SELECT c.id, c.patient_id, c.encounter_id, c.coverage_id FROM claim c
        WHERE c.payer_id = r.payer_id
          AND c.id IN (SELECT x.id FROM claim x WHERE x.payer_claim_no = p.reference
                       UNION SELECT x.id FROM claim x WHERE x.claim_no = p.reference
                       UNION SELECT cp.claim_id FROM claim_payment cp
                       WHERE cp.payer_claim_no = p.reference)
        ORDER BY c.id DESC LIMIT 1) c ON TRUE"""
"""SQL: the claim billed to the paying payer that a PLB's reference names."""

_AS_POSTED = "JOIN claim c ON c.id = p.claim_id"
"""SQL: the claim a take-back was posted against."""


def _named(claim: str, which: str) -> str:
    """SQL: the remittance's take-backs `which` selects, each with its claim (`claim` joins it
    as `c`) and that claim's posting facts."""
    return f"""
    SELECT p.id AS plb_id, p.amount, p.reason, c.id AS claim_id, c.patient_id, c.encounter_id,
           e.dos, CASE cv.priority WHEN 1 THEN 'primary' WHEN 2 THEN 'secondary'
                       ELSE 'tertiary' END AS resp
    FROM remittance_plb p
    JOIN remittance r ON r.id = p.remittance_id
    {claim}
    JOIN encounter e ON e.id = c.encounter_id
    JOIN coverage cv ON cv.id = c.coverage_id
    WHERE p.remittance_id = :r AND p.reason = ANY(:reasons) AND p.reference <> ''
      AND {which}"""


_LEDGER = """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, remittance_id, kind,
                 responsibility, amount, service_date, posted_by, memo)
             SELECT patient_id, encounter_id, claim_id, :r, 'payment', resp, amount, dos, :a,
                    'PLB ' || reason || ': the payer took back ' || amount
             FROM named"""


def post_take_backs(conn: Connection, remittance_id: int, actor: str) -> int:
    """Post the remittance's take-backs against the claims they name; how many."""
    done = conn.execute(
        text(f"""WITH named AS ({_named(_BY_REFERENCE, "p.amount > 0")}),
                      marked AS (UPDATE remittance_plb p SET claim_id = n.claim_id
                                 FROM named n WHERE p.id = n.plb_id RETURNING p.id)
                 {_LEDGER}"""),
        {"r": remittance_id, "a": actor, "reasons": list(TAKE_BACK_REASONS)},
    )
    return done.rowcount


def repost_take_backs(conn: Connection, remittance_id: int, actor: str) -> int:
    """Post again the take-backs an undone remittance had posted (the claims they named)."""
    done = conn.execute(
        text(f"""WITH named AS ({_named(_AS_POSTED, "p.amount > 0")})
                 {_LEDGER}"""),
        {"r": remittance_id, "a": actor, "reasons": list(TAKE_BACK_REASONS)},
    )
    return done.rowcount
