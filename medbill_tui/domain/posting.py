"""Posting plans: what one paid, adjusted or denied claim does to the ledger (pure).

Amounts on the ledger are positive when owed and negative when they reduce what is owed.
A payment reduces the paying responsibility; a contractual adjustment (CO-45 and friends) is
written off; patient responsibility (PR) is transferred to the next payer or the patient;
any other adjustment is a denial: nothing is written off, a work item is opened instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.edi.x835 import Adjustment, ClaimPay

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

    @property
    def net(self) -> Decimal:
        return sum((e.amount for e in self.entries), ZERO)


PRIOR_PAYER_CARC = "23"
"""OA-23: the impact of the prior payer's adjudication (its payment and adjustments)."""


def _prior_payers_share(adj: Adjustment, responsibility: str) -> bool:
    """On a secondary's or tertiary's answer, the part the payers before it settled: it was
    never on this claim's balance (which holds only what they left), so it posts nothing."""
    return responsibility != "primary" and adj.group == "OA" and adj.carc == PRIOR_PAYER_CARC


def _is_write_off(adj: Adjustment) -> bool:
    return adj.group in ("CO", "OI", "PI", "CR") and adj.carc in CONTRACTUAL_CARCS


def plan_claim_posting(claim: ClaimPay, responsibility: str, next_up: str) -> ClaimPosting:
    """The ledger entries and outcome of one CLP for a claim billed to `responsibility`.

    `next_up` is who owes patient responsibility next: "secondary" or "patient".
    """
    entries: list[PlannedEntry] = []
    if claim.paid:
        memo = f"paid by payer, claim {claim.payer_claim_no or claim.pcn}"
        entries.append(PlannedEntry("payment", responsibility, -claim.paid, memo))
    denials: list[DenialPlan] = []
    lines = [(None, a) for a in claim.adjustments] + [
        (s, a) for s in claim.services for a in s.adjustments
    ]
    for service, adj in lines:
        if not adj.amount or _prior_payers_share(adj, responsibility):
            continue
        memo = f"{adj.group}-{adj.carc}"
        if adj.group == "PR":
            entries.append(PlannedEntry("transfer", responsibility, -adj.amount, memo))
            entries.append(PlannedEntry("transfer", next_up, adj.amount, memo))
        elif _is_write_off(adj):
            entries.append(PlannedEntry("adjustment", responsibility, -adj.amount, memo))
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
    return ClaimPosting(tuple(entries), status, tuple(denials))
