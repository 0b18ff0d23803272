"""The Reports screen: key 0 from anywhere, a/d/p/u pick the report, dates are checked."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandPalette
from textual.widgets import Input, Static

from medbill_tui.domain.money import fmt_money
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.screens.reports import ReportsScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle


def shown(app: MedbillApp) -> tuple[str, str]:
    """(status line, report text) of the Reports screen on top."""
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    status = str(screen.query_one("#report-status", Static).content)
    return status, str(screen.query_one("#report-text", Static).content)


async def test_reports_screen_keys_and_dates(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    aging = services.reports.aging()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("0")  # from anywhere
        await settle(pilot)
        status, body = shown(app)
        assert status.startswith(f"Aging as of {DEMO_TODAY}")
        assert fmt_money(aging.amount) in body and "91-120" in body
        assert max(len(line) for line in body.splitlines()) <= 78
        assert len(app.screen_stack) == 2  # the queue was left, not stacked under

        await pilot.press("b")
        await settle(pilot)
        status, body = shown(app)
        assert "by payer" in status and "primary:" in body

        for key, title in (("d", "Denials opened"), ("p", "Payments posted"),
                           ("u", "Productivity")):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            status, body = shown(app)
            assert body.startswith(title), body[:80]
            assert max(len(line) for line in body.splitlines()) <= 78

        # a date that is not a date: said in words, focus stays in the field, report kept
        await pilot.press("e")
        await pilot.pause()
        from_input = app.screen.query_one("#report-from", Input)
        assert app.focused is from_input
        from_input.value = ""
        await pilot.press(*"2026-13-01", "enter")
        await settle(pilot)
        status, body = shown(app)
        assert status == "✗ From '2026-13-01' is not a real day of the calendar"
        assert body.startswith("Productivity") and app.focused is from_input

        app.screen.query_one("#report-to", Input).value = "2026-10-01"
        from_input.value = "2026-10-31"
        await pilot.press("enter")  # a good From moves on to To
        assert app.focused is app.screen.query_one("#report-to", Input)
        await pilot.press("enter")
        status, _ = shown(app)
        assert status == "✗ The start date 2026-10-31 is after the end date 2026-10-01"

        from_input.value = "2026-09-01"
        await pilot.press("enter")
        await settle(pilot)
        status, body = shown(app)
        assert status.startswith("Productivity 2026-09-01 to 2026-10-01")
        assert body.startswith("Productivity 2026-09-01 to 2026-10-01")
        assert not isinstance(app.focused, Input)

        # aging has one date, and refuses one in the future
        await pilot.press("a", "e")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#report-to", Input)
        assert not app.screen.query_one("#report-from", Input).display
        app.screen.query_one("#report-to", Input).value = "2026-11-03"
        await pilot.press("enter")
        await settle(pilot)
        status, _ = shown(app)
        assert status == f"✗ The as-of date 2026-11-03 is in the future (today is {DEMO_TODAY})"

        await pilot.press("escape")  # leaves the field
        assert isinstance(app.screen, ReportsScreen) and not isinstance(app.focused, Input)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_command_palette_opens_reports(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)  # type: ignore[arg-type]
        await pilot.press(*"reports")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert shown(app)[0].startswith("Aging as of")
