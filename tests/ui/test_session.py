"""The session's edges: automatic logoff after a quiet spell, and a database that goes away
and comes back (one standing notice, retries, the screen carries on)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.app import MedbillApp
from medbill_tui.screens.queue import QueueScreen
from tests.conftest import PgCluster
from tests.ui.conftest import NoteSpy, settle


async def test_idle_logs_out_and_frees_held_work(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app(idle_minutes=0.01)  # 0.6 s without a key
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lease = app.services.work.next("denials")
        assert lease is not None
        for _ in range(40):
            if not app.is_running:
                break
            await asyncio.sleep(0.1)
        assert app.end_reason == "idle"
    with demo_engine.connect() as conn:
        owner = conn.execute(text("SELECT owner FROM work_item WHERE id = :i"),
                             {"i": lease.work_item_id}).scalar_one()  # fmt: skip
    assert owner is None


async def test_keys_keep_the_session_alive(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app(idle_minutes=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(12):
            await pilot.press("j")
            await asyncio.sleep(0.1)
        assert app.is_running and app.end_reason == "tui"


async def test_database_away_then_back(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, pg: PgCluster
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    name = demo_engine.url.database
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.rows
        _set_connections(pg, str(name), allowed=False)
        demo_engine.dispose()
        app.services.engine.dispose()
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("r")  # a second failure does not stack a second notice
        await settle(pilot)
        assert spy.titles().count("Database unavailable") == 1
        assert isinstance(app.screen, QueueScreen) and app.is_running
        _set_connections(pg, str(name), allowed=True)
        for _ in range(60):
            if "Reconnected" in spy.titles():
                break
            await asyncio.sleep(0.1)
        await settle(pilot)
        assert "Reconnected" in spy.titles()
        assert queue.rows  # reloaded once the database answered


def _set_connections(pg: PgCluster, name: str, *, allowed: bool) -> None:
    """Refuse (and cut) or allow again connections to one test database."""
    with pg.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = :n AND pid <> pg_backend_pid()"),
                {"n": name},
            )  # fmt: skip
