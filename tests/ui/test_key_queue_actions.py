"""Keys typed ahead wait while the screen is still handling what the key before them set
off (a handler that awaits before it moves the cursor): they reach the next box, in order."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from medbill_tui.shell.key_queue import POLL_SECONDS, KeyQueueMixin

SLOW = POLL_SECONDS * 10


class Box(Widget, can_focus=True):
    """Keeps the letters typed into it; Enter says so to the screen (taking the key)."""

    class Entered(Message):
        pass

    def __init__(self, name: str) -> None:
        super().__init__(id=name)
        self.typed = ""

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            self.post_message(self.Entered())
        elif event.is_printable and event.character:
            self.typed += event.character


class TwoBoxes(Screen[None]):
    """Opens still loading (keys are held), and moves on from Enter only after an await."""

    def __init__(self) -> None:
        super().__init__()
        self.loading = True

    def keys_wait(self) -> bool:
        return self.loading

    def compose(self) -> ComposeResult:
        yield Box("first")
        yield Box("second")

    def on_mount(self) -> None:
        self.query_one("#first", Box).focus()

    def loaded(self) -> None:
        self.loading = False

    async def on_box_entered(self) -> None:
        await asyncio.sleep(SLOW)
        self.app.set_focus(self.query_one("#second", Box))


class BoxesApp(KeyQueueMixin):
    def on_mount(self) -> None:
        self.push_screen(TwoBoxes())


async def test_keys_wait_while_the_screen_still_handles_what_enter_set_off() -> None:
    app = BoxesApp()
    async with app.run_test() as pilot:
        await pilot.press("a", "enter", "b", "c")
        assert app.keys_held == 4  # the screen is still loading
        app.screen.loaded()  # type: ignore[attr-defined]
        for _ in range(200):
            if not app.keys_held:
                break
            await pilot.pause(POLL_SECONDS)
        await pilot.pause(SLOW * 2)
        values = (
            app.screen.query_one("#first", Box).typed,
            app.screen.query_one("#second", Box).typed,
        )
        assert values == ("a", "bc")
