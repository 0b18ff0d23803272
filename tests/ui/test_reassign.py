"""`A` in a work list: a supervisor gives the item under the cursor to another biller; a
biller is refused in words and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.db.repositories.users import insert_user
from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.denial import PromptScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import build_services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle


def holder(engine: Engine, work_item_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT owner FROM work_item WHERE id = :i"),
                            {"i": work_item_id}).scalar_one()  # fmt: skip


async def give(app: MedbillApp, login: str) -> tuple[int, NoteSpy]:
    """Open the denials list, press A on the first row and answer `login`."""
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        item = screen.current_work_item()
        assert item is not None
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*login, "enter")
        await settle(pilot)
        assert app.screen is screen
    return item, spy


async def test_a_supervisor_gives_a_denial_to_a_biller(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    with demo_engine.begin() as conn:
        insert_user(conn, "carol", "biller")
    item, spy = await give(make_app(), "carol")  # the test user is an admin
    assert holder(demo_engine, item) == "carol"
    assert "Given" in spy.titles()
    assert any("now carol's until" in words for words, _, _ in spy.notes)


async def test_a_biller_is_refused_and_nothing_changes(demo_engine: Engine, tmp_path: Path) -> None:
    with demo_engine.begin() as conn:
        insert_user(conn, "carol", "biller")
        insert_user(conn, "dave", "biller")
    services = build_services(demo_engine, Clock(pinned=DEMO_TODAY), actor="dave",
                              role="biller", outbox=tmp_path / "out",
                              letters=tmp_path / "letters", receipts=tmp_path / "receipts",
                              inbox=tmp_path / "inbox")  # fmt: skip
    item, spy = await give(MedbillApp(services), "carol")
    assert holder(demo_engine, item) is None
    assert any("supervisor" in words for words, _, _ in spy.notes)
