"""A one-line dialog at its length limit says so instead of dropping keys in silence."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Static

from medbill_tui.screens.prompt import PromptScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle


async def test_the_box_says_when_it_is_full(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    answers: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PromptScreen("Appeal", "Why:"), answers.append)
        await settle(pilot)
        dialog = app.screen
        box = dialog.query_one(Input)
        hint = dialog.query_one("#prompt-hint", Static)
        await pilot.press(*"timely filing")
        assert str(hint.content) == "Enter: done · Esc: cancel"
        box.value = "x" * (PromptScreen.max_length - 1)
        box.cursor_position = len(box.value)
        await pilot.press("y", "z")  # the second is one too many
        assert box.value.endswith("y") and len(box.value) == PromptScreen.max_length
        assert "the most it holds (400 characters)" in str(hint.content)
        await pilot.press("backspace")
        assert str(hint.content) == "Enter: done · Esc: cancel"
        await pilot.press("enter")
        await settle(pilot)
    assert answers == ["x" * (PromptScreen.max_length - 1)]
