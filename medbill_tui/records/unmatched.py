"""Records of the unmatched-remittance list: payments (and 277CA acknowledgments) for claims we
could not find, the claims a biller may post them to, and what posting did.

Plain frozen dataclasses like `records.py` (no SQLAlchemy, no Textual), so screens import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UnmatchedRow:
    """One open unmatched item. `source` is "835" (money, postable) or "277CA" (no money)."""

    work_item_id: int
    source: str
    opened_on: date
    payer_name: str
    trace_no: str
    patient_control_no: str
    patient_name: str
    """The name the payer sent (NM1*QC), "" when unknown. PHI: show, never log."""
    charge: Decimal
    paid: Decimal
    status_code: str
    claim_payment_id: int | None
    detail: str
    holder: str | None = None
    """Who holds the item now (`n` gave it to them, lease running); None: free."""


@dataclass(frozen=True, slots=True)
class UnmatchedPayment:
    """One unmatched 835 claim payment with what the payer said about the claim."""

    row: UnmatchedRow
    payer_id: int
    service_from: date | None
    """The date of service the payer sent (DTM*232 or the first line's date), if any."""
    member_id: str
    codes: tuple[str, ...]
    """Procedure codes of the service lines the payer paid."""


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    """A claim an unmatched payment may belong to; `score` ranks likely ones first."""

    claim_id: int
    claim_no: str
    patient_name: str
    account_no: str
    payer_name: str
    same_payer: bool
    dos: date
    charge: Decimal
    status: str
    same_charge: bool
    same_dos: bool
    score: int


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """What posting an unmatched payment to a claim did."""

    work_item_id: int
    claim_no: str
    paid: Decimal
    claim_status: str
    denials: int
    reversals: int
    notes: tuple[str, ...] = ()
    """What else posting did, in words (e.g. a secondary claim created)."""
