"""Records of credit balances: a visit a payment left below zero on one side (a payer's or the
patient's), the visits a patient's credit may go to, and what working a credit did.

Plain frozen dataclasses like the other records (no SQLAlchemy, no Textual), so screens import
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CreditRow:
    """One open credit item: the visit, the side holding the credit and the payment that made
    it. `patient_name` is PHI: show it, never log it."""

    work_item_id: int
    opened_on: date
    patient_id: int
    patient_name: str
    account_no: str
    encounter_id: int
    dos: date
    claim_id: int | None
    claim_no: str | None
    payer_name: str
    """The payer of the payment that made the credit."""
    trace_no: str
    responsibility: str
    """primary, secondary, tertiary (a payer's money) or patient."""
    amount: Decimal
    """The credit when the item was opened (or after part of it was applied), positive."""
    holder: str | None = None
    """Who holds the item now (`n` gave it to them, lease running); None: free."""

    @property
    def payer_side(self) -> bool:
        """True when the credit is a payer's money (it goes back to the payer)."""
        return self.responsibility != "patient"


@dataclass(frozen=True, slots=True)
class VisitOwing:
    """A visit of the same patient (or guarantor) that owes on the patient side."""

    encounter_id: int
    dos: date
    patient_name: str
    owed: Decimal


@dataclass(frozen=True, slots=True)
class CreditWorked:
    """What an action on a credit did: `amount` moved, `left` still in credit (the item stays
    open while it is above zero), `words` say it for the biller."""

    work_item_id: int
    action: str
    """refund-payer, refund-patient or apply."""
    amount: Decimal
    left: Decimal
    words: str
