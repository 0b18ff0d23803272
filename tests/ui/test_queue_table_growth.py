"""Rows going in below a queue table that already scrolls keep its box: the screen is not laid
out again (that was the costliest part of a page going in); a wider amount still widens its
column, which does lay it out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult

from medbill_tui.records.queues import QueueKind, UnbilledRow
from medbill_tui.widgets.queue_table import QueueTable


def unbilled(start: int, count: int, charges: str = "123.45") -> list[UnbilledRow]:
    day, amount = date(2026, 1, 1), Decimal(charges)
    return [
        UnbilledRow(i, day, f"Patient {i}", f"A{i}", "Dr", "Acme", amount, 9, 0, 0, "open", False)
        for i in range(start, start + count)
    ]


class OneTable(App[None]):
    CSS = "QueueTable { height: 1fr; scrollbar-size-vertical: 1; }"  # as in app.tcss

    def compose(self) -> ComposeResult:
        yield QueueTable(QueueKind.UNBILLED)

    def on_mount(self) -> None:
        table = self.query_one(QueueTable)
        table.setup_columns(80)
        table.add_queue_rows(unbilled(0, 40))


async def test_rows_below_a_scrolling_table_need_no_layout() -> None:
    app = OneTable()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(QueueTable)
        assert table.virtual_size.height == 41  # the header and 40 rows
        layouts: list[Any] = []
        refresh_layout = app.screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            refresh_layout(*args, **kwargs)

        app.screen._refresh_layout = counted  # type: ignore[method-assign]
        table.add_queue_rows(unbilled(40, 200))
        await pilot.pause()
        await pilot.pause()
        assert table.virtual_size.height == 241
        assert layouts == []
        table.action_scroll_bottom()
        await pilot.pause()
        assert table.cursor_row == 239
        assert "Patient 239" in table.render_line(table.size.height - 1).text  # painted

        charges = table.ordered_columns[4]
        narrow = charges.content_width
        table.add_queue_rows(unbilled(240, 1, "1234567.89"))
        await pilot.pause()
        await pilot.pause()
        assert charges.content_width == len(" 1,234,567.89") > narrow
        assert table.virtual_size.height == 242
        assert layouts  # a wider column: laid out again
