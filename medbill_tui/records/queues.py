"""Plain frozen records the repository layer hands to services, screens and the CLI.

Nothing here imports SQLAlchemy or Textual: screens may import this module freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar


class QueueKind(StrEnum):
    """The work queues, in the dashboard's order (their keys are QUEUE_KEYS)."""

    UNBILLED = "unbilled"
    PENDING_CLAIMS = "pending_claims"
    REJECTIONS = "rejections"
    DENIALS = "denials"
    BALANCES = "balances"

    @property
    def label(self) -> str:
        return QUEUE_TITLES[self]


QUEUE_TITLES: dict[QueueKind, str] = {
    QueueKind.UNBILLED: "Unbilled encounters",
    QueueKind.PENDING_CLAIMS: "Pending claims",
    QueueKind.REJECTIONS: "Rejections",
    QueueKind.DENIALS: "Denials",
    QueueKind.BALANCES: "Outstanding balances",
}

QUEUE_KEYS: dict[QueueKind, str] = {
    QueueKind.UNBILLED: "1",
    QueueKind.PENDING_CLAIMS: "2",
    QueueKind.REJECTIONS: "8",
    QueueKind.DENIALS: "3",
    QueueKind.BALANCES: "4",
}
"""The key that opens each queue from anywhere (rejections came later, hence 8)."""

Cursor = tuple[str | int, ...]
"""Opaque keyset position: the sort key of the last row of a page."""

RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Narrow a queue: `text` matches a patient's last name (or "last, first") or account
    number prefix; `payer_id` keeps rows of one payer; `timer` (pending claims) keeps claims
    waiting too long for an answer (one of TIMERS)."""

    text: str = ""
    payer_id: int | None = None
    timer: str = ""
    responsibility: str = ""
    """Balances: primary, secondary, tertiary or patient ('' = any)."""
    bucket: int | None = None
    """Balances: index into domain.aging.BUCKETS; rows with money in that bucket."""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    """Balances: the row's total must lie in [min_amount, max_amount] (either may be open)."""
    owner: str = ""
    """Balances: the login holding the row's open follow-up."""
    by_claim: bool = False
    """Balances: one row per claim and responsibility instead of per account (a view, not a
    narrowing: it does not make the filter `active`)."""

    @property
    def active(self) -> bool:
        return (
            bool(self.text.strip())
            or self.payer_id is not None
            or bool(self.timer)
            or bool(self.responsibility)
            or self.bucket is not None
            or self.min_amount is not None
            or self.max_amount is not None
            or bool(self.owner)
        )


@dataclass(frozen=True, slots=True)
class Timers:
    """How long a claim may wait before it needs chasing (days; settings MEDBILL_TIMER_*)."""

    no_999: int = 1
    no_277ca: int = 2
    no_payment: int = 30
    aging_from: str = "service"
    """What the balances queue ages from: 'service' (date of service) or 'billed' (the day the
    claim was created); MEDBILL_AGING_FROM."""

    def words(self, timer: str) -> str:
        return {
            "no-999": f"no 999 after {self.no_999} day(s)",
            "no-277ca": f"no 277CA after {self.no_277ca} day(s)",
            "no-payment": f"accepted, no payment after {self.no_payment} days",
        }.get(timer, "")


TIMERS = ("no-999", "no-277ca", "no-payment")
"""Pending-claims timer filters, in the order the `t` key cycles through them."""


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    """One page of a queue; `next_cursor` is None on the last page."""

    rows: tuple[RowT, ...]
    next_cursor: Cursor | None


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """Count and total amount of one queue (dashboard, `report queues`)."""

    kind: QueueKind
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PayerOption:
    """A payer to choose in a filter."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class UnbilledRow:
    """An encounter not yet billed."""

    encounter_id: int
    dos: date
    patient_name: str
    account_no: str
    provider_name: str
    payer_name: str
    charges: Decimal
    age_days: int
    errors: int = 0
    """Scrubber errors (billing is blocked while any remain)."""
    warnings: int = 0
    status: str = "unbilled"
    self_pay: bool = False
    """No coverage: the patient is billed (P), never a payer."""


@dataclass(frozen=True, slots=True)
class PendingClaimRow:
    """A claim out with a payer, not yet adjudicated."""

    claim_id: int
    claim_no: str
    patient_name: str
    account_no: str
    payer_name: str
    submitted_on: date | None
    status: str
    status_label: str
    days_waiting: int
    amount: Decimal
    encounter_id: int = 0
    last_ack: str = ""
    """The latest 999/277CA answer, short: '999 ok 11/03', '277 rej 11/05' ('' if none)."""
    version: int = 0
    """The claim's version as listed (0: unknown); a hold or resend checks it."""


@dataclass(frozen=True, slots=True)
class RejectionRow:
    """A claim the clearinghouse or payer rejected (an open `rejection` work item)."""

    work_item_id: int
    claim_id: int
    claim_no: str
    patient_name: str
    account_no: str
    payer_name: str
    rejected_on: date
    reason: str
    """What was wrong, in words, with the segment, element and code when the answer gave them."""
    days: int
    amount: Decimal
    encounter_id: int
    status: str
    version: int = 0
    """The claim's version as listed (0: unknown); a resend checks it."""
    holder: str | None = None
    """Who holds the item now (`n` gave it to them, lease running); None: free."""


@dataclass(frozen=True, slots=True)
class DenialRow:
    """An open denial work item."""

    work_item_id: int
    claim_id: int
    claim_no: str
    patient_name: str
    account_no: str
    payer_name: str
    group_code: str
    carc: str
    carc_text: str
    amount: Decimal
    denied_on: date
    days_since: int
    owner: str | None
    """Who holds the denial now (lease running); None: free."""
    category: str | None = None
    """Where the routing rules sent it (None: posted before routing existed)."""
    action: str | None = None
    """The rules' default action: resubmit, appeal, write off, transfer to patient, follow up."""


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """An account's outstanding balance for one responsibility, aged in buckets."""

    patient_id: int
    account_no: str
    patient_name: str
    responsibility: str
    buckets: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    total: Decimal
    last_activity: date | None = None
    """When money last moved on the account for this responsibility."""
    follow_up: date | None = None
    """The earliest open follow-up on the account, and who holds it."""
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimBalanceRow:
    """One claim's outstanding balance for one responsibility (the balances queue by claim)."""

    claim_id: int
    claim_no: str
    patient_id: int
    account_no: str
    patient_name: str
    payer_name: str
    responsibility: str
    dos: date
    age_days: int
    """Days since the date of service, or since the claim was first billed (a setting)."""
    total: Decimal
    last_activity: date | None = None
    follow_up: date | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class BalanceTotals:
    """The whole (filtered) balances queue: money per aging bucket, total, rows."""

    buckets: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    total: Decimal
    rows: int


@dataclass(frozen=True, slots=True)
class ArPoint:
    """What was owed to the practice (every open balance) at the end of `day`."""

    day: date
    owed: Decimal


@dataclass(frozen=True, slots=True)
class AgingOverview:
    """The dashboard chart: today's money per aging bucket and the receivables trend."""

    totals: BalanceTotals
    trend: tuple[ArPoint, ...]


QueueRow = UnbilledRow | PendingClaimRow | RejectionRow | DenialRow | BalanceRow | ClaimBalanceRow
