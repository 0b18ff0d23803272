"""Frozen records of the reports (aging, denials, payments, productivity).

Like `records.py`, nothing here imports SQLAlchemy or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

AGED_FROM = ("service", "billed")
"""What an aging report counts days from: the date of service, or the day the visit's claim
was first billed (created; the date of service when it never had a claim), as the balances
queue does with MEDBILL_AGING_FROM."""


@dataclass(frozen=True, slots=True)
class BucketTotal:
    """Open balances in one aging bucket: how many and how much."""

    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AgingRow:
    """One responsibility (and payer, when split by payer) across the buckets."""

    responsibility: str
    payer: str | None
    """The payer's name; None for the patient or when the report is not split by payer."""
    buckets: tuple[BucketTotal, ...]
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AgingReport:
    """Receivables as of a date: an open balance is one visit's sum for one party."""

    as_of: date
    aged_from: str
    by_payer: bool
    rows: tuple[AgingRow, ...]
    buckets: tuple[BucketTotal, ...]
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DenialGroup:
    """Denials sharing a CARC, a payer or an outcome."""

    key: str
    words: str
    count: int
    amount: Decimal
    open: int
    closed: int


@dataclass(frozen=True, slots=True)
class DenialsReport:
    """Denial work items opened in [start, end]."""

    start: date
    end: date
    by_carc: tuple[DenialGroup, ...]
    by_payer: tuple[DenialGroup, ...]
    outcomes: tuple[DenialGroup, ...]
    """Open, written off, moved to the patient, resubmitted, worked, voided."""
    count: int
    amount: Decimal
    open: int
    closed: int


@dataclass(frozen=True, slots=True)
class PayerPayments:
    """Payments posted from one payer's remittances (or from patients) in the period."""

    payer: str
    remittances: int
    claims: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LedgerKindTotal:
    """Ledger rows of one kind posted in the period and their sum (ledger signs)."""

    kind: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentsReport:
    """Money received in [start, end] (by the ledger's posting date) and what went with it."""

    start: date
    end: date
    payers: tuple[PayerPayments, ...]
    kinds: tuple[LedgerKindTotal, ...]
    payments: Decimal
    """Money received: minus the sum of payment rows."""
    contractual: Decimal
    """Contractual adjustments: minus the sum of adjustment rows."""
    write_offs: Decimal
    to_patient: Decimal
    """Moved to patient responsibility: the patient side of transfer rows."""
    reversals: Decimal


@dataclass(frozen=True, slots=True)
class UserProductivity:
    """What one user did in the period, counted from the event and audit history."""

    user: str
    items_worked: int
    claims_created: int
    claims_submitted: int
    denials_resolved: int
    median_days_to_resolve: Decimal | None


@dataclass(frozen=True, slots=True)
class ProductivityReport:
    """Per user, in [start, end]."""

    start: date
    end: date
    users: tuple[UserProductivity, ...]
