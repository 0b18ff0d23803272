"""Records of work claiming: the item a biller took with `n` / `medbill work next`, and its lease.

Plain frozen dataclasses like `records.py` (no SQLAlchemy, no Textual), so screens import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Queue = Literal["denials", "rejections", "followups", "unmatched", "credits"]

QUEUE_KINDS: dict[str, str] = {
    "denials": "denial",
    "rejections": "rejection",
    "followups": "followup",
    "unmatched": "unmatched",
    "credits": "credit",
}
"""Each work queue and the `work_item.kind` it hands out."""


@dataclass(frozen=True, slots=True)
class WorkLease:
    """A work item held by `owner` until `lease_until` (what `next`, `renew`, `reassign` give).

    `patient_name` is PHI: show it, never log it.
    """

    work_item_id: int
    kind: str
    owner: str
    lease_until: datetime
    claim_id: int | None
    claim_no: str | None
    patient_id: int | None
    patient_name: str | None
    account_no: str | None
    encounter_id: int | None
    detail: str | None
    """The item's own words (why it was rejected, denied, to follow up)."""

    @property
    def label(self) -> str:
        """'claim C100123', 'account A00042' or 'item 17'."""
        if self.claim_no:
            return f"claim {self.claim_no}"
        if self.account_no:
            return f"account {self.account_no}"
        return f"item {self.work_item_id}"


CLI_SOURCE = "cli"
"""`lease_source` of a lease taken on the command line: it lasts until released or expired."""
REASSIGNED_SOURCE = "reassigned"
"""`lease_source` of a lease a supervisor gave: no session of the new holder took it."""


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    """Where the acting user takes leases (`source`: 'cli' or their app session's id) and for
    how long: an action on a free item takes it on these terms."""

    source: str = CLI_SOURCE
    minutes: int = 30


@dataclass(frozen=True, slots=True)
class Released:
    """What `release` did: `released` False means nothing changed (`words` says why)."""

    work_item_id: int
    released: bool
    words: str


def until_words(lease_until: datetime) -> str:
    """'14:32' today, else '11/05 14:32', in the host's local time."""
    local = lease_until.astimezone()
    now = datetime.now(local.tzinfo)
    return f"{local:%H:%M}" if local.date() == now.date() else f"{local:%m/%d %H:%M}"


def nothing_free_words(
    queue: str, open_items: int, held: int, resting: int, just_taken: int, *, minutes: int
) -> str:
    """Why `n` / `work next` found nothing in `queue`: each reason with its count."""
    if open_items == 0:
        return f"Nothing to take: the {queue} list is empty."
    reasons = []
    if held:
        reasons.append(f"{held} held by someone")
    if resting:
        reasons.append(f"{resting} waiting for a later follow-up date")
    if just_taken:
        reasons.append(
            f"{just_taken} handed to you in the last {minutes} minutes (Enter on the list "
            "opens one)"
        )
    return f"Nothing to take in {queue}: " + ("; ".join(reasons) or "nothing is free") + "."
