"""Live lists: two apps on one database see each other's takes within a second through
NOTIFY (no `r`), and a biller whose denial is reassigned is told at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from textual.pilot import Pilot

from medbill_tui.db.repositories.users import insert_user
from medbill_tui.records.queues import DenialRow
from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import build_services
from medbill_tui.services.work import WorkService
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle

WITHIN = 1.0
"""The brief's promise: a change shows on the other screen within a second."""


def app_for(engine: Engine, tmp_path: Path, login: str, role: str = "biller") -> MedbillApp:
    folder = tmp_path / login
    return MedbillApp(
        build_services(engine, Clock(pinned=DEMO_TODAY), actor=login, role=role,
                       outbox=folder / "out", letters=folder / "letters",
                       receipts=folder / "receipts", inbox=folder / "inbox")
    )  # fmt: skip


async def until(pilot: Pilot[Any], seen: Callable[[], bool], what: str) -> float:
    """Let the app run until `seen()` holds; how long it took (fails after WITHIN s)."""
    started = time.monotonic()
    while not seen():
        if time.monotonic() - started > WITHIN:
            raise AssertionError(f"not within {WITHIN} s: {what}")
        await pilot.pause(0.02)
    return time.monotonic() - started


async def open_denials(pilot: Pilot[Any]) -> QueueScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def held_cell(screen: QueueScreen, work_item_id: int) -> str:
    table = screen.query_one(QueueTable)
    index = table.get_row_index(f"w{work_item_id}")
    return str(table.get_row_at(index)[-1]).strip()


async def test_a_take_in_one_app_shows_held_in_the_others_list(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        insert_user(conn, "ann", "biller")
        insert_user(conn, "bob", "biller")
    ann, bob = app_for(demo_engine, tmp_path, "ann"), app_for(demo_engine, tmp_path, "bob")
    async with ann.run_test(size=(80, 24)) as ann_pilot, bob.run_test(size=(80, 24)) as bob_pilot:
        await open_denials(ann_pilot)
        bobs_list = await open_denials(bob_pilot)
        cursor = bobs_list.query_one(QueueTable).cursor_row
        await ann_pilot.press("n")
        await settle(ann_pilot)
        denial = ann.screen
        assert isinstance(denial, DenialScreen)
        taken = denial.work_item_id

        def shown_held() -> bool:
            row = next(r for r in bobs_list.rows if getattr(r, "work_item_id", 0) == taken)
            return isinstance(row, DenialRow) and row.owner == "ann"

        await until(bob_pilot, shown_held, "bob's list shows ann holding the denial")
        await settle(bob_pilot)
        assert held_cell(bobs_list, taken) == "ann"
        assert bobs_list.query_one(QueueTable).cursor_row == cursor  # the cursor stayed


async def test_the_old_holder_is_told_at_once_of_a_reassignment(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        for login, role in (("ann", "biller"), ("raj", "biller"), ("sue", "supervisor")):
            insert_user(conn, login, role)
    ann = app_for(demo_engine, tmp_path, "ann")
    spy = NoteSpy(ann)
    async with ann.run_test(size=(80, 24)) as pilot:
        await open_denials(pilot)
        await pilot.press("n")
        await settle(pilot)
        denial = ann.screen
        assert isinstance(denial, DenialScreen) and denial.denial is not None
        claim_no = denial.denial.claim_no
        sue = WorkService(demo_engine, Clock(pinned=DEMO_TODAY), "sue", role="supervisor")
        sue.reassign(denial.work_item_id, "raj")
        told = f"{claim_no} was reassigned to raj by sue"
        await until(pilot, lambda: any(told in words for words, _, _ in spy.notes), told)
        status = str(denial.query_one("#denial-status").render())
        assert "Not yours any more: raj holds it" in status
        listener = ann._listener
        assert listener is not None and listener.is_alive()
    assert not listener.is_alive()  # the app stopped it on its way out
