"""Fixtures for driving the real app against a fresh copy of the demo practice."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

from medbill_tui.runtime.clock import Clock
from medbill_tui.services import Services, build_services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker is running, every message they posted has been handled (a
    handled page may start the next page's worker, hence the loop) and every key typed
    ahead has been delivered (held keys wait for a loading screen)."""
    app = pilot.app

    def busy() -> list[Any]:
        # The database retry runs until the database is back: not something to wait for.
        return [w for w in app.workers if w.group != "db-retry"
                and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]  # fmt: skip

    def keys_held() -> int:
        return app.keys_held if isinstance(app, MedbillApp) else 0

    for _ in range(200):
        with contextlib.suppress(WorkerFailed, WorkerCancelled):  # shown as notifications
            await app.workers.wait_for_complete(busy())
        await pilot.pause()
        if not busy() and not keys_held():
            await pilot.pause()
            if not busy() and not keys_held():
                return
        elif not busy():
            await pilot.pause(0.02)  # held keys go out as the screen allows
    raise AssertionError(f"workers kept running or {keys_held()} keys stayed held")


class NoteSpy:
    """Records every notification the app shows (message, title, severity)."""

    def __init__(self, app: MedbillApp) -> None:
        self.notes: list[tuple[str, str, str]] = []
        real = app.notify

        def notify(
            message: str, *, title: str = "", severity: Any = "information", **kw: Any
        ) -> None:
            self.notes.append((str(message), title, str(severity)))
            real(message, title=title, severity=severity, **kw)

        app.notify = notify  # type: ignore[method-assign]

    def titles(self) -> list[str]:
        return [title for _, title, _ in self.notes]


@pytest.fixture
def services(demo_engine: Engine, tmp_path: Path) -> Iterator[Services]:
    yield build_services(
        demo_engine,
        Clock(pinned=DEMO_TODAY),
        role="admin",  # screens reach every action, supervisors' write-offs included
        outbox=tmp_path / "outbox",
        letters=tmp_path / "letters",
        receipts=tmp_path / "receipts",
        inbox=tmp_path / "inbox",
    )


@pytest.fixture
def make_app(services: Services) -> Callable[..., MedbillApp]:
    def make(**kwargs: Any) -> MedbillApp:
        return MedbillApp(services, **kwargs)

    return make
