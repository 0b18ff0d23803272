"""The denial screen of an item reassigned while it was open: `r` `y` is refused in words
naming the new holder, and nothing changes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.shell.app import MedbillApp
from tests.services.test_leases import claim_state, lease_of, reassign_to_raj, session
from tests.ui.conftest import NoteSpy, settle


async def test_the_old_holder_of_a_reassigned_denial_cannot_resubmit_it(
    demo_engine: Engine, tmp_path: Path
) -> None:
    services = session(demo_engine, tmp_path, "ann")
    taken = services.work.next("denials")
    assert taken is not None
    app = MedbillApp(services)
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(taken.work_item_id))
        await settle(pilot)
        reassign_to_raj(demo_engine, taken.work_item_id)  # a supervisor, elsewhere
        before = claim_state(demo_engine, taken.work_item_id)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen)
    errors = [words for words, _, severity in spy.notes if severity == "error"]
    assert any(f"Claim {taken.claim_no} is held by raj until" in words for words in errors), errors
    assert not any(title == "Resubmitted" for _, title, _ in spy.notes)
    assert claim_state(demo_engine, taken.work_item_id) == before
    assert lease_of(demo_engine, taken.work_item_id)[:2] == ("raj", True)
