"""The pending-claims predicate is built from `claim_state.PENDING` and is still the text of
the partial indexes' predicate, so the planner can use `ix_claim_pending`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from medbill_tui.db.claim_sql import PENDING_CLAIM_SQL, pending_claim_sql, status_in
from medbill_tui.domain.claim_state import PENDING
from tests.factories import Builder

INDEX_PREDICATE = (  # as migrations 0001 and 0011 wrote it
    "status IN ('ready','batched','submitted','accepted_999','rejected_999',"
    "'acknowledged_277ca','rejected_277ca','hold')"
)


def test_the_pending_predicate_is_the_index_predicate(engine: Engine) -> None:
    assert status_in(PENDING) == PENDING_CLAIM_SQL == INDEX_PREDICATE
    with engine.begin() as conn:
        conn.execute(text(f"CREATE INDEX ix_probe ON claim (id) WHERE {PENDING_CLAIM_SQL}"))
        predicates = dict(
            conn.execute(
                text(
                    "SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname IN ('ix_probe', 'ix_claim_pending', 'ix_claim_pending_total')"
                )
            ).all()
        )
    assert len(set(predicates.values())) == 1, predicates


def test_the_pending_queue_query_uses_the_partial_index(engine: Engine) -> None:
    day = date(2026, 10, 1)
    with engine.begin() as conn:
        b = Builder(conn)
        patient = b.patient("Index")
        for n in range(40):
            b.claim(patient, day, "submitted" if n % 2 else "paid", created=day)
        conn.execute(text("ANALYZE claim"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        where = pending_claim_sql("c.status")  # as queues.pending_page
        plan = "\n".join(
            conn.execute(
                text(
                    f"EXPLAIN SELECT c.id FROM claim c WHERE {where} "
                    "ORDER BY coalesce(c.submitted_on, c.created_on), c.id LIMIT 10"
                )
            ).scalars()
        )
    assert "using ix_claim_pending on" in plan, plan
