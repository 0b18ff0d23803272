"""Records of an 835 remittance (005010X221A1) and its balance checks.

Plain, frozen records: one `Remit835` per transaction set (one payment), one `ClaimPay` per
CLP with its CAS adjustments and SVC lines, `ProviderAdjustment` per PLB pair, `RemitHead` for
what a set says before its claims (a set read claim by claim). Money is Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill_tui.edi.codelists import carc_words, claim_payment_status_words, rarc_words
from medbill_tui.edi.detect import ZERO


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO/PR/OA/PI), reason (CARC), amount, optional quantity."""

    group: str
    carc: str
    amount: Decimal
    quantity: Decimal | None = None

    @property
    def words(self) -> str:
        """The reason in words, e.g. "CO-45: Billed amount is above ..."."""
        return f"{self.group}-{self.carc}: {carc_words(self.carc)}"


@dataclass(frozen=True, slots=True)
class ServicePay:
    """One SVC line: what was billed, paid, adjusted and why."""

    code: str
    qualifier: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal
    service_date: date | None
    service_end: date | None
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]
    allowed: Decimal | None
    line_control_no: str
    submitted_code: str = ""
    """SVC06: the procedure we billed when the payer adjudicated another (down-coding)."""

    def remark_words(self) -> tuple[str, ...]:
        """Each LQ*HE remark code in words."""
        return tuple(f"{r}: {rarc_words(r)}" for r in self.remarks)


@dataclass(frozen=True, slots=True)
class ClaimPay:
    """One CLP: the payer's decision on one of our claims."""

    pcn: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_resp: Decimal
    filing: str
    payer_claim_no: str
    facility: str
    frequency: str
    adjustments: tuple[Adjustment, ...]
    services: tuple[ServicePay, ...]
    remarks: tuple[str, ...]
    patient_name: str
    patient_id: str
    insured_id: str
    rendering_id: str
    statement_from: date | None
    statement_to: date | None
    received_on: date | None

    @property
    def status_words(self) -> str:
        """CLP02 in words."""
        return claim_payment_status_words(self.status)

    @property
    def denied(self) -> bool:
        """CLP02 = 4."""
        return self.status == "4"

    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level then line-level adjustments."""
        return self.adjustments + tuple(a for s in self.services for a in s.adjustments)


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB pair: reason code, reference (e.g. the claim it recovers), amount."""

    reason: str
    reference: str
    amount: Decimal
    provider_id: str
    fiscal_date: date | None


@dataclass(frozen=True, slots=True)
class RemitHead:
    """What an 835 set says before its claims: payment, trace number, payer and payee."""

    payer_name: str
    payer_id: str
    originator_id: str
    payee_name: str
    payee_npi: str
    payee_tin: str
    trace_no: str
    handling: str
    credit_debit: str
    method: str
    amount: Decimal
    paid_on: date | None
    produced_on: date | None
    control: str
    interchange_control: str
    warnings: tuple[str, ...]

    def with_claims(
        self, claims: tuple[ClaimPay, ...], plb: tuple[ProviderAdjustment, ...]
    ) -> Remit835:
        """The whole payment: this head with its claims and provider adjustments."""
        fields = {name: getattr(self, name) for name in RemitHead.__dataclass_fields__}
        return Remit835(**fields, claims=claims, plb=plb)


@dataclass(frozen=True, slots=True)
class Remit835(RemitHead):
    """One 835 transaction set: one payment (or notice) from one payer to one payee."""

    claims: tuple[ClaimPay, ...] = ()
    plb: tuple[ProviderAdjustment, ...] = ()

    @property
    def head(self) -> RemitHead:
        """The payment without its claims and provider adjustments."""
        return RemitHead(
            self.payer_name,
            self.payer_id,
            self.originator_id,
            self.payee_name,
            self.payee_npi,
            self.payee_tin,
            self.trace_no,
            self.handling,
            self.credit_debit,
            self.method,
            self.amount,
            self.paid_on,
            self.produced_on,
            self.control,
            self.interchange_control,
            self.warnings,
        )


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def claim_balance_errors(claim: ClaimPay) -> tuple[str, ...]:
    """Words for each imbalance: charge - adjustments must equal paid (claim and each line)."""
    out: list[str] = []
    adjusted = _sum(a.amount for a in claim.all_adjustments())
    expected = claim.charge - adjusted
    if expected != claim.paid:
        out.append(
            f"claim {claim.pcn}: charge {claim.charge} - adjustments {adjusted} = {expected}, "
            f"but the payer paid {claim.paid} (off by {claim.paid - expected})"
        )
    for number, line in enumerate(claim.services, start=1):
        line_adj = _sum(a.amount for a in line.adjustments)
        line_expected = line.charge - line_adj
        if line_expected != line.paid:
            out.append(
                f"claim {claim.pcn} line {number} ({line.code}): charge {line.charge} - "
                f"adjustments {line_adj} = {line_expected}, but paid {line.paid} "
                f"(off by {line.paid - line_expected})"
            )
    return tuple(out)


