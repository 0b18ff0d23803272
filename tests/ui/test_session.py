"""The session's edges: automatic logoff after a quiet spell frees held work; keys keep the
session alive; a session that ends keeps the entry on screen as a draft; a database that
refuses connections and comes back (one standing notice, "Reconnected", the rows load again).
(A dropped database is covered by test_errors.py, a save while it is gone by test_drafts.py,
SIGHUP and SIGTERM to the real binary by tests/e2e/test_hangup.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.services.work import WorkService
from medbill_tui.shell.app import MedbillApp
from tests.conftest import PgCluster
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_drafts import database_gone, drafts
from tests.ui.test_encounter_entry import entry, insured_patient, open_new_entry


async def test_idle_logs_out_and_frees_the_work_the_session_took(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app(idle_minutes=0.01)  # 0.6 s without a key
    lease = app.services.work.next("denials")  # before: the logoff may come while it settles
    cli = WorkService(demo_engine, app.services.clock, app.services.actor, role="biller")
    by_cli = cli.next("denials")  # the same login on the command line: not the session's
    assert lease is not None and by_cli is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(150):  # a generous deadline, not a timing
            if not app.is_running:
                break
            await asyncio.sleep(0.1)
        assert app.end_reason == "idle"
    with demo_engine.connect() as conn:
        owner = conn.execute(text("SELECT owner FROM work_item WHERE id = :i"),
                             {"i": lease.work_item_id}).scalar_one()  # fmt: skip
        cli_owner = conn.execute(text("SELECT owner FROM work_item WHERE id = :i "
                                      "AND lease_until > now()"),
                                 {"i": by_cli.work_item_id}).scalar_one()  # fmt: skip
    assert owner is None
    assert cli_owner == app.services.actor  # a CLI lease outlives the app session


async def test_keys_keep_the_session_alive(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app(idle_minutes=0.05)  # 3 s: a slow start under load is not a quiet spell
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(30):  # 6 s and more of keys, twice the limit
            await pilot.press("j")
            await asyncio.sleep(0.2)
        assert app.is_running and app.end_reason == "tui"


async def test_a_session_that_ends_keeps_the_entry_before_the_typing_pause(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    """The draft is kept by the ending itself, not by the typing pause's timer."""
    patient = insured_patient(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_entry(pilot, patient)
        await pilot.press(*"I10")
        assert entry(app).draft_waiting  # the pause has not kept the diagnosis yet
        assert all(d["form"]["diagnoses"] == [] for d in drafts(demo_engine))
        lease = app.services.work.next("denials")
        assert lease is not None
        app.end_session("idle")  # 'hangup' would also end this (the test's) process
        await pilot.pause()
    [kept] = drafts(demo_engine)
    assert kept["id"] is None and kept["form"]["diagnoses"] == ["I10"]
    assert kept["form"]["patient_id"] == patient.patient_id
    with demo_engine.connect() as conn:
        owner = conn.execute(text("SELECT owner FROM work_item WHERE id = :i"),
                             {"i": lease.work_item_id}).scalar_one()  # fmt: skip
    assert owner is None


async def until(pilot: Any, done: Callable[[], bool], what: str, seconds: float = 90.0) -> None:
    """Poll until `done()` (a generous deadline against a hang; no timing is asserted)."""
    for _ in range(int(seconds / 0.1)):
        if done():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never {what}")


async def test_a_database_that_refuses_then_comes_back(
    make_app: Callable[..., MedbillApp], demo_engine: Engine, pg: PgCluster
) -> None:
    name = demo_engine.url.database
    assert name is not None
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.rows
        shown = len(screen.rows)
        with database_gone(pg, name):
            await pilot.press("r")
            await settle(pilot)
            assert spy.titles() == ["Database unavailable"] and screen.rows == []
            await pilot.press("r")  # still gone: no second notice
            await settle(pilot)
            assert spy.titles() == ["Database unavailable"]
            assert app.is_running and app.screen is screen
        # allowed again: the next retry finds it, says so and loads the queue again
        await until(pilot, lambda: "Reconnected" in spy.titles(), "reconnected")
        await settle(pilot)
        assert spy.titles() == ["Database unavailable", "Reconnected"]
        assert app.screen is screen and len(screen.rows) == shown
        assert "Database unavailable" not in [n.title for n in app._notifications]

        # it can go away again: a new notice, and quitting does not wait on the retry
        with database_gone(pg, name):
            await pilot.press("r")
            await settle(pilot)
            assert spy.titles().count("Database unavailable") == 2
        await pilot.press("ctrl+q")
