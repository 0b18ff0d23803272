"""The dashboard at 80x24 looks the way it did (demo data and clock are pinned)."""

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
