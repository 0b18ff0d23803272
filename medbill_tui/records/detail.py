"""Frozen records of the detail views: a visit, a claim, an account, a denial."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from medbill_tui.records.queues import BalanceRow


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
    payer_claim_no: str | None = None
    replaces: str = ""
    """The claim number this claim replaces (corrected, void or rebill), or empty."""
    replaced_by: tuple[ChainLink, ...] = field(default=())
    """The claims that replaced or voided this one, oldest first."""


@dataclass(frozen=True, slots=True)
class ChainLink:
    """A claim that took the place of another: its number, frequency and status label."""

    claim_no: str
    frequency: str
    status_label: str


@dataclass(frozen=True, slots=True)
class AccountEncounterRow:
    """One visit on an account, with what is still owed on it."""

    encounter_id: int
    dos: date
    status: str
    charges: Decimal
    balance: Decimal
    editable: bool = False
    """Charge entry may open it (unbilled, on hold, or billed with a rejected or denied
    claim); otherwise it opens read-only."""


@dataclass(frozen=True, slots=True)
class AccountClaimRow:
    """One claim of a visit on an account."""

    claim_id: int
    claim_no: str
    encounter_id: int
    payer_name: str
    status_label: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class AccountDetail:
    """An account (patient) with its balances by responsibility, its encounters and their
    claims."""

    patient: PatientHeader
    address: str
    balances: tuple[BalanceRow, ...]
    encounters: tuple[AccountEncounterRow, ...]
    claims: tuple[AccountClaimRow, ...] = ()


OTHER_OUTCOME = "other (see the note)"
DENIAL_OUTCOMES: tuple[str, ...] = (
    "paid after the payer reprocessed it",
    "the payer corrected its own error",
    "the balance is right as it stands",
    "settled with the patient",
    OTHER_OUTCOME,
)
"""How a denial closed with `d` was resolved (the denial screen's list; kept on the item)."""


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


Detail = EncounterDetail | ClaimDetail | AccountDetail
"""What a detail screen shows."""


@dataclass(frozen=True, slots=True)
class VisitProblem:
    """Why a billed visit is open for correction: an open rejection or denial of one of its
    claims, in words (what charge entry shows at its top until the item is closed)."""

    work_item_id: int
    kind: str
    """'rejection' or 'denial'."""
    claim_no: str
    headline: str
    """'rejected (999): IK4: invalid date in DTP03' or 'denied 265.00, CO-16: …'."""
    codes: str
    """The segment / element / code (999), STC codes (277CA) or RARCs (denial), in words."""
