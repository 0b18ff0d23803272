"""Plain frozen records the repository layer hands to services, screens and the CLI.

Nothing here imports SQLAlchemy or Textual: screens may import this module freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(frozen=True, slots=True)
class DiagnosisLine:
    seq: int
    code: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    line_no: int
    code: str
    label: str
    modifiers: str
    units: Decimal
    amount: Decimal
    dx_pointers: str


@dataclass(frozen=True, slots=True)
class LedgerLine:
    posted_at: datetime
    kind: str
    responsibility: str
    amount: Decimal
    memo: str | None


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """A claim payment from a remittance, with its adjustments as 'CO-45 12.00' strings."""

    paid_on: date
    payer_name: str
    trace_no: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal
    adjustments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class PatientHeader:
    patient_id: int
    account_no: str
    name: str
    dob: date
    sex: str


@dataclass(frozen=True, slots=True)
class EncounterDetail:
    """Everything shown on the read-only encounter view."""

    encounter_id: int
    patient: PatientHeader
    dos: date
    pos: str
    status: str
    provider_name: str
    provider_npi: str
    payer_name: str | None
    member_id: str | None
    diagnoses: tuple[DiagnosisLine, ...]
    lines: tuple[ServiceLine, ...]
    ledger: tuple[LedgerLine, ...]
    claim_ids: tuple[int, ...]
    balance: Decimal


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    """Everything shown on the read-only claim view."""

    claim_id: int
    claim_no: str
    encounter_id: int
    patient: PatientHeader
    payer_name: str
    member_id: str
    status: str
    status_label: str
    frequency: str
    dos: date
    created_on: date
    submitted_on: date | None
    total_charge: Decimal
    diagnoses: tuple[DiagnosisLine, ...]
    lines: tuple[ServiceLine, ...]
    payments: tuple[PaymentLine, ...]
    history: tuple[HistoryLine, ...]
    open_denials: tuple[str, ...] = field(default=())
    balance: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class AccountEncounterRow:
    """One visit on an account, with what is still owed on it."""

    encounter_id: int
    dos: date
    status: str
    charges: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class AccountDetail:
    """An account (patient) with its balances by responsibility and its encounters."""

    patient: PatientHeader
    address: str
    balances: tuple[BalanceRow, ...]
    encounters: tuple[AccountEncounterRow, ...]


@dataclass(frozen=True, slots=True)
class PayerBatch:
    """Claims for one payer in a claim-creation preview."""

    payer_name: str
    claims: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SkippedEncounter:
    """An encounter that cannot be billed yet, with the scrubber's reasons."""

    encounter_id: int
    patient_name: str
    dos: date
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClaimRun:
    """What creating claims would do (dry run) or did: claims per payer and what was skipped."""

    dry_run: bool
    batches: tuple[PayerBatch, ...]
    skipped: tuple[SkippedEncounter, ...]
    claim_ids: tuple[int, ...] = ()

    @property
    def created(self) -> int:
        return sum(b.claims for b in self.batches)

    @property
    def amount(self) -> Decimal:
        return sum((b.amount for b in self.batches), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class PatientHit:
    """A patient found while typing a name, account number or date of birth."""

    patient_id: int
    account_no: str
    name: str
    dob: date


@dataclass(frozen=True, slots=True)
class ProviderOption:
    id: int
    name: str
    npi: str


@dataclass(frozen=True, slots=True)
class CoverageOption:
    """A patient's coverage to bill; `active_on_dos` is filled for a given date of service."""

    id: int
    payer_id: int
    payer_name: str
    priority: int
    member_id: str
    effective_from: date
    effective_to: date | None


@dataclass(frozen=True, slots=True)
class AuthorizationOption:
    """A prior authorization on one of the patient's coverages."""

    id: int
    coverage_id: int
    number: str | None
    status: str
    codes: str
    start_date: date | None
    end_date: date | None
    visits_allowed: int | None
    visits_used: int
    follow_up_on: date | None = None


@dataclass(frozen=True, slots=True)
class PatientContext:
    """What charge entry needs to know about the patient."""

    patient: PatientHeader
    coverages: tuple[CoverageOption, ...]
    authorizations: tuple[AuthorizationOption, ...]


@dataclass(frozen=True, slots=True)
class LineForm:
    """A service line as typed: every field is text until the form is checked."""

    code: str = ""
    modifiers: tuple[str, str, str, str] = ("", "", "", "")
    units: str = "1"
    charge: str = ""
    pointers: str = "1"


@dataclass(frozen=True, slots=True)
class EncounterForm:
    """The charge-entry form. `encounter_id`/`version` are None for a new encounter."""

    patient_id: int
    provider_id: int | None
    coverage_id: int | None
    authorization_id: int | None
    dos: str
    pos: str
    diagnoses: tuple[str, ...]
    lines: tuple[LineForm, ...]
    encounter_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class FormFinding:
    """A problem on the form: `field` is a path like "line.2.charge"; errors block saving
    when `blocks_save`, and always block billing."""

    rule_id: str
    severity: str
    field: str
    message: str
    blocks_save: bool


@dataclass(frozen=True, slots=True)
class SavedEncounter:
    encounter_id: int
    version: int
    findings: tuple[FormFinding, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    """Something wrong with one field of a form, in words."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class PatientForm:
    """Patient demographics as typed; `patient_id`/`version` None for a new patient.
    `guarantor_account` empty means the patient is their own guarantor."""

    first_name: str
    last_name: str
    dob: str
    sex: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str = ""
    guarantor_account: str = ""
    patient_id: int | None = None
    version: int | None = None
    account_no: str = ""


@dataclass(frozen=True, slots=True)
class CoverageForm:
    """A coverage as typed. Relationship: 18 self, 01 spouse, 19 child, G8 other."""

    patient_id: int
    payer_id: int | None
    member_id: str
    group_no: str
    relationship: str
    priority: str
    effective_from: str
    effective_to: str = ""
    subscriber_first_name: str = ""
    subscriber_last_name: str = ""
    subscriber_dob: str = ""
    coverage_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class AuthorizationForm:
    """A prior-authorization request or its outcome. Status: pending, approved, denied."""

    coverage_id: int
    status: str
    codes: str
    visits_allowed: str = ""
    start_date: str = ""
    end_date: str = ""
    number: str = ""
    follow_up_on: str = ""
    authorization_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class PendingAuthRow:
    """An authorization waiting for the payer's answer."""

    authorization_id: int
    patient_id: int
    account_no: str
    patient_name: str
    payer_name: str
    codes: str
    requested_on: date | None
    follow_up_on: date | None


@dataclass(frozen=True, slots=True)
class SubmissionGroup:
    """Claims that go in one file: one clearinghouse, and their payers."""

    clearinghouse: str
    payer_name: str
    claims: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SubmittedFile:
    path: str
    clearinghouse: str
    isa13: str
    claims: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SubmissionRun:
    """A submission preview (dry run) or what was sent."""

    dry_run: bool
    groups: tuple[SubmissionGroup, ...]
    files: tuple[SubmittedFile, ...] = ()

    @property
    def claims(self) -> int:
        return sum(g.claims for g in self.groups)

    @property
    def amount(self) -> Decimal:
        return sum((g.amount for g in self.groups), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class DenialDetail:
    """One denial work item as the denial screen shows it."""

    work_item_id: int
    claim_id: int
    claim_no: str
    patient_name: str
    payer_name: str
    dos: date
    group_code: str
    carc: str
    rarc: str
    amount: Decimal
    denied_on: date
    days_since: int
    appeal_due: date
    follow_up_on: date | None
    status: str
    owner: str | None
    detail: str | None
    carc_text: str = ""
    """The CARC in words (a loaded official list wins over ours; "unknown CARC 123")."""
    rarc_text: str = ""
    category: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A file in the inbox folder: what it is, or why it cannot be read, and whether the
    same bytes were imported before."""

    name: str
    path: str
    size: int
    kind: str | None
    problem: str | None
    imported_before: str | None
    """'file.x12 by jo on 03/01/2025 10:00' when the same bytes were already imported."""


@dataclass(frozen=True, slots=True)
class AckLine:
    """An acknowledgment (999 set response or 277CA status) that refers to a claim."""

    kind: str
    status: str
    code: str
    words: str
    file_name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ClaimEdi:
    """The claim's last 837P (numbered segments, the claim's own range) and its acks."""

    claim_id: int
    claim_no: str
    file_name: str | None
    submitted_at: datetime | None
    first_segment: int
    last_segment: int
    segments: tuple[tuple[int, str], ...]
    acks: tuple[AckLine, ...]
