"""A cursor move and the row number it changes go out in one frame: the status line is
updated while the move is applied, not when RowHighlighted arrives (often a frame later,
which doubled the key-to-screen latency; docs/performance.md)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import settle


async def test_the_row_number_changes_with_the_move_itself(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        position = app.screen.query_one("#queue-pos", Static)
        assert str(position.content) == "Row 1 ·"
        table.move_cursor(row=3)  # no await: no message has been handled since
        assert str(position.content) == "Row 4 ·"
        await pilot.press("down")
        assert str(position.content) == "Row 5 ·"
