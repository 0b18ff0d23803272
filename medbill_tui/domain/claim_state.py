"""Claim states and the transitions between them (data, not code)."""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    """Where a claim is in its life."""

    DRAFT = "draft"
    READY = "ready"
    BATCHED = "batched"
    SUBMITTED = "submitted"
    ACCEPTED_999 = "accepted_999"
    REJECTED_999 = "rejected_999"
    ACKNOWLEDGED_277CA = "acknowledged_277ca"
    REJECTED_277CA = "rejected_277ca"
    PAID = "paid"
    PARTIAL = "partial"
    DENIED = "denied"
    CLOSED = "closed"
    HOLD = "hold"
    VOID = "void"
    REPLACED = "replaced"


S = ClaimStatus

TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.READY, S.HOLD, S.VOID}),
    S.READY: frozenset({S.BATCHED, S.SUBMITTED, S.HOLD, S.VOID, S.DRAFT}),
    S.BATCHED: frozenset({S.SUBMITTED, S.READY}),
    # An 835 may adjudicate a claim whose 999/277CA never came in (not every clearinghouse
    # forwards them for every payer): the payer's decision is the answer.
    # -> REPLACED: corrected or rebilled before the payer answered (domain/claim_chain.py);
    # -> CLOSED: a void claim the payer confirmed by taking back its payment.
    S.SUBMITTED: frozenset(
        {S.ACCEPTED_999, S.REJECTED_999, S.ACKNOWLEDGED_277CA, S.REJECTED_277CA}
        | {S.PAID, S.PARTIAL, S.DENIED, S.REPLACED, S.CLOSED}
    ),
    S.ACCEPTED_999: frozenset(
        {S.ACKNOWLEDGED_277CA, S.REJECTED_277CA, S.PAID, S.PARTIAL, S.DENIED}
        | {S.REPLACED, S.CLOSED}
    ),
    S.REJECTED_999: frozenset({S.READY, S.VOID, S.HOLD}),
    S.ACKNOWLEDGED_277CA: frozenset({S.PAID, S.PARTIAL, S.DENIED, S.REPLACED, S.CLOSED}),
    S.REJECTED_277CA: frozenset({S.READY, S.VOID, S.HOLD}),
    # -> ACKNOWLEDGED_277CA: the payer reversed its decision (835 CLP02 = 22); the claim is with
    # the payer again until its corrected decision comes.
    S.PAID: frozenset({S.CLOSED, S.REPLACED, S.ACKNOWLEDGED_277CA}),
    S.PARTIAL: frozenset({S.CLOSED, S.REPLACED, S.PAID, S.ACKNOWLEDGED_277CA}),
    # -> PAID/PARTIAL: a denial with nothing paid is often reprocessed (after an appeal) by a
    # new 835 that pays, without a reversal first, since there was no money to take back.
    S.DENIED: frozenset({S.CLOSED, S.REPLACED, S.VOID, S.ACKNOWLEDGED_277CA, S.PAID, S.PARTIAL}),
    S.CLOSED: frozenset({S.REPLACED, S.ACKNOWLEDGED_277CA}),
    S.HOLD: frozenset({S.READY, S.DRAFT, S.VOID}),
    S.VOID: frozenset(),
    S.REPLACED: frozenset(),
}
"""Every move a claim's status may make; `db/repositories/claim_status.move` enforces it."""

PENDING: frozenset[ClaimStatus] = frozenset(
    {
        S.READY,
        S.BATCHED,
        S.SUBMITTED,
        S.ACCEPTED_999,
        S.REJECTED_999,
        S.ACKNOWLEDGED_277CA,
        S.REJECTED_277CA,
        S.HOLD,
    }
)
"""Claims that are out of the biller's hands but not yet adjudicated (the pending-claims queue)."""

REJECTED: frozenset[ClaimStatus] = frozenset({S.REJECTED_999, S.REJECTED_277CA})
"""Turned back by the clearinghouse or payer before adjudication: may be corrected and resent."""

AWAITING_PAYMENT: frozenset[ClaimStatus] = frozenset({S.ACCEPTED_999, S.ACKNOWLEDGED_277CA})
"""Accepted by the payer and waiting for its payment."""

UNSENT: frozenset[ClaimStatus] = frozenset({S.DRAFT, S.READY, S.HOLD}) | REJECTED
"""Not adjudicated by the payer and not in flight: may simply be voided."""

RETIRED: frozenset[ClaimStatus] = frozenset(s for s, to in TRANSITIONS.items() if not to)
"""Void or replaced by a corrected claim: bills nothing any more and never moves again."""

LABELS: dict[ClaimStatus, str] = {
    S.DRAFT: "draft",
    S.READY: "ready",
    S.BATCHED: "batched",
    S.SUBMITTED: "submitted",
    S.ACCEPTED_999: "accepted (999)",
    S.REJECTED_999: "rejected (999)",
    S.ACKNOWLEDGED_277CA: "accepted (277CA)",
    S.REJECTED_277CA: "rejected (277CA)",
    S.PAID: "paid",
    S.PARTIAL: "partly paid",
    S.DENIED: "denied",
    S.CLOSED: "closed",
    S.HOLD: "on hold",
    S.VOID: "void",
    S.REPLACED: "replaced",
}


class TransitionError(ValueError):
    """A claim was asked to move to a state it cannot reach from where it is."""


def check_transition(current: ClaimStatus, target: ClaimStatus) -> None:
    """Raise TransitionError unless `current -> target` is allowed."""
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"a {LABELS[current]} claim cannot become {LABELS[target]}")
