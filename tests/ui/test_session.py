"""The session's edges: automatic logoff after a quiet spell frees held work; keys keep the
session alive. (A database that goes away is covered by test_errors.py: one notice, the app
keeps running.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.app import MedbillApp
from tests.ui.conftest import settle


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
