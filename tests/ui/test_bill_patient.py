"""P on the unbilled queue: a visit billed to the patient leaves the queue in one step."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.records.queues import UnbilledRow
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_claim_actions import put_cursor_on, queue


def _make_self_pay(engine: Engine) -> int:
    with engine.begin() as conn:
        encounter = conn.execute(
            text(
                "SELECT e.id FROM encounter e WHERE e.status = 'unbilled' AND EXISTS "
                "(SELECT 1 FROM charge c WHERE c.encounter_id = e.id) ORDER BY e.dos, e.id "
                "LIMIT 1"
            )
        ).scalar_one()
        conn.execute(
            text("UPDATE encounter SET coverage_id = NULL, authorization_id = NULL WHERE id = :id"),
            {"id": encounter},
        )
    return int(encounter)


def _status(engine: Engine, encounter: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT status FROM encounter WHERE id = :id"), {"id": encounter}
            ).scalar_one()
        )


async def test_p_bills_a_self_pay_visit_then_an_insured_one_with_a_reason(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    self_pay = _make_self_pay(demo_engine)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        row = await put_cursor_on(app, lambda r: r.encounter_id == self_pay)
        assert row.self_pay and row.payer_name == "Self-pay"
        await pilot.press("P")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Billed to patient" in spy.titles()
        shown = [r.encounter_id for r in queue(app).rows if isinstance(r, UnbilledRow)]
        assert self_pay not in shown
        insured = await put_cursor_on(app, lambda r: not r.self_pay)
        await pilot.press("P")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"not covered", "enter")
        await settle(pilot)
    assert _status(demo_engine, self_pay) == "patient"
    assert _status(demo_engine, insured.encounter_id) == "patient"
