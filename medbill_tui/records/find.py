"""What "find anything" (ctrl+f) answers: the claims and the patients a text names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class FoundClaim:
    """A claim whose number (ours or the payer's) is the text typed."""

    claim_id: int
    claim_no: str
    payer_claim_no: str | None
    patient_name: str
    account_no: str
    payer_name: str
    status_label: str
    dos: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FoundPatient:
    """A patient whose account number or name starts with the text typed."""

    patient_id: int
    account_no: str
    name: str
    dob: date


@dataclass(frozen=True, slots=True)
class FindResult:
    """The claims first (a number names one), then the patients; `more` when the patients
    went past the limit."""

    text: str
    claims: tuple[FoundClaim, ...]
    patients: tuple[FoundPatient, ...]
    more: bool = False
