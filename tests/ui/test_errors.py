"""Service failures become a notification in words; the app keeps working."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp
from tests.conftest import PgCluster
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_details import body_text


async def test_missing_claim_says_not_found(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClaimDetailScreen(987654321))
        await settle(pilot)
        assert spy.titles() == ["Not found"]
        assert "987654321" in spy.notes[0][0] and "Traceback" not in spy.notes[0][0]
        screen = app.screen
        assert isinstance(screen, ClaimDetailScreen)
        assert "could not be shown" in body_text(screen)
        await pilot.press("escape")
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.rows


async def test_lost_database_is_reported_and_survived(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, pg: PgCluster
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert spy.notes == []
        assert demo_engine.url.database is not None
        pg.drop_database(demo_engine.url.database)
        await pilot.press("r")
        await settle(pilot)
        assert spy.titles() == ["Database unavailable"]
        assert "database is not answering" in spy.notes[0][0]
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.rows == []
        assert "could not load" in str(screen.query_one("#queue-rows").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.is_running
