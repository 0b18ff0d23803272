"""Live lists (migration 0023): the transaction that changes a work item or a claim's status
notifies its list with ids only, a bulk statement sends a bounded number of notifications,
and a list re-reads only the rows it was told about."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, text

from medbill_tui.db.repositories.claim_status import move
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.records.live import ListChanges
from medbill_tui.records.queues import QueueKind
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.live import ChangeFeed, LiveService
from medbill_tui.services.queues import QueueService
from medbill_tui.services.work import WorkService
from tests.conftest import DEMO_TODAY


def feed(engine: Engine) -> ChangeFeed:
    return LiveService(engine).open_feed()


def next_changes(changes_feed: ChangeFeed) -> ListChanges:
    found = changes_feed.wait(2.0)
    assert found is not None, "no notification within 2 s"
    return found


def test_a_take_notifies_the_denials_list_with_the_new_holder(demo_engine: Engine) -> None:
    listening = feed(demo_engine)
    try:
        lease = WorkService(demo_engine, Clock(pinned=DEMO_TODAY), "ann", role="biller").next(
            "denials"
        )
        assert lease is not None
        changes = next_changes(listening)
        [change] = changes.of("denials")
        assert (change.work_item_id, change.claim_id) == (lease.work_item_id, lease.claim_id)
        assert (change.was, change.holder, change.status) == (None, "ann", "open")
        assert listening.wait(0.2) is None  # one change, one notification
    finally:
        listening.close()


def test_a_claim_status_change_notifies_the_claims_list(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        claim = conn.execute(
            text("SELECT id FROM claim WHERE status = 'ready' ORDER BY id LIMIT 1")
        ).scalar_one()
    listening = feed(demo_engine)
    try:
        with demo_engine.begin() as conn:
            move(conn, [claim], ClaimStatus.HOLD, "ann", "waiting", columns={"hold_reason": "x"})
        changes = next_changes(listening)
        assert [(c.claim_id, c.status) for c in changes.of("claims")] == [(claim, "hold")]
    finally:
        listening.close()


def test_a_bulk_statement_sends_few_notifications(demo_engine: Engine) -> None:
    """Forty-five items are named in two notifications (at most forty each); over four
    hundred in one statement, the list is told only that many changed."""
    listening = feed(demo_engine)
    try:
        with demo_engine.begin() as conn:
            conn.execute(
                text("""UPDATE work_item SET owner = 'bulk',
                                        lease_until = now() + interval '1 hour'
                                 WHERE id IN (SELECT id FROM work_item WHERE kind = 'denial'
                                              ORDER BY id LIMIT 45)""")
            )
        changes = next_changes(listening)
        assert len(changes.of("denials")) == 45 and not changes.swamped
        with demo_engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO work_item (kind, opened_on, amount) "
                    "SELECT 'credit', current_date, 1 FROM generate_series(1, 401)"
                )
            )
        changes = next_changes(listening)
        assert changes.swamped == frozenset({"credits"}) and not changes.items
    finally:
        listening.close()


def test_a_live_list_reads_only_the_rows_it_was_told_about(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        items = list(conn.execute(text(
            "SELECT id FROM work_item WHERE kind = 'denial' AND status = 'open' ORDER BY id "
            "LIMIT 3")).scalars())  # fmt: skip
        closed = conn.execute(
            text("SELECT id FROM work_item WHERE kind = 'denial' AND status <> 'open' LIMIT 1")
        ).scalar_one()
    statements: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        statements.append((statement, params))

    queues = QueueService(demo_engine, Clock(pinned=DEMO_TODAY))
    event.listen(demo_engine, "before_cursor_execute", seen)
    try:
        rows = queues.rows(QueueKind.DENIALS, [*items, closed])
    finally:
        event.remove(demo_engine, "before_cursor_execute", seen)
    assert sorted(r.work_item_id for r in rows) == items  # type: ignore[union-attr]
    [(sql, params)] = [(s, p) for s, p in statements if "work_item" in s]
    assert "ANY(" in sql and sorted(params["ids"]) == sorted([*items, closed])
    assert params["limit"] == 5  # at most the ids asked for (and one to tell there is more)
