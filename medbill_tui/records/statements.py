"""Records of patient statements and the dunning cycle (no SQLAlchemy, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class DunningPolicy:
    """Settings of the dunning cycle: days between its steps and the smallest statement.

    A first statement goes out when a guarantor owes at least `minimum`; the reminder
    `reminder_days` after it, the final notice `final_days` after the reminder; the account
    is proposed for collections `collections_days` after the final notice.
    """

    reminder_days: int = 30
    final_days: int = 30
    collections_days: int = 30
    minimum: Decimal = Decimal("5.00")


class Step(StrEnum):
    """A step of a guarantor's dunning cycle as recorded in `dunning_event.step`."""

    FIRST = "first"
    REMINDER = "reminder"
    FINAL = "final"
    COLLECTIONS = "collections"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.FIRST: "statement",
    Step.REMINDER: "reminder",
    Step.FINAL: "final notice",
    Step.COLLECTIONS: "collections",
    Step.CLOSED: "cycle closed",
}


class Action(StrEnum):
    """What a run does for one guarantor."""

    SEND = "send"
    """Send a statement (first, reminder or final notice)."""
    SKIP = "skip"
    """Owes money but gets nothing: on hold, below the minimum, already in collections."""
    WAIT = "wait"
    """In a cycle whose next step is not due yet (a re-run on the same day lands here)."""
    PROPOSE = "propose"
    """Past the final notice: proposed for collections (a supervisor confirms)."""
    CLOSE = "close"
    """Paid in full during a cycle: the cycle is closed (a new balance starts a new one)."""


@dataclass(frozen=True, slots=True)
class CycleState:
    """The latest recorded step of a guarantor's dunning (cycle 0, no step: never billed)."""

    cycle_no: int = 0
    step: Step | None = None
    on: date | None = None


@dataclass(frozen=True, slots=True)
class StatementAccount:
    """A guarantor with a patient-responsibility balance (summed over their patients)."""

    guarantor_id: int
    account_no: str
    name: str
    address1: str
    city: str
    state: str
    zip: str
    balance: Decimal
    hold_reason: str | None
    """None: not on hold; else why (the guarantor's or one of their patients' hold)."""
    cycle: CycleState = CycleState()


@dataclass(frozen=True, slots=True)
class Decision:
    """A run's decision for one guarantor."""

    action: Action
    step: Step | None
    cycle_no: int
    reason: str = ""
    due_on: date | None = None
    """WAIT: when the next step is due; PROPOSE: since when collections was due."""


@dataclass(frozen=True, slots=True)
class VisitLine:
    """One visit on a statement: what it cost and who paid what. Amounts are positive
    numbers of money (charges, paid, adjusted) except `due`, the patient's balance."""

    patient_id: int
    patient_account: str
    patient_name: str
    encounter_id: int
    dos: date
    provider: str
    charges: Decimal
    insurance_paid: Decimal
    adjusted: Decimal
    patient_paid: Decimal
    insurance_pending: Decimal
    due: Decimal
    billed_direct: bool = False
    """Billed to the patient with no claim (self-pay, or the biller's choice): its statement
    lines say nothing of insurance."""


@dataclass(frozen=True, slots=True)
class PracticeInfo:
    """Who the statement comes from."""

    name: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One guarantor in a run's result: what was (or would be) done and why."""

    guarantor_id: int
    account_no: str
    name: str
    balance: Decimal
    decision: Decision
    file: str = ""
    """The statement file (empty unless a statement was written)."""


@dataclass(frozen=True, slots=True)
class StatementRunResult:
    """What a statement run did (or, dry, would do)."""

    as_of: date
    dry_run: bool
    entries: tuple[StatementEntry, ...]
    folder: str = ""
    run_id: int | None = None

    def having(self, action: Action) -> tuple[StatementEntry, ...]:
        return tuple(e for e in self.entries if e.decision.action is action)

    @property
    def sent(self) -> tuple[StatementEntry, ...]:
        return self.having(Action.SEND)

    @property
    def amount(self) -> Decimal:
        return sum((e.balance for e in self.sent), ZERO)


@dataclass(frozen=True, slots=True)
class CollectionsResult:
    """Accounts referred to collections by a supervisor's confirmation."""

    confirmed: tuple[StatementEntry, ...]
