"""What the database says changed, for the screens showing work lists (LISTEN/NOTIFY).

Migration 0023's triggers send, in the transaction that made the change, one notification per
list: `medbill_queue_<list>` with the ids of the items (or claims) that changed. Ids,
statuses and logins only: never PHI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CHANNEL_PREFIX = "medbill_queue_"

LIST_NAMES = ("denials", "rejections", "followups", "unmatched", "credits", "claims")
"""Every list with a channel: the five work-item queues and `claims` (claim status)."""

CHANNELS = tuple(CHANNEL_PREFIX + name for name in LIST_NAMES)


@dataclass(frozen=True, slots=True)
class ItemChange:
    """A work item (or, on `claims`, a claim: `work_item_id` is then None) that changed.

    `was` and `holder` are the logins holding the item before and after (None: free)."""

    list_name: str
    work_item_id: int | None
    claim_id: int | None
    status: str
    was: str | None = None
    holder: str | None = None

    @property
    def handed_over(self) -> bool:
        """The item went from one holder straight to another (a reassignment, or a lease
        that ran out and was taken)."""
        return self.was != self.holder and self.holder is not None


@dataclass(frozen=True, slots=True)
class ListChanges:
    """Changes read from the database in one go, oldest first. `swamped`: lists where one
    statement changed too many rows to name them (refresh to see them)."""

    items: tuple[ItemChange, ...] = ()
    swamped: frozenset[str] = field(default_factory=frozenset)

    def of(self, *list_names: str) -> tuple[ItemChange, ...]:
        return tuple(change for change in self.items if change.list_name in list_names)

    def item_ids(self, *list_names: str) -> set[int]:
        return {c.work_item_id for c in self.of(*list_names) if c.work_item_id is not None}

    def claim_ids(self, *list_names: str) -> set[int]:
        return {c.claim_id for c in self.of(*list_names) if c.claim_id is not None}


def parse_notification(channel: str, payload: str) -> tuple[list[ItemChange], str | None]:
    """The changes one notification names, and its list if it was swamped (else None).
    A payload that is not ours is ignored (nothing changes, no exception)."""
    name = channel.removeprefix(CHANNEL_PREFIX)
    if name not in LIST_NAMES:
        return [], None
    try:
        body: Any = json.loads(payload)
    except ValueError:
        return [], None
    if not isinstance(body, dict):
        return [], None
    if "many" in body:
        return [], name
    changes = []
    for item in body.get("items", ()):
        if not isinstance(item, list) or len(item) < 2:
            continue
        if name == "claims":
            changes.append(ItemChange(name, None, _int(item[0]), str(item[1])))
        elif len(item) == 5:
            work_id, claim_id, status, was, holder = item
            changes.append(
                ItemChange(name, _int(work_id), _int(claim_id), str(status), was, holder)
            )
    return changes, None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def merge(notes: list[tuple[str, str]]) -> ListChanges:
    """Read a batch of raw notifications (channel, payload) into one ListChanges."""
    items: list[ItemChange] = []
    swamped: set[str] = set()
    for channel, payload in notes:
        changes, flooded = parse_notification(channel, payload)
        items.extend(changes)
        if flooded is not None:
            swamped.add(flooded)
    return ListChanges(tuple(items), frozenset(swamped))


@dataclass(frozen=True, slots=True)
class Handover:
    """Who gave a work item to whom (from the audit trail), for the biller who lost or got it.

    `by` None: nobody reassigned it (the lease ran out and `to` took it)."""

    work_item_id: int
    label: str
    """'C100080' (the claim number), else 'item 17'."""
    to: str
    by: str | None
