"""The records the 837P writer takes: people, service lines and the other payers of a claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Adjustments = tuple[tuple[str, str, Decimal], ...]
"""CAS triplets as (group, CARC, amount)."""


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class Person:
    """A subscriber or patient; `sex` F, M or U (unknown)."""

    last_name: str
    first_name: str
    dob: date | None
    sex: str
    address: Address | None
    member_id: str = ""


@dataclass(frozen=True, slots=True)
class LineOut:
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    units: Decimal
    pointers: tuple[int, ...]
    service_date: date


@dataclass(frozen=True, slots=True)
class LineAdjudication:
    """What another payer's 835 said about one of our service lines (its SVC loop): the
    procedure it adjudicated (SVC01, a down-coded one included), paid amount, units, CAS."""

    code: str
    modifiers: tuple[str, ...]
    paid: Decimal
    units: Decimal
    adjustments: Adjustments


@dataclass(frozen=True, slots=True)
class ClaimAdjudication:
    """Another payer's decision on the claim (its CLP): paid, claim-level CAS, and per claim
    line, in the claim's order, its SVC (None when the payer sent none for it: bundled)."""

    paid: Decimal
    adjustments: Adjustments
    adjudicated_on: date
    lines: tuple[LineAdjudication | None, ...]
    payer_claim_no: str = ""


@dataclass(frozen=True, slots=True)
class OtherPayer:
    """Another coverage of the patient on the date of service (2320/2330A/2330B).

    `responsibility` is that payer's SBR01 (P, S, T); `adjudication` is None while it has not
    decided the claim (a primary claim's secondary coverage, say).
    """

    payer_name: str
    payer_id: str
    member_id: str
    subscriber: Person
    responsibility: str = "P"
    filing_indicator: str = "CI"
    relationship: str = "18"
    group_no: str = ""
    adjudication: ClaimAdjudication | None = None
