"""The dashboard and the balances queue at 80x24 look the way they did (demo data and clock
are pinned)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle


async def _loaded(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def test_dashboard_snapshot(make_app: Callable[..., MedbillApp], snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded)


async def _balances(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


def test_balances_queue_snapshot(make_app: Callable[..., MedbillApp], snap_compare: Any) -> None:
    """The outstanding balances queue at 80x24: the aging line, the buckets, the row's
    follow-up in the status line."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_balances)


# Each main screen at 80x24, reached by the keys a biller presses from the dashboard.
MAIN_SCREENS = {
    "unbilled": ["1"],
    "pending": ["2"],
    "denials": ["3"],
    "rejections": ["8"],
    "followups": ["w"],
    "reports": ["0"],
    "charge_entry": ["1", "enter"],
    "denial": ["3", "enter"],
    "claim_detail": ["2", "enter"],
    "help": ["2", "question_mark"],
}


@pytest.mark.parametrize("name", list(MAIN_SCREENS))
def test_main_screen_snapshot(
    name: str, make_app: Callable[..., MedbillApp], snap_compare: Any
) -> None:
    async def reach(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in MAIN_SCREENS[name]:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)  # charge entry's look-up and check timers
        await settle(pilot)
        for field in pilot.app.screen.query(Input):  # a blinking cursor is in a random phase
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=reach)
