"""Records of follow-up work: the due list's rows, a payer call, what a note or a done did.

Plain frozen dataclasses like `records.py` (no SQLAlchemy, no Textual), so screens import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

Entity = Literal["claim", "patient"]
"""What a follow-up is about: a claim, or an account (a patient)."""

RANK_DENIAL = 0
"""A denial whose due date (appeal deadline) is within the warning days."""
RANK_UNPAID = 1
"""A claim accepted by the payer with no payment after the no-payment timer."""
RANK_OTHER = 2
"""Any other follow-up that has come due."""


@dataclass(frozen=True, slots=True)
class PayerCall:
    """A call to a payer about a claim: who answered, their reference number, the outcome."""

    rep: str
    reference: str
    outcome: str


@dataclass(frozen=True, slots=True)
class NoteEntry:
    """What the note dialog gives back: the text, an optional next-action date, a call."""

    body: str
    next_on: date | None = None
    call: PayerCall | None = None


@dataclass(frozen=True, slots=True)
class FollowupRow:
    """One row of the follow-up list (a `followup` or near-deadline `denial` work item)."""

    work_item_id: int
    kind: str
    entity: Entity
    entity_id: int
    claim_id: int | None
    label: str
    """The claim number, or the account number for an account follow-up."""
    patient_name: str
    """PHI: show, never log."""
    payer_name: str
    rank: int
    why: str
    due_on: date
    amount: Decimal
    """What is still owed on the claim (all payers and the patient) or the account."""
    owner: str | None
    holder: str | None = None
    """Who holds the item now (`n` gave it to them, lease running); None: free."""


@dataclass(frozen=True, slots=True)
class FollowupSaved:
    """A note was written; `due_on` is the follow-up's date when one was created or moved."""

    note_id: int
    work_item_id: int | None
    due_on: date | None
    moved: bool
    """True when an open follow-up existed and its date was moved."""


@dataclass(frozen=True, slots=True)
class FollowupDone:
    """A follow-up was closed (`due_on` None) or moved to `due_on`."""

    work_item_id: int
    due_on: date | None


@dataclass(frozen=True, slots=True)
class EntityNote:
    """A note on a claim or account, newest first in lists."""

    at: datetime
    author: str
    body: str


@dataclass(frozen=True, slots=True)
class EntityFollowup:
    """A claim's or account's open follow-up (if any) and its latest notes."""

    due_on: date | None
    owner: str | None
    notes: tuple[EntityNote, ...]
