"""The tables outside the queues lay their columns out again on every resize, both ways."""

from __future__ import annotations

from collections.abc import Callable

from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.form_table import PickTable
from tests.ui.conftest import settle

# (screen, keys from the dashboard, the table's id)
TABLES = [
    ("follow-ups", ["w"], "#followups-table"),
    ("statements", ["ctrl+t"], "#statements-table"),
    ("credits", ["c"], "#credits-table"),
    ("unmatched", ["9"], "#unmatched-table"),
    ("account", ["4", "enter"], "#account-visits"),
]


async def test_tables_grow_and_shrink_with_the_terminal(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name, keys, table_id in TABLES:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            table = app.screen.query_one(table_id, PickTable)
            narrow = [column.width for column in table.columns.values()]
            if table.row_count > 1:
                table.move_cursor(row=1)
            row = table.cursor_row
            await pilot.resize_terminal(120, 30)
            await settle(pilot)
            wide = [column.width for column in table.columns.values()]
            assert sum(wide) >= sum(narrow) + 30, f"{name}: {narrow} -> {wide}"
            assert table.cursor_row == row, name
            assert table.virtual_size.width <= table.scrollable_content_region.width + 1, name
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            assert [column.width for column in table.columns.values()] == narrow, name
            assert table.cursor_row == row, name
            app.show_dashboard()
            await settle(pilot)
