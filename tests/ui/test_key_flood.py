"""A flood of key repeats (a held-down arrow over a slow link): every key is applied once,
in order, and the screen ends where the keys say, with its status line agreeing."""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from medbill_tui.screens.queue import QueueScreen, QueueTable
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle


def flood(app: MedbillApp, key: str, times: int) -> None:
    """Queue `times` presses at once, as a terminal delivers held-down repeats, without
    waiting for any of them to be handled (Pilot's press waits after each)."""
    for _ in range(times):
        app.post_message(events.Key(key, None))


async def test_held_down_arrows_land_on_the_right_row(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app(page_size=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(QueueTable)
        presses = min(300, len(screen.rows) - 1)
        assert presses > 50, "the demo's pending queue is too short for this test"
        flood(app, "down", presses)
        await settle(pilot)
        assert table.cursor_row == presses
        assert f"Row {presses + 1:,} ·" in str(screen.query_one("#queue-pos").render())
        flood(app, "up", presses // 2)
        flood(app, "down", 3)
        await settle(pilot)
        assert table.cursor_row == presses - presses // 2 + 3
        flood(app, "pagedown", 40)  # more pages than there are: stops at the last row
        await settle(pilot)
        assert table.cursor_row == len(screen.rows) - 1
        await pilot.press("home")  # and the next key after the flood acts at once
        assert table.cursor_row == 0
        assert isinstance(app.screen, QueueScreen) and app.is_running
