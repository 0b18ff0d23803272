"""Frozen records of duplicate patients and of merging two accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """Another patient a save may duplicate, and why it matched."""

    patient_id: int
    account_no: str
    name: str
    dob: date
    address: str
    phone: str
    payer: str
    """The payer of the coverage shown (the one that matched, else the current primary)."""
    member_id: str
    why: str
    """'same name and date of birth' or 'same member id on PAYER'."""


@dataclass(frozen=True, slots=True)
class MergeParty:
    """One of the two accounts of a merge."""

    patient_id: int
    account_no: str
    name: str
    dob: date
    merged_into: str | None
    """The survivor's account number when this patient was merged already."""


@dataclass(frozen=True, slots=True)
class MergePlan:
    """What merging `source` into `target` moves (rows per kind, in order) and what stops it."""

    source: MergeParty
    target: MergeParty
    counts: tuple[tuple[str, int], ...]
    blockers: tuple[str, ...]
    """Why the merge cannot go ahead now (held work items, unsaved drafts); empty: it can."""
    notes: tuple[str, ...] = ()
    """What the biller should know (rows that stay, coverages that overlap after it)."""

    def moved(self) -> int:
        return sum(n for _, n in self.counts)

    def counts_text(self) -> str:
        """`3 visits, 2 claims, …` (kinds with no rows left out)."""
        return (
            ", ".join(f"{n} {what}" for what, n in self.counts if n) or "no rows (an empty account)"
        )
