"""`v`, `c` and `b` on the claim screen: shown only when the claim allows them, each asks
first, and the screen then shows the chain."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle
from tests.ui.test_details import body_text


def claim_where(engine: Engine, where: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(f"SELECT id FROM claim WHERE {where} ORDER BY id LIMIT 1")
            ).scalar_one()
        )


def shown(screen: ClaimDetailScreen) -> set[str]:
    keys = {"void_claim": "v", "correct_claim": "c", "rebill_claim": "b"}
    return {key for action, key in keys.items() if screen.check_action(action, ())}


async def test_void_then_correct_from_the_claim_screen(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    paid = claim_where(demo_engine, "status = 'paid' AND payer_claim_no IS NOT NULL")
    unanswered = claim_where(demo_engine, "status = 'submitted' AND payer_claim_no IS NULL")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClaimDetailScreen(unanswered))
        await settle(pilot)
        assert shown(app.screen) == {"c", "b"}  # nothing to void: the payer has no number
        await pilot.press("escape")
        screen = ClaimDetailScreen(paid)
        await app.push_screen(screen)
        await settle(pilot)
        assert shown(screen) == {"v", "c"}
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "REF*F8" in app.screen.question
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert app.screen is screen and "Voided by" not in body_text(screen)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and "Voided by" in body_text(screen)
        assert "replaced" in body_text(screen) and shown(screen) == set()
        await pilot.press("escape")
        denied = claim_where(demo_engine, "status = 'denied' AND payer_claim_no IS NOT NULL")
        await app.push_screen(ClaimDetailScreen(denied))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, EncounterEntryScreen)  # the visit, to correct
    with demo_engine.connect() as conn:
        made = (
            conn.execute(
                text("SELECT frequency FROM claim WHERE replaces_claim_id IN (:p, :d) ORDER BY id"),
                {"p": paid, "d": denied},
            )
            .scalars()
            .all()
        )
    assert made == ["8", "7"]
