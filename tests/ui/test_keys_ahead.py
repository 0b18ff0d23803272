"""Keys typed ahead are never lost: a burst pressed with no wait between its keys (while a
screen loads, a preview is computed, a dialog opens) acts exactly as the same keys typed
slowly.

The bursts are posted all at once, as a terminal delivers keys read in one packet: Pilot's
`press` waits for the process to go idle after each key, which lets a quick load finish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events

from medbill_tui.records.queues import QueueKind
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.help import HelpScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_work_next import holder, queue_ids

CHARACTERS = {"question_mark": "?", "escape": "\x1b", "enter": "\r", "ctrl+s": "\x13"}


def burst(app: MedbillApp, *keys: str) -> None:
    """Type `keys` with no wait between them (none is handled before the last is sent)."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None)))


async def test_2_s_y_sends_the_ready_claims(
    make_app: Callable[..., MedbillApp], tmp_path: Path
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # y arrives while the preview is computed: it is for the question that follows
        burst(app, "2", "s", "y")
        await settle(pilot)
        assert "Claims sent" in spy.titles()
        assert not isinstance(app.screen, ConfirmScreen)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.PENDING_CLAIMS
        assert list((tmp_path / "outbox").glob("*.x12"))


async def test_enter_then_ctrl_s_saves_the_encounter_once_it_is_loaded(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.rows
        # ctrl+s arrives while charge entry says "Loading the encounter…"
        burst(app, "enter", "ctrl+s")
        await settle(pilot)
        assert any(title == "Saved" for title in spy.titles()), spy.notes
        assert app.screen is queue


async def test_3_n_escape_2_ends_on_pending_claims_with_the_denial_given_back(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    first = queue_ids(services, QueueKind.DENIALS)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "3", "n", "escape", "2")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.PENDING_CLAIMS
        assert len(app.screen_stack) == 2  # the dashboard, then the queue: nothing left open
        assert holder(services, first) is None  # taken by n, given back by Escape


async def test_question_mark_escape_4_closes_the_help_and_opens_balances(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "question_mark", "escape", "4")
        await settle(pilot)
        assert not any(isinstance(screen, HelpScreen) for screen in app.screen_stack)
        assert isinstance(app.screen, QueueScreen) and app.screen.kind is QueueKind.BALANCES
        assert isinstance(app.screen_stack[0], DashboardScreen)