def remit_balance_error(remit: Remit835) -> str | None:
    """Words when BPR02 is not the sum of CLP04 minus the sum of PLB amounts, else None."""
    paid = _sum(c.paid for c in remit.claims)
    return _total_error(remit.head, paid, remit.plb)


def _total_error(head: RemitHead, paid: Decimal, plb: Iterable[ProviderAdjustment]) -> str | None:
    withheld = _sum(p.amount for p in plb)
    expected = paid - withheld
    amount = -head.amount if head.credit_debit == "D" else head.amount
    if amount == expected:
        return None
    return (
        f"payment {head.trace_no}: claims paid {paid} - provider adjustments {withheld} = "
        f"{expected}, but BPR02 says {amount} (off by {amount - expected})"
    )


ORIGINAL_CLAIM_STATUSES = frozenset({"1", "2", "3", "4"})
"""CLP02 for a claim processed as primary, secondary, tertiary, or denied: its money is never
negative (a take-back is a reversal, CLP02 = 22, or a PLB recoupment)."""


def payment_sign_error(remit: Remit835 | RemitHead) -> str | None:
    """Words when BPR02 is negative (a debit says so in BPR03 = D, never by a minus sign)."""
    if remit.amount >= ZERO:
        return None
    return (
        f"payment {remit.trace_no}: BPR02 is {remit.amount}; a payment amount is never "
        f"negative (a debit is BPR03 = D, a take-back a reversal or a PLB recoupment)"
    )


def claim_sign_errors(claim: ClaimPay) -> tuple[str, ...]:
    """Words for negative money on an original claim (CLP02 1-4) and for a line paid more than
    its charge with no negative adjustment explaining it."""
    out: list[str] = []
    if claim.status in ORIGINAL_CLAIM_STATUSES:
        for element, name, amount in (
            ("CLP03", "charge", claim.charge),
            ("CLP04", "paid", claim.paid),
        ):
            if amount < ZERO:
                out.append(
                    f"claim {claim.pcn}: {element} ({name}) is {amount} on an original claim "
                    f"(CLP02 = {claim.status}); only a reversal (CLP02 = 22) takes money back"
                )
        for number, line in enumerate(claim.services, start=1):
            if line.paid < ZERO:
                out.append(
                    f"claim {claim.pcn} line {number} ({line.code}): SVC03 (paid) is "
                    f"{line.paid} on an original claim (CLP02 = {claim.status})"
                )
    for number, line in enumerate(claim.services, start=1):
        explained = any(a.amount < ZERO for a in line.adjustments)
        if line.paid > line.charge and not explained:
            out.append(
                f"claim {claim.pcn} line {number} ({line.code}): SVC03 paid {line.paid}, more "
                f"than the charge {line.charge}, with no adjustment explaining it"
            )
    return tuple(out)


KEPT_PROBLEMS = 3


@dataclass(slots=True)
class BalanceTally:
    """The checks of one payment whose claims stream by: a running sum of CLP04 and the first
    few claims' problems (the words say no more), never the claims themselves. Signs first
    (`claim_sign_errors`), then balance (`claim_balance_errors`, `remit_balance_error`)."""

    paid: Decimal = ZERO
    claims: int = 0
    bad_claims: int = 0
    sign_problems: list[str] = field(default_factory=list)
    claim_problems: list[str] = field(default_factory=list)

    def add(self, claim: ClaimPay) -> None:
        """Count one claim: its CLP04 and its own problems, if any."""
        self.claims += 1
        self.paid += claim.paid
        signs = claim_sign_errors(claim)
        errors = claim_balance_errors(claim)
        if signs or errors:
            self.bad_claims += 1
            if len(self.sign_problems) < KEPT_PROBLEMS:
                self.sign_problems += signs
            if len(self.claim_problems) < KEPT_PROBLEMS:
                self.claim_problems += errors

    def signs(self, head: RemitHead) -> list[str]:
        """Negative money where there may be none, the payment's first (as `sign_problems`)."""
        total = payment_sign_error(head)
        return [total, *self.sign_problems] if total else list(self.sign_problems)

    def problems(self, head: RemitHead, plb: Iterable[ProviderAdjustment]) -> list[str]:
        """Every kept imbalance, the payment's total first (as `remit_balance_error` says it)."""
        total = _total_error(head, self.paid, plb)
        return [total, *self.claim_problems] if total else list(self.claim_problems)
