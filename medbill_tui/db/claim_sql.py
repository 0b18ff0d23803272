"""SQL text shared by the schema description (`db/schema`) and the queue queries, in a module
that loads neither (the dashboard's counts run without the schema; see docs/performance.md)."""

from __future__ import annotations

PENDING_CLAIM_SQL = (
    "status IN ('ready','batched','submitted','accepted_999','rejected_999',"
    "'acknowledged_277ca','rejected_277ca','hold')"
)
"""The pending-claims queue's predicate, shared by its partial index and its query so the
planner can prove the index applies."""
