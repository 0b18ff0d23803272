"""Every screen is reachable by a key: patients, inbox, authorizations, denials, raw EDI."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from medbill_tui.records.queues import DenialRow, QueueKind, RejectionRow
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.edi_view import EdiViewScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.inbox import InboxScreen
from medbill_tui.screens.patient_search import PatientSearchScreen
from medbill_tui.screens.pending_auths import PendingAuthorizationsScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp, known_binding_ids
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import settle


async def test_number_keys_open_the_other_work_screens(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, screen_type in (("5", PatientSearchScreen), ("6", InboxScreen),
                                 ("7", PendingAuthorizationsScreen)):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert len(app.screen_stack) == 2  # always right above the dashboard
            await pilot.press("escape")
            await settle(pilot)


async def test_enter_on_a_denial_works_it_and_v_shows_the_claim(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        row = queue.rows[0]
        assert isinstance(row, DenialRow)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EdiViewScreen)


def test_every_new_binding_can_be_remapped() -> None:
    ids = known_binding_ids()
    assert {"app.patients", "app.inbox", "app.pending-auths", "claim.edi"} <= ids
    assert any(i.startswith("denial.") for i in ids) and any(i.startswith("inbox.") for i in ids)


async def test_t_cycles_the_pending_claims_timers(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        everything = len(queue.rows)
        seen = []
        for _ in range(4):
            await pilot.press("t")
            await settle(pilot)
            seen.append(queue.filter.timer)
            assert len(queue.rows) <= everything
        assert seen == ["no-999", "no-277ca", "no-payment", ""]
        assert len(queue.rows) == everything


async def test_capital_r_resends_a_rejected_claim(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        while not queue.complete:
            await pilot.press("end")
            await settle(pilot)
        index = next(i for i, row in enumerate(queue.rows)
                     if getattr(row, "status", "").startswith("rejected"))  # fmt: skip
        claim_no = queue.rows[index].claim_no  # type: ignore[union-attr]
        queue.query_one(QueueTable).move_cursor(row=index)
        await pilot.press("R")
        await settle(pilot)
        statuses = {r.claim_no: r.status for r in queue.rows if hasattr(r, "claim_no")}
        assert statuses[claim_no] == "ready"


async def test_rejections_queue_f_fixes_and_r_resends(make_app: Callable[..., MedbillApp]) -> None:
    """Key 8 lists rejections with the reason in words; R makes one ready and it leaves the
    list (the cursor stays on its neighbour); f opens charge entry on the claim's visit."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("8")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.kind is QueueKind.REJECTIONS
        rows = list(queue.rows)
        assert len(rows) >= 2 and all(isinstance(r, RejectionRow) for r in rows)
        assert all(r.reason.startswith(("999: ", "277CA ")) for r in rows)  # type: ignore[union-attr]
        first, second = rows[0], rows[1]
        assert isinstance(first, RejectionRow) and isinstance(second, RejectionRow)
        await pilot.press("R")
        await settle(pilot)
        assert first.work_item_id not in {r.work_item_id for r in queue.rows}  # type: ignore[union-attr]
        assert queue.current_row == second
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, EncounterEntryScreen)
        assert app.screen.encounter_id == second.encounter_id
    with app.services.claims.engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM claim WHERE id = :c"),
                              {"c": first.claim_id}).scalar_one()  # fmt: skip
    assert status == "ready"


async def test_s_previews_then_sends_the_ready_claims(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        ready = sum(1 for r in queue.rows if getattr(r, "status", "") == "ready")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "ready claim" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is queue
        outbox = app.services.submissions.outbox
        files = list(outbox.glob("837P_*.x12"))
        assert len(files) == 1 and files[0].read_text().count("CLM*") >= ready > 0
        assert not any(getattr(r, "status", "") == "ready" for r in queue.rows)
