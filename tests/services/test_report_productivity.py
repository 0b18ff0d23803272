"""Productivity comes from what users did (events, audit rows, notes), not from counters."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.denials import DenialService
from medbill_tui.services.reports import ReportService
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY


def open_denials(engine: Engine, n: int) -> list[int]:
    """Open denials whose payer still owes on the claim (so every action applies), the first
    of them not a contractual (CO) one (so it may be moved to the patient)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("""SELECT w.id FROM work_item w WHERE w.kind = 'denial' AND w.status = 'open'
                        AND w.amount <= 100 AND EXISTS (
                            SELECT 1 FROM ledger_entry le WHERE le.claim_id = w.claim_id
                            GROUP BY le.responsibility HAVING sum(le.amount) > 0)
                        ORDER BY w.group_code = 'CO', w.opened_on, w.id LIMIT :n"""),
                {"n": n},
            ).scalars()
        )


def test_productivity_counts_what_each_user_did(demo_engine: Engine, tmp_path: Path) -> None:
    clock = Clock(DEMO_TODAY)
    created = ClaimService(demo_engine, clock, "biller1").create()
    sent = SubmissionService(demo_engine, clock, "biller1", tmp_path / "out").submit()
    assert created.created > 0 and sent.claims >= created.created
    first, second, third = open_denials(demo_engine, 3)
    worker = DenialService(demo_engine, clock, "biller2", tmp_path / "letters")
    worker.transfer_to_patient(first)
    worker.write_off(second, "small balance")
    DenialService(demo_engine, clock, "biller3", tmp_path).add_note(third, "called the payer", None)
    with demo_engine.connect() as conn:
        days = conn.execute(
            text("SELECT (closed_at AT TIME ZONE 'UTC')::date - opened_on FROM work_item "
                 "WHERE id IN (:a, :b)"), {"a": first, "b": second},
        ).scalars().all()  # fmt: skip
    now = datetime.now(UTC).date()
    start, end = min(now, DEMO_TODAY) - timedelta(1), max(now, DEMO_TODAY) + timedelta(1)
    report = ReportService(demo_engine, Clock(end)).productivity(start, end)
    users = {u.user: u for u in report.users}
    b1, b2, b3 = users["biller1"], users["biller2"], users["biller3"]
    assert (b1.claims_created, b1.claims_submitted) == (created.created, sent.claims)
    assert (b1.items_worked, b1.denials_resolved, b1.median_days_to_resolve) == (0, 0, None)
    assert (b2.items_worked, b2.denials_resolved, b2.claims_created) == (2, 2, 0)
    assert b2.median_days_to_resolve == Decimal(str(statistics.median(days))).quantize(
        Decimal("0.1")
    )
    assert (b3.items_worked, b3.denials_resolved) == (1, 0)
    # the demo's own history counts for its user, and a period before it all is empty
    year = ReportService(demo_engine, clock).productivity(DEMO_TODAY - timedelta(364), DEMO_TODAY)
    demo = {u.user: u for u in year.users}["demo"]
    assert demo.claims_created > 0 and demo.denials_resolved > 0 and demo.items_worked > 0
    assert demo.median_days_to_resolve is not None and demo.median_days_to_resolve >= 2
    before = ReportService(demo_engine, Clock(end)).productivity(
        DEMO_TODAY - timedelta(days=2000), DEMO_TODAY - timedelta(days=1900)
    )
    assert before.users == ()
