"""Help, command palette, quitting and keymap files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable

from medbill_tui.records.queues import QueueKind
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.help import HelpScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp, known_binding_ids
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import NoteSpy, settle


def help_table(app: MedbillApp) -> list[tuple[str, str, str]]:
    assert isinstance(app.screen, HelpScreen)
    table = app.screen.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]  # type: ignore[misc]


async def test_help_lists_the_bindings_with_ids(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        rows = help_table(app)
        ids = {binding_id for _, _, binding_id in rows}
        assert {"app.queue-unbilled", "app.queue-balances", "app.help", "app.quit"} <= ids
        assert {"dashboard.refresh", "dashboard.open"} <= ids
        assert ("?", "Help", "app.help") in rows
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        ids = {binding_id for _, _, binding_id in help_table(app)}
        assert {"queue.open", "queue.filter", "queue.back", "table.down"} <= ids
        assert "app.quit" not in ids  # q quits only from the dashboard
        await pilot.press("question_mark")  # ? closes it too
        assert isinstance(app.screen, QueueScreen)


async def test_command_palette_opens_a_queue(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)  # type: ignore[arg-type]
        await pilot.press(*"denials")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.DENIALS
        await pilot.press("ctrl+p", *"dashboard")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_q_quits_from_the_dashboard_only(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("q")
        assert app.is_running and isinstance(app.screen, QueueScreen)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running


async def test_keymap_file_moves_keys(make_app: Callable[..., MedbillApp], tmp_path: Path) -> None:
    keymap = tmp_path / "keys.toml"
    keymap.write_text('# mine\napp.queue-denials = "d"\napp.help = "f1"\n', encoding="utf-8")
    app = make_app(keymap_file=keymap)
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert spy.notes == []
        await pilot.press("3")  # no longer bound
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.DENIALS
        await pilot.press("f1")
        assert ("d", "Denials", "app.queue-denials") in help_table(app)


async def test_bad_keymap_file_is_reported_and_ignored(
    make_app: Callable[..., MedbillApp], tmp_path: Path
) -> None:
    keymap = tmp_path / "keys.txt"
    keymap.write_text("app.help = f1\nthis line is not a keymap line\n", encoding="utf-8")
    app = make_app(keymap_file=keymap)
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert spy.titles() == ["Keymap not used"]
        assert "line 2" in spy.notes[0][0]
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_missing_keymap_file_and_unknown_ids(
    make_app: Callable[..., MedbillApp], tmp_path: Path
) -> None:
    app = make_app(keymap_file=tmp_path / "nope.toml")
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert spy.titles() == ["Keymap not used"] and "does not exist" in spy.notes[0][0]
    keymap = tmp_path / "typo.toml"
    keymap.write_text("app.queue-unbiled = u\napp.queue-unbilled = u\n", encoding="utf-8")
    app = make_app(keymap_file=keymap)
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert spy.titles() == ["Keymap entries ignored"] and "app.queue-unbiled" in spy.notes[0][0]
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.UNBILLED


def test_binding_ids_are_unique_per_class_and_namespaced() -> None:
    ids = known_binding_ids()
    assert all("." in binding_id for binding_id in ids)
    assert {"app.queue-unbilled", "queue.filter", "queue.open", "detail.back"} <= ids


async def test_no_color_keeps_the_cursor_visible(
    make_app: Callable[..., MedbillApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.no_color
        table = app.screen.query_one(QueueTable)
        style = table.get_component_rich_style("datatable--cursor")
        assert style.bold and style.underline


async def test_the_palette_names_the_keys_of_the_keymap(
    make_app: Callable[..., MedbillApp], tmp_path: Path
) -> None:
    """A key moved by the keymap file is the key the command palette names (and a key the
    keymap leaves alone keeps its name)."""
    keymap = tmp_path / "keys.toml"
    keymap.write_text('app.queue-denials = "d"\napp.patients = "f5,p"\n', encoding="utf-8")
    app = make_app(keymap_file=keymap)

    async def palette(words: str) -> list[str]:
        await pilot.press("ctrl+p", *words)
        await pilot.pause(0.3)
        results = app.screen.query_one(CommandList)
        texts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        await pilot.press("escape")
        await settle(pilot)
        return texts

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await palette("denials") == ["Queue: Denials\nOpen the denials queue (key d)"]
        patients = await palette("patients")
        assert patients[0].endswith("a patient and their coverage (key f5 or p)")
        assert (await palette("balances"))[0].endswith("(key 4)")
