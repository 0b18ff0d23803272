"""The dashboard and the balances queue at 80x24 look the way they did (demo data and clock
are pinned)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from medbill_tui.app import MedbillApp
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
