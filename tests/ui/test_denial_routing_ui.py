"""The denials queue and the denial screen show where the routing rules sent a denial."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from medbill_tui.records.queues import DenialRow
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable, route_text
from tests.ui.conftest import settle
from tests.ui.test_denial_screen import body_text, open_denials


def route_first(services: Services) -> DenialRow:
    """Route the first open denial by hand to a known category (the demo routes its denials
    with the shipped rules; this pins one for the assertions)."""
    row = open_denials(services)[0]
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE work_item SET category = 'medical necessity', "
                          "action = 'transfer to patient' WHERE id = :id"),
                     {"id": row.work_item_id})  # fmt: skip
    return row


async def test_queue_shows_the_route_within_80_columns(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = route_first(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(QueueTable)
        first = next(r for r in screen.rows if isinstance(r, DenialRow))
        assert first.work_item_id == row.work_item_id
        assert route_text(first) == "med nec/to pt"
        cells = [str(cell).strip() for cell in table.get_row_at(0)]
        assert "med nec/to pt" in cells
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_denial_screen_shows_category_and_action(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = route_first(services)
    unrouted = open_denials(services)[1]
    with services.engine.begin() as conn:  # as a denial posted before routing existed
        conn.execute(text("UPDATE work_item SET category = NULL, action = NULL WHERE id = :id"),
                     {"id": unrouted.work_item_id})  # fmt: skip
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(row.work_item_id))
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen)
        shown = body_text(app.screen)
        assert "Category medical necessity" in " ".join(shown.split())
        assert "Action transfer to patient" in " ".join(shown.split())
        app.switch_screen(DenialScreen(unrouted.work_item_id))
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen)
        assert "Category not routed" in " ".join(body_text(app.screen).split())
