"""Patient statements and the dunning cycle: which step a guarantor is at and what a run
does for them (pure; no I/O).

A cycle is first statement → reminder → final notice → proposed for collections, each step
a configurable number of days after the one before (`DunningPolicy`). Paying the balance to
zero or below closes the cycle; a later balance starts a new one with a first statement.
A re-run on the same as-of date finds each step already recorded for that date and the next
one not due yet, so it sends nothing twice.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from medbill_tui.domain.money import fmt_money
from medbill_tui.records.statements import (
    ZERO,
    Action,
    CycleState,
    Decision,
    DunningPolicy,
    StatementAccount,
    Step,
)

ACTIVE = frozenset({Step.FIRST, Step.REMINDER, Step.FINAL, Step.COLLECTIONS})
"""Steps that mean a cycle is running (CLOSED or nothing: no cycle)."""

NEXT_STEP = {Step.FIRST: Step.REMINDER, Step.REMINDER: Step.FINAL}


def days_after(step: Step, policy: DunningPolicy) -> int:
    """Days from `step` (a statement) to the next step of the cycle."""
    if step is Step.FIRST:
        return policy.reminder_days
    if step is Step.REMINDER:
        return policy.final_days
    return policy.collections_days


def pay_by(step: Step, as_of: date, policy: DunningPolicy) -> date:
    """The pay-by date printed on a statement of `step` dated `as_of`."""
    return as_of + timedelta(days=days_after(step, policy))


def is_active(cycle: CycleState) -> bool:
    return cycle.step in ACTIVE


def decide(account: StatementAccount, policy: DunningPolicy, as_of: date) -> Decision | None:
    """What a run as of `as_of` does for `account`; None when there is nothing to say
    (no balance and no cycle running)."""
    cycle = account.cycle
    balance = account.balance
    if balance <= ZERO:
        if is_active(cycle):
            why = "paid in full" if balance == ZERO else f"credit balance {fmt_money(-balance)}"
            return Decision(Action.CLOSE, Step.CLOSED, cycle.cycle_no, why)
        if balance < ZERO:
            return Decision(
                Action.SKIP, None, cycle.cycle_no, f"credit balance {fmt_money(-balance)}: refund"
            )
        return None
    if cycle.step is Step.COLLECTIONS:
        return Decision(Action.SKIP, None, cycle.cycle_no, f"referred to collections on {cycle.on}")
    if account.hold_reason is not None:
        why = f"on statement hold: {account.hold_reason}" if account.hold_reason else "on hold"
        return Decision(Action.SKIP, None, cycle.cycle_no, why)
    if balance < policy.minimum:
        why = f"below the minimum statement amount {fmt_money(policy.minimum)}"
        return Decision(Action.SKIP, None, cycle.cycle_no, why)
    if not is_active(cycle) or cycle.step is None or cycle.on is None:
        return Decision(Action.SEND, Step.FIRST, cycle.cycle_no + 1, "new balance")
    due = cycle.on + timedelta(days=days_after(cycle.step, policy))
    if cycle.step is Step.FINAL:
        if as_of >= due:
            return Decision(
                Action.PROPOSE,
                Step.COLLECTIONS,
                cycle.cycle_no,
                f"final notice sent {cycle.on}, unpaid",
                due,
            )
        return Decision(Action.WAIT, None, cycle.cycle_no, f"collections review {due}", due)
    following = NEXT_STEP[cycle.step]
    if as_of >= due:
        return Decision(
            Action.SEND, following, cycle.cycle_no, f"{cycle.step.label} sent {cycle.on}, unpaid"
        )
    return Decision(Action.WAIT, None, cycle.cycle_no, f"{following.label} due {due}", due)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def file_name(account_no: str, step: Step) -> str:
    """The statement's file name in its run folder: account and step, safe for any disk."""
    safe = _UNSAFE.sub("_", account_no).strip("_") or "account"
    return f"{safe}_{step.value}.txt"


def run_folder_name(as_of: date, run_id: int) -> str:
    """A run's folder under the statements directory: the as-of date and the run number."""
    return f"{as_of.isoformat()}_run{run_id}"
