"""Which claim may be corrected, voided or rebilled, and with what frequency (pure rules)."""

from __future__ import annotations

from enum import StrEnum

from medbill_tui.domain.claim_state import LABELS, RETIRED, ClaimStatus

S = ClaimStatus


class ChainAction(StrEnum):
    """What takes the place of a sent claim."""

    CORRECT = "correct"
    """A corrected claim: frequency 7 with REF*F8 when the payer has a claim number, else 1."""
    VOID = "void"
    """A void (frequency 8, REF*F8): the payer takes back what it paid on the original."""
    REBILL = "rebill"
    """The same visit billed again as an original (1): the payer never received the first."""


SENT: frozenset[ClaimStatus] = frozenset(
    {
        S.SUBMITTED,
        S.ACCEPTED_999,
        S.ACKNOWLEDGED_277CA,
        S.PAID,
        S.PARTIAL,
        S.DENIED,
        S.CLOSED,
    }
)
"""Sent to and not turned back by the clearinghouse: a corrected claim or a void may follow."""

IN_FLIGHT: frozenset[ClaimStatus] = frozenset({S.SUBMITTED, S.ACCEPTED_999, S.ACKNOWLEDGED_277CA})
"""Sent and not yet adjudicated: the payer may never have received it (rebill)."""

VERBS: dict[ChainAction, str] = {
    ChainAction.CORRECT: "resubmitted",
    ChainAction.VOID: "voided",
    ChainAction.REBILL: "rebilled",
}
"""How a replaced claim's history and work items name what happened to it."""


def frequency(action: ChainAction, payer_claim_no: str | None) -> str:
    """The claim frequency code (CLM05-3) of the claim that takes the place of another."""
    if action is ChainAction.VOID:
        return "8"
    if action is ChainAction.CORRECT and payer_claim_no:
        return "7"
    return "1"


def refusal(
    action: ChainAction, claim_no: str, status: ClaimStatus, payer_claim_no: str | None
) -> str | None:
    """Why `action` cannot be done on the claim as it is (None: it can). A retired claim is
    refused by the caller, which can name its replacement."""
    label = LABELS[status]
    if status in RETIRED:
        return f"claim {claim_no} is {label}: nothing changed"
    if status not in SENT:
        if status in (S.REJECTED_999, S.REJECTED_277CA):
            return (
                f"claim {claim_no} is {label}: the payer never took it; correct it and send "
                "it again (R)"
            )
        return f"claim {claim_no} was never sent ({label}): change or hold it instead"
    if action is ChainAction.VOID and not payer_claim_no:
        return (
            f"the payer has given no claim number for {claim_no}: there is nothing to void "
            "(rebill it if the payer never received it)"
        )
    if action is ChainAction.REBILL:
        if payer_claim_no:
            return (
                f"the payer has claim {claim_no} as {payer_claim_no}: send a corrected claim "
                "or void it instead"
            )
        if status not in IN_FLIGHT:
            return f"claim {claim_no} is {label}: send a corrected claim instead"
    return None
