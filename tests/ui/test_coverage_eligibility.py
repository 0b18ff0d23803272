"""One key to ask the payer: F5 on the coverage screen (the sandbox's 271 imported fills the
benefits panel, F6 shows the raw 271 and back) and in charge entry; S on a pending claim."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.db.repositories.status_checks import WAITING
from medbill_tui.edi.sandbox_271 import respond_270
from medbill_tui.records.queues import PendingClaimRow, QueueKind
from medbill_tui.screens.coverage import CoverageScreen
from medbill_tui.screens.coverage_eligibility import BenefitsPanel
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle
from tests.ui.test_patient_screens import form_screen, open_screen


def _panel(form: CoverageScreen) -> str:
    return str(form.query_one(BenefitsPanel).render())


async def test_f5_asks_the_payer_and_the_answer_fills_the_panel(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, services: Services
) -> None:
    with demo_engine.connect() as conn:
        coverage = conn.execute(
            text("""SELECT id, patient_id FROM coverage WHERE effective_to IS NULL
                    AND effective_from <= :today ORDER BY id LIMIT 1"""),
            {"today": DEMO_TODAY},
        ).one()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, CoverageScreen(coverage.patient_id, coverage.id))
        form = form_screen(app)
        assert isinstance(form, CoverageScreen)
        assert "never checked" in _panel(form)
        await pilot.press("f5")
        await app.workers.wait_for_complete()  # the 270 written
        await settle(pilot)
        await app.workers.wait_for_complete()  # the panel read again
        await settle(pilot)
        assert "no answer yet" in _panel(form)
        (sent,) = services.outbox.glob("270_*.x12")
        answer = respond_270(sent.read_text(encoding="ascii"), seed=1, today=DEMO_TODAY)
        services.imports.import_bytes("answer.271.x12", answer.encode("ascii"))
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "ST*271*" in _panel(form)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await settle(pilot)
        shown = _panel(form)
        assert "Eligibility: " in shown and "verified 11/02/2026" in shown
        with demo_engine.connect() as conn:
            outcome = conn.execute(
                text("SELECT outcome FROM eligibility_check WHERE coverage_id = :c"),
                {"c": coverage.id},
            ).scalar_one()
        assert f"Eligibility: {outcome}" in shown
        if outcome == "active":
            assert "copay office visit" in shown and "deductible" in shown


async def test_f5_in_charge_entry_asks_about_the_visits_coverage(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, services: Services
) -> None:
    with demo_engine.connect() as conn:
        visit = conn.execute(
            text("""SELECT e.id, e.coverage_id FROM encounter e JOIN coverage cv
                    ON cv.id = e.coverage_id WHERE e.status = 'unbilled'
                    AND cv.effective_from <= :today
                    AND (cv.effective_to IS NULL OR cv.effective_to >= :today)
                    ORDER BY e.id LIMIT 1"""),
            {"today": DEMO_TODAY},
        ).one()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, EncounterEntryScreen(visit.id))
        await app.workers.wait_for_complete()
        await settle(pilot)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await settle(pilot)
    with demo_engine.connect() as conn:
        asked = (
            conn.execute(text("SELECT coverage_id FROM eligibility_check ORDER BY id"))
            .scalars()
            .all()
        )
    assert asked == [visit.coverage_id]
    (sent,) = services.outbox.glob("270_*.x12")
    assert "EQ*30~" in sent.read_text(encoding="ascii")


async def test_s_in_pending_claims_asks_the_payer_about_the_claim_under_the_cursor(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.kind is QueueKind.PENDING_CLAIMS
        table = screen.query_one(QueueTable)
        waiting = next(
            i for i, r in enumerate(screen.rows)
            if isinstance(r, PendingClaimRow) and r.status in WAITING
        )  # fmt: skip
        table.move_cursor(row=waiting)
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await settle(pilot)
        row = screen.rows[waiting]
        assert isinstance(row, PendingClaimRow)
    with demo_engine.connect() as conn:
        asked = conn.execute(text("SELECT claim_id FROM claim_status_check")).scalars().all()
    assert asked == [row.claim_id]
    (sent,) = services.outbox.glob("276_*.x12")
    assert f"REF*EJ*{row.claim_no}~" in sent.read_text(encoding="ascii")
