"""The claims a paper EOB is keyed against: each with the lines the payer answers line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class LineToKey:
    """One billed service line: its procedure code and charge (the EOB repeats both)."""

    code: str
    charge: Decimal


@dataclass(frozen=True, slots=True)
class ClaimToKey:
    """A claim of the check's payer, as the keying screen shows and fills it."""

    claim_no: str
    patient_name: str
    account_no: str
    dos: date
    status: str
    total: Decimal
    lines: tuple[LineToKey, ...]


@dataclass(frozen=True, slots=True)
class ClaimsToKey:
    """The answer to a look-up: the payer as found and its claims the text matches."""

    payer_name: str
    claims: tuple[ClaimToKey, ...]
