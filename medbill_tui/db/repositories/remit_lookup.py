"""Reading for 835 posting: the payer an 835 names (added when we do not know it yet), whether
that payment was posted already, our claims its CLPs match, and the list of remittances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.edi.x835 import ClaimPay, Remit835, RemitHead


def payer_of(conn: Connection, remit: Remit835 | RemitHead) -> int:
    """The id of the payer the 835 names, by payer code or name."""
    row = conn.execute(
        text(
            "SELECT id FROM payer WHERE payer_code = :code OR upper(name) = upper(:name) "
            "ORDER BY payer_code = :code DESC LIMIT 1"
        ),
        {"code": remit.payer_id, "name": remit.payer_name},
    ).scalar()
    if row is None:
        # An ERA from a payer we do not know yet: keep it (its claims go to the unmatched list)
        # under a new payer row rather than lose the money.
        row = conn.execute(
            text(
                "INSERT INTO payer (name, payer_code, claim_filing_indicator) "
                "VALUES (:name, :code, 'CI') RETURNING id"
            ),
            {
                "name": (remit.payer_name or remit.payer_id)[:60],
                "code": (remit.payer_id or remit.payer_name)[:80],
            },
        ).scalar_one()
    return int(row)


def signed_amount(remit: Remit835 | RemitHead) -> Decimal:
    """BPR02 as the ledger sees it: a debit (BPR03 = D) takes money back."""
    return -remit.amount if remit.credit_debit == "D" else remit.amount


def already_posted(
    conn: Connection, payer_id: int, remit: Remit835 | RemitHead
) -> tuple[str, bool] | None:
    """Words for the payment (payer and TRN02) posted before, and whether it differs from this
    one in amount or date (a conflict, not a repeat); None when it was never posted."""
    row = conn.execute(
        text(
            "SELECT id, imported_by, imported_at, status, amount, paid_on FROM remittance "
            "WHERE payer_id = :p AND trace_no = :t"
        ),
        {"p": payer_id, "t": remit.trace_no[:50]},
    ).one_or_none()
    if row is None:
        return None
    who = f"by {row.imported_by} on {row.imported_at:%m/%d/%Y %H:%M} ({row.status})"
    amount = signed_amount(remit)
    paid_on = remit.paid_on or row.paid_on
    if row.amount != amount or row.paid_on != paid_on:
        return (
            f"payment {remit.trace_no} conflicts with remittance {row.id}, the payment with "
            f"the same payer and trace number posted {who}: that one is {row.amount:.2f} "
            f"paid {row.paid_on:%m/%d/%Y}, this one {amount:.2f} paid {paid_on:%m/%d/%Y}; "
            f"this one was not posted — ask the payer which is right",
            True,
        )
    return f"payment {remit.trace_no} was already posted {who}; nothing changed", False


_CONTEXT_SQL = """SELECT c.id, c.claim_no, c.payer_claim_no, c.patient_id, c.encounter_id,
                       c.status, e.dos, cv.priority, c.payer_id, c.total_charge,
                       EXISTS (SELECT 1 FROM coverage s WHERE s.patient_id = c.patient_id
                               AND s.priority = cv.priority + 1
                               AND s.effective_from <= e.dos
                               AND (s.effective_to IS NULL OR s.effective_to >= e.dos))
                         AS has_next, py.name AS payer_name,
                       (SELECT coalesce(sum(b.amount), 0) FROM ledger_balance b
                        WHERE b.patient_id = c.patient_id AND b.encounter_id = c.encounter_id
                          AND b.responsibility = CASE cv.priority WHEN 1 THEN 'primary'
                              WHEN 2 THEN 'secondary' ELSE 'tertiary' END) AS owed
                FROM claim c JOIN encounter e ON e.id = c.encounter_id
                JOIN coverage cv ON cv.id = c.coverage_id JOIN payer py ON py.id = c.payer_id"""
"""What posting needs to know of one of our claims (the rows `remits._add_matched` takes).
`owed` is what the claim's responsibility owes on its visit (all claims of the visit: a
secondary's balance came by transfer on the primary claim, a corrected claim's charge moved)."""


def claim_context(conn: Connection, claim_id: int) -> Any:
    """The posting context of one claim, its claim row locked (None: no such claim)."""
    return conn.execute(
        text(_CONTEXT_SQL + " WHERE c.id = :id FOR UPDATE OF c"), {"id": claim_id}
    ).one_or_none()


def posted_before(conn: Connection, remit: Remit835 | RemitHead) -> str | None:
    """Who posted this payment (payer and TRN02) and when, in words; None when not posted."""
    prior = already_posted(conn, payer_of(conn, remit), remit)
    return prior[0] if prior else None


@dataclass(frozen=True, slots=True)
class ClaimMatches:
    """Our claims the CLPs of one payment name: `found` (by patient control number) those
    billed to the paying payer, `elsewhere` (by patient control number) why a CLP naming one of
    our claims billed to another payer was not matched, in words."""

    found: dict[str, Any]
    elsewhere: dict[str, str]


def match_claims(conn: Connection, claims: Sequence[ClaimPay], payer_id: int) -> ClaimMatches:
    """Our claim for each CLP, by patient control number, else by payer claim number, only
    among the claims billed to `payer_id` (the payer the 835 names).

    Two queries, not one with an OR: the claim numbers are found through their unique index,
    and only the CLPs they leave are looked up by payer claim number (its partial index,
    migration 0014; an OR scanned every claim, joins and all, for every chunk of a payment)."""
    rows = conn.execute(
        text(_CONTEXT_SQL + " WHERE c.claim_no = ANY(:pcns)"), {"pcns": [c.pcn for c in claims]}
    ).all()
    by_pcn = {r.claim_no: r for r in rows if r.payer_id == payer_id}
    others = {r.claim_no: r for r in rows if r.payer_id != payer_id}
    left = [c.payer_claim_no for c in claims if c.pcn not in by_pcn and c.payer_claim_no]
    by_payer_no: dict[str, Any] = {}
    if left:
        more = conn.execute(
            text(_CONTEXT_SQL + " WHERE c.payer_claim_no = ANY(:pccs)"), {"pccs": left}
        ).all()
        by_payer_no = {r.payer_claim_no: r for r in more if r.payer_id == payer_id}
    found: dict[str, Any] = {}
    elsewhere: dict[str, str] = {}
    for claim in claims:
        match = by_pcn.get(claim.pcn) or by_payer_no.get(claim.payer_claim_no or "\0")
        if match is not None:
            found[claim.pcn] = match
        elif claim.pcn in others:
            billed = others[claim.pcn]
            elsewhere[claim.pcn] = (
                f"claim {billed.claim_no} is billed to {billed.payer_name}, not to the payer "
                f"that sent it"
            )
    return ClaimMatches(found, elsewhere)


def remittance_list(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    rows = conn.execute(
        text("""SELECT r.id, r.trace_no, py.name AS payer, r.amount, r.paid_on, r.status,
                       r.imported_by, r.imported_at FROM remittance r
                JOIN payer py ON py.id = r.payer_id ORDER BY r.imported_at DESC, r.id DESC
                LIMIT :n"""),
        {"n": limit},
    ).all()
    return [dict(r._mapping) for r in rows]
