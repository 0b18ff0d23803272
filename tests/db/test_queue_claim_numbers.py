"""A queue filter's text may be our claim number or the payer's, in every claim list."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, text

from medbill_tui.records.queues import QueueFilter, QueueKind
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.followups import FollowupService
from medbill_tui.services.queues import QueueService
from tests.conftest import DEMO_TODAY


def rows(svc: QueueService, kind: QueueKind, filt: QueueFilter) -> list[Any]:
    return list(svc.page(kind, filt, None, 500).rows)


def test_claim_numbers_narrow_every_claim_list(demo_engine: Engine) -> None:
    svc = QueueService(demo_engine, Clock(DEMO_TODAY))
    with demo_engine.connect() as conn:
        paid = conn.execute(
            text(
                "SELECT c.claim_no, c.payer_claim_no, p.account_no FROM claim c "
                "JOIN patient p ON p.id = c.patient_id JOIN work_item w ON w.claim_id = c.id "
                "WHERE w.kind = 'denial' AND w.status = 'open' "
                "AND c.payer_claim_no IS NOT NULL ORDER BY c.id LIMIT 1"
            )
        ).one()
    for words in (paid.claim_no, paid.claim_no[1:], paid.payer_claim_no):
        filt = QueueFilter(text=words)
        assert {r.claim_no for r in rows(svc, QueueKind.DENIALS, filt)} == {paid.claim_no}
        by_claim = rows(svc, QueueKind.BALANCES, replace(filt, by_claim=True))
        assert {r.claim_no for r in by_claim} == {paid.claim_no}
        accounts = rows(svc, QueueKind.BALANCES, filt)
        assert {r.account_no for r in accounts} == {paid.account_no}
        for view, shown in ((filt, accounts), (replace(filt, by_claim=True), by_claim)):
            totals = svc.balance_totals(view)
            assert (totals.rows, totals.total) == (len(shown), sum(r.total for r in shown))
        followups = FollowupService(demo_engine, Clock(DEMO_TODAY), "tester")
        due = followups.due_page(show_all=True, filt=filt).rows
        assert due and {r.label for r in due} == {paid.claim_no}
    assert rows(svc, QueueKind.PENDING_CLAIMS, QueueFilter(text=paid.claim_no)) == []
