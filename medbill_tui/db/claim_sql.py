"""SQL text shared by the schema description (`db/schema`) and the queue queries, in a module
that loads neither (the dashboard's counts run without the schema; see docs/performance.md).

Lists of claim statuses in SQL are built here from the sets in `domain.claim_state`, never
written out by hand."""

from __future__ import annotations

from collections.abc import Iterable

from medbill_tui.domain.claim_state import PENDING, REJECTED, RETIRED, ClaimStatus


def status_list(states: Iterable[ClaimStatus]) -> str:
    """`'ready','batched'`: the states as SQL literals, in the order `ClaimStatus` declares
    them (so the same set always gives the same text)."""
    wanted = frozenset(states)
    if not wanted:
        raise ValueError("an empty list of claim states has no SQL")
    return ",".join(f"'{state.value}'" for state in ClaimStatus if state in wanted)


def status_in(states: Iterable[ClaimStatus], column: str = "status") -> str:
    """`column IN ('a','b')` for the states."""
    return f"{column} IN ({status_list(states)})"


def status_not_in(states: Iterable[ClaimStatus], column: str = "status") -> str:
    """`column NOT IN ('a','b')` for the states."""
    return f"{column} NOT IN ({status_list(states)})"


def pending_claim_sql(status_column: str = "status") -> str:
    """The pending-claims predicate on `status_column` ("c.status" in a query with aliases)."""
    return status_in(PENDING, status_column)


PENDING_CLAIM_SQL = pending_claim_sql()
"""The pending-claims queue's predicate, shared by its partial index and its query so the
planner can prove the index applies. Its text is the index predicate of migrations 0001 and
0011 ("status IN ('ready','batched',…,'hold')"); tests/db/test_claim_status_sql.py checks both."""


LIVE_CLAIM_SQL = status_not_in(RETIRED)
"""Not void and not replaced: the predicate of the one-live-replacement index (migration 0015,
"status NOT IN ('void','replaced')")."""


CORRECTABLE_SQL = (
    "EXISTS (SELECT 1 FROM claim c WHERE c.encounter_id = encounter.id AND "
    f"({status_in(REJECTED, 'c.status')} OR EXISTS (SELECT 1 FROM work_item w "
    "WHERE w.claim_id = c.id AND w.kind = 'denial' AND w.status = 'open') "
    "OR (c.status = 'ready' AND c.replaces_claim_id IS NOT NULL AND c.frequency <> '8')))"
)
"""A billed encounter may still be corrected while its claim is rejected or has an open
denial (the denial's resubmit then bills the corrected charges), or while a corrected claim
of it waits to be sent (a save puts the corrected charges on it)."""
