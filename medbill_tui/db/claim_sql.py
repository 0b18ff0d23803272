"""SQL text shared by the schema description (`db/schema`) and the queue queries, in a module
that loads neither (the dashboard's counts run without the schema; see docs/performance.md)."""

from __future__ import annotations

PENDING_STATES = (
    "ready",
    "batched",
    "submitted",
    "accepted_999",
    "rejected_999",
    "acknowledged_277ca",
    "rejected_277ca",
    "hold",
)
"""Claim states the pending-claims queue shows: out with a payer, or about to be."""


def pending_claim_sql(status_column: str = "status") -> str:
    """The pending-claims predicate on `status_column` ("c.status" in a query with aliases)."""
    states = ",".join(f"'{state}'" for state in PENDING_STATES)
    return f"{status_column} IN ({states})"


PENDING_CLAIM_SQL = pending_claim_sql()
"""The pending-claims queue's predicate, shared by its partial index and its query so the
planner can prove the index applies."""
