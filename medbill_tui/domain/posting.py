"""Posting plans: what one paid, adjusted or denied claim does to the ledger (pure).

Amounts on the ledger are positive when owed and negative when they reduce what is owed.
A payment reduces the paying responsibility; a contractual adjustment (CO-45 and friends) is
written off; patient responsibility (PR) is transferred to the next payer or the patient;
any other adjustment is a denial: nothing is written off, a work item is opened instead.
Transfers and write-offs never take more off the paying responsibility than it still owes on
the visit after the payment: what a payer reports beyond that moves nothing and is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

CONTRACTUAL_CARCS = frozenset({"45", "253", "59", "94", "131", "144", "237", "P12", "P24"})
"""CO/OI/PI adjustments that are the contract's arithmetic, written off automatically."""

ZERO = Decimal("0.00")

CONTRACTUAL_GROUP = "CO"
"""CAS group of a contractual obligation: the provider, not the patient, bears the amount."""


def patient_billing_refusal(group: str, carc: str) -> str | None:
    """Why a denied amount of this CAS group may not be moved to the patient (None: it may)."""
    if group != CONTRACTUAL_GROUP:
        return None
    return (
        f"{group}-{carc} is a contractual obligation: the patient may not be billed for it; "
        f"write it off or appeal it (a supervisor may override with a note)"
    )


class RemitAdjustment(Protocol):
    """What a plan reads of one CAS triplet (`edi.x835.Adjustment` is one)."""

    @property
    def group(self) -> str: ...
    @property
    def carc(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...


class RemitService(Protocol):
    """What a plan reads of one SVC line (`edi.x835.ServicePay` is one)."""

    @property
    def code(self) -> str: ...
    @property
    def adjustments(self) -> Sequence[RemitAdjustment]: ...
    @property
    def remarks(self) -> Sequence[str]: ...


class RemitClaim(Protocol):
    """What a plan reads of one CLP (`edi.x835.ClaimPay` is one); the domain parses no X12."""

    @property
    def pcn(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def paid(self) -> Decimal: ...
    @property
    def payer_claim_no(self) -> str: ...
    @property
    def adjustments(self) -> Sequence[RemitAdjustment]: ...
    @property
    def services(self) -> Sequence[RemitService]: ...
    @property
    def remarks(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    kind: str
    responsibility: str
    amount: Decimal
    memo: str


@dataclass(frozen=True, slots=True)
class DenialPlan:
    """A denied claim or line, to become a work item."""

    group: str
    carc: str
    rarc: str
    amount: Decimal
    line_code: str


@dataclass(frozen=True, slots=True)
class ClaimPosting:
    entries: tuple[PlannedEntry, ...]
    status: str
    denials: tuple[DenialPlan, ...]
    notes: tuple[str, ...] = ()
    """What the payer reported that was not posted (beyond what was owed), in words."""

    @property
    def net(self) -> Decimal:
        return sum((e.amount for e in self.entries), ZERO)


PRIOR_PAYER_CARC = "23"
"""OA-23: the impact of the prior payer's adjudication (its payment and adjustments)."""


def _prior_payers_share(adj: RemitAdjustment, responsibility: str) -> bool:
    """On a secondary's or tertiary's answer, the part the payers before it settled: it was
    never on this claim's balance (which holds only what they left), so it posts nothing."""
    return responsibility != "primary" and adj.group == "OA" and adj.carc == PRIOR_PAYER_CARC


def _is_write_off(adj: RemitAdjustment) -> bool:
    return adj.group in ("CO", "OI", "PI", "CR") and adj.carc in CONTRACTUAL_CARCS


def plan_claim_posting(
    claim: RemitClaim, responsibility: str, next_up: str, *, owed: Decimal
) -> ClaimPosting:
    """The ledger entries and outcome of one CLP for a claim billed to `responsibility`.

    `next_up` is who owes patient responsibility next: "secondary" or "patient". `owed` is what
    `responsibility` still owes on the claim's visit before this CLP: the payment posts as
    received, but PR transfers and write-offs, in the order the CAS come, take off at most
    what is left of it after the payment (a negative amount, the payer giving back, adds to it).
    """
    entries: list[PlannedEntry] = []
    notes: list[str] = []
    if claim.paid:
        memo = f"paid by payer, claim {claim.payer_claim_no or claim.pcn}"
        entries.append(PlannedEntry("payment", responsibility, -claim.paid, memo))
    left = owed - claim.paid
    denials: list[DenialPlan] = []
    lines: list[tuple[RemitService | None, RemitAdjustment]] = [
        (None, a) for a in claim.adjustments
    ]
    lines += [(s, a) for s in claim.services for a in s.adjustments]
    for service, adj in lines:
        if not adj.amount or _prior_payers_share(adj, responsibility):
            continue
        memo = f"{adj.group}-{adj.carc}"
        if adj.group == "PR" or _is_write_off(adj):
            amount = min(adj.amount, max(left, ZERO))
            left -= amount
            if amount != adj.amount:
                done = f"moved to the {next_up}" if adj.group == "PR" else "written off"
                said = f"claim {claim.pcn}: the payer's {memo} of {adj.amount:.2f}"
                said += (
                    f" is more than the {responsibility} still owed ({amount:.2f})"
                    if amount
                    else f", but the {responsibility} owed nothing more"
                )
                notes.append(f"{said}: {amount:.2f} {done}, {adj.amount - amount:.2f} not posted")
                memo += f" (payer said {adj.amount:.2f})"
            if not amount:
                continue
            if adj.group == "PR":
                entries.append(PlannedEntry("transfer", responsibility, -amount, memo))
                entries.append(PlannedEntry("transfer", next_up, amount, memo))
            else:
                entries.append(PlannedEntry("adjustment", responsibility, -amount, memo))
        else:
            rarc = (
                service.remarks[0]
                if service and service.remarks
                else claim.remarks[0]
                if claim.remarks
                else ""
            )
            denials.append(
                DenialPlan(adj.group, adj.carc, rarc, adj.amount, service.code if service else "")
            )
    if claim.status == "4" or (not claim.paid and denials):
        status = "denied"
    elif denials:
        status = "partial"
    else:
        status = "paid"
    return ClaimPosting(tuple(entries), status, tuple(denials), tuple(notes))
