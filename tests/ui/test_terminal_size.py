"""Terminals: below 80x24 a notice replaces the layout (state kept); F-keys have stand-ins."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Static

import medbill_tui
from medbill_tui.records.queues import QueueKind
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.help import HelpScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.screens.too_small import TooSmallScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import settle


def notice_text(app: MedbillApp) -> str:
    assert isinstance(app.screen, TooSmallScreen)
    return str(app.screen.query_one("#too-small", Static).render())


async def test_small_terminal_shows_a_notice_until_resized(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        words = notice_text(app)
        assert "60x20" in words and "at least 80x24" in words and "ctrl+q" in words
        await pilot.press("1")  # queue keys do nothing under the notice
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(79, 30)  # still too narrow: the notice follows the size
        await pilot.pause()
        assert "79x30" in notice_text(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert len(app.screen_stack) == 1


async def test_resizing_keeps_the_open_queue_and_its_row(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, TooSmallScreen)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("down", "down", "down")
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.kind is QueueKind.BALANCES
        row = queue.query_one(QueueTable).cursor_row
        assert row == 3
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert app.screen is queue
        table = queue.query_one(QueueTable)
        assert table.cursor_row == row
        await pilot.press("down")
        assert table.cursor_row == row + 1
        # the review: columns stayed cut after a shrink and narrow after a grow
        assert table.laid_out_for == 100
        wide = table.virtual_size.width
        assert 90 < wide <= table.scrollable_content_region.width
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert table.laid_out_for == 80 and table.cursor_row == row + 1
        assert table.virtual_size.width <= table.scrollable_content_region.width < wide
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert table.laid_out_for == 120 and table.virtual_size.width > wide


def _our_classes() -> list[type[DOMNode]]:
    for module in pkgutil.walk_packages(medbill_tui.__path__, "medbill_tui."):
        if module.name.startswith(
            ("medbill_tui.screens", "medbill_tui.widgets", "medbill_tui.shell.app")
        ):
            importlib.import_module(module.name)
    found: list[type[DOMNode]] = []
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("medbill_tui."):
            found.append(cls)
    return found


def test_every_f_key_binding_has_another_key() -> None:
    classes = _our_classes()
    assert MedbillApp in classes and QueueScreen in classes
    f_key = re.compile(r"f\d{1,2}")
    only_f: list[str] = []
    seen_f = 0
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding):
                continue
            keys = [key.strip() for key in binding.key.split(",")]
            if any(f_key.fullmatch(key) for key in keys):
                seen_f += 1
                if all(f_key.fullmatch(key) for key in keys):
                    only_f.append(f"{cls.__name__}: {binding.key} ({binding.id})")
    assert seen_f > 0  # the check sees the F-key bindings there are
    assert only_f == [], "F-key bindings without a non-F-key alternative: " + "; ".join(only_f)


async def test_ctrl_g_shows_the_keys_where_f1_does(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")  # patient search: the cursor is in a text box, ? would be typed
        await settle(pilot)
        search = app.screen
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is search
