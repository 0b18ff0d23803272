"""Frozen records of claims going out and answers coming in: claim runs, submissions, the
inbox, raw EDI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


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
class NotBillable:
    """An encounter asked for by id that is not an unbilled visit, and why."""

    encounter_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class ClaimRun:
    """What creating claims would do (dry run) or did: claims per payer and what was skipped."""

    dry_run: bool
    batches: tuple[PayerBatch, ...]
    skipped: tuple[SkippedEncounter, ...]
    claim_ids: tuple[int, ...] = ()
    not_billable: tuple[NotBillable, ...] = ()
    """Encounters asked for by id that are unknown, billed, held or void."""

    @property
    def created(self) -> int:
        return sum(b.claims for b in self.batches)

    @property
    def amount(self) -> Decimal:
        return sum((b.amount for b in self.batches), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class ClaimVersion:
    """A claim's number, status and version, read under a row lock before an action."""

    claim_no: str
    status: str
    version: int


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
    repaired: tuple[str, ...] = ()
    """Files of earlier runs written again because they never reached the outbox."""

    @property
    def claims(self) -> int:
        return sum(g.claims for g in self.groups)

    @property
    def amount(self) -> Decimal:
        return sum((g.amount for g in self.groups), Decimal("0.00"))


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


@dataclass(frozen=True, slots=True)
class ClaimReplaced:
    """A corrected claim, void or rebill made from a sent claim (ready to send)."""

    claim_id: int
    claim_no: str
    frequency: str
    """7 replacement, 8 void, 1 original (a rebill, or a correction the payer had no number for)"""
    replaced_no: str
    closed_items: int
    """Open work items of the replaced claim closed with it."""
