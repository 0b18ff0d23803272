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


async def test_a_longer_row_number_does_not_lay_the_line_out_again(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")  # balances: more than ten rows
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.row_count >= 10
        position = app.screen.query_one("#queue-pos", Static)
        rows = app.screen.query_one("#queue-rows", Static)
        loaded = f"Row {table.row_count:,} ·"
        assert position.region.width == len(loaded) + 1  # its padding
        table.move_cursor(row=8)
        await settle(pilot)
        before = (position.region, rows.region)
        await pilot.press("down")  # "Row 9 ·" becomes "Row 10 ·"
        await settle(pilot)
        assert str(position.content) == "Row 10 ·"
        assert (position.region, rows.region) == before  # the rows' words did not move
