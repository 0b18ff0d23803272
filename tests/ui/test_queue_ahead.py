"""A queue fetches its next page well before the end and puts its rows in when the cursor comes
near them, not in a frame of their own when they arrive (queue_ahead)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from medbill_tui.screens.queue import QueueScreen
from medbill_tui.screens.queue_ahead import fetch_margin, show_margin
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable, row_key
from tests.ui.conftest import settle

PAGE = 130
"""Big enough that rows wait: fetched at 65 rows from the end, shown from 60."""


async def test_a_page_fetched_ahead_waits_until_the_cursor_comes_near(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app(page_size=PAGE)
    fetch, show = fetch_margin(PAGE), show_margin(PAGE)
    assert show < fetch
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")  # balances: the demo's longest queue
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.summary is not None
        assert screen.summary.count > PAGE + 10, "the demo must fill more than a page"
        table = screen.query_one(QueueTable)
        assert table.row_count == len(screen.rows) == PAGE
        table.move_cursor(row=PAGE - fetch)  # fewer than `fetch` rows below: next page asked
        await settle(pilot)
        assert screen.pages_loaded == 2 and not screen.complete
        assert table.row_count == len(screen.rows) == PAGE  # the page waits: rows enough below
        assert "more…" in str(screen.query_one("#queue-rows", Static).content)
        await pilot.press(*["down"] * (fetch - show - 1))
        await settle(pilot)
        assert table.row_count == PAGE  # still enough rows below the cursor
        await pilot.press("down")  # `show` rows below: the page goes in with this move
        await settle(pilot)
        assert table.row_count == len(screen.rows) == screen.summary.count
        for _ in range(100):  # End, held: the rows come, pages are fetched, no row twice
            if screen.complete:
                break
            await pilot.press("end")
            await settle(pilot)
        assert screen.complete and table.row_count == len(screen.rows) == screen.summary.count
        keys = [row_key(row) for row in screen.rows]
        assert len(set(keys)) == len(keys) == screen.received
        assert all(table.get_row_index(key) == i for i, key in enumerate(keys))
