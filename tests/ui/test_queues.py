"""Dashboard and the four queues, driven by key presses against the demo practice."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from textual.widgets import Input, Static

from medbill_tui.records.queues import (
    BalanceRow,
    ClaimBalanceRow,
    PendingClaimRow,
    QueueFilter,
    QueueKind,
)
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.filter import FilterScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_menu import QueueMenu
from medbill_tui.widgets.queue_table import QueueTable, row_key
from tests.ui.conftest import settle

KEYS = {
    "1": QueueKind.UNBILLED,
    "2": QueueKind.PENDING_CLAIMS,
    "3": QueueKind.DENIALS,
    "4": QueueKind.BALANCES,
    "8": QueueKind.REJECTIONS,
}


async def test_dashboard_shows_every_queue_count(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert [s.kind for s in screen.summaries] == list(QueueKind)
        assert all(s.count > 0 and s.amount > 0 for s in screen.summaries)
        menu = screen.query_one(QueueMenu)
        for index, summary in enumerate(screen.summaries):
            prompt = str(menu.get_option_at_index(index).prompt)
            assert f"{summary.count:,} item" in prompt
            assert "loading" not in prompt


@pytest.mark.parametrize("key", list(KEYS))
async def test_number_key_opens_its_queue(make_app: Callable[..., MedbillApp], key: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.kind is KEYS[key]
        table = screen.query_one(QueueTable)
        assert table.row_count > 0
        assert table.row_count == len(screen.rows)
        expected = app.services.queues.page(KEYS[key], QueueFilter(), None, app.page_size)
        assert [row_key(r) for r in screen.rows[:5]] == [row_key(r) for r in expected.rows[:5]]
        assert screen.summary is not None and screen.summary.kind is KEYS[key]
        # every column fits the 80-column screen
        assert table.virtual_size.width <= table.scrollable_content_region.width
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_number_keys_switch_between_queues(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")  # a claim detail
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.BALANCES
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_dashboard_arrows_and_enter_open_a_queue(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "down", "k", "enter")  # the third line
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.REJECTIONS


async def test_next_page_loads_near_the_end_and_no_row_twice(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app(page_size=20)
    asked: list[object] = []
    real_page = app.services.queues.page

    def spy(kind: QueueKind, filt: QueueFilter, after: object, limit: int):  # type: ignore[no-untyped-def]
        asked.append(after)
        return real_page(kind, filt, after, limit)  # type: ignore[arg-type]

    app.services.queues.page = spy  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.summary is not None and screen.summary.count > 60
        assert len(screen.rows) == 20 and len(asked) == 1  # only the first page
        await pilot.press(*["down"] * 5)
        await settle(pilot)
        assert len(asked) == 1
        await pilot.press(*["j"] * 6)  # row 12 of 20: within half a page of the end
        await settle(pilot)
        assert len(asked) == 2 and len(screen.rows) == 40
        table = screen.query_one(QueueTable)
        assert table.cursor_row == 11
        for _ in range(100):  # End, as a biller would hold it, until the last page
            if screen.complete:
                break
            await pilot.press("end")
            await settle(pilot)
        assert screen.complete
        keys = [row_key(row) for row in screen.rows]
        assert len(keys) == len(set(keys)) == screen.received == screen.summary.count
        assert len(asked) == len(set(map(repr, asked))) == -(-screen.summary.count // 20)
        assert asked[0] is None


async def test_filter_narrows_and_clearing_restores(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        before = list(screen.rows)
        account = before[0].account_no
        await pilot.press("slash")
        await pilot.press(*account)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filter == QueueFilter(text=account)
        assert 0 < len(screen.rows) < len(before)
        assert {row.account_no for row in screen.rows} == {account}
        assert account in str(screen.sub_title)
        await pilot.press("x")
        await settle(pilot)
        assert not screen.filter.active
        assert [row_key(r) for r in screen.rows] == [row_key(r) for r in before]


async def test_filter_escape_cancels(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        count = len(screen.rows)
        await pilot.press("slash", "z", "z", "escape")
        await settle(pilot)
        assert not screen.filter.active and len(screen.rows) == count
        assert app.screen is screen


async def test_filter_by_payer(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.payers
        await pilot.press("slash", "tab", "enter")  # open the payer list
        await pilot.pause()
        await pilot.press("down", "enter")  # the first payer after "All payers"
        await pilot.pause()
        await pilot.press("enter")  # focus is back in the text box: apply
        await settle(pilot)
        first = screen.payers[0]
        assert screen.filter == QueueFilter(payer_id=first.id)
        assert {row.payer_name for row in screen.rows if isinstance(row, PendingClaimRow)} <= {
            first.name
        }
        assert screen.rows
        assert first.name in str(screen.sub_title)


async def test_balances_by_claim_totals_and_filters(make_app: Callable[..., MedbillApp]) -> None:
    """b switches to one row per claim; the aging line sums the filtered queue; a bad amount
    range is refused in the dialog, a good one narrows the rows."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        line = str(screen.query_one("#queue-buckets", Static).render())
        assert line.startswith(" Aging 0-30 ") and "120+" in line
        assert all(isinstance(r, BalanceRow) for r in screen.rows)
        await pilot.press("b")
        await settle(pilot)
        assert screen.filter.by_claim and screen.rows
        assert all(isinstance(r, ClaimBalanceRow) for r in screen.rows)
        assert screen.query_one(QueueTable).virtual_size.width <= 80
        await pilot.press("slash")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        dialog.query_one("#filter-amount", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "not an amount range" in str(dialog.query_one("#filter-hint", Static).render())
        dialog.query_one("#filter-amount", Input).value = "100-200"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.filter.min_amount == Decimal(100)
        assert screen.rows and all(
            Decimal(100) <= r.total <= Decimal(200)  # type: ignore[union-attr]
            for r in screen.rows
        )
        assert "100-200" in screen.sub_title
