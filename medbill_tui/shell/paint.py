"""Paint once: a screen change reaches the terminal as one frame, not as every step of it.

Textual paints a new screen as it settles: the screen's first layout, again when the screen's
Resize arrives, again when the footer recomposes its keys, again when content arrives. Each
is a whole-screen frame (~8 KB at 80x24), so over a slow link one screen change cost three
or four frames and a key typed after it waited behind them (docs/performance.md, slow link).

While a hold is on, frames are worked out as usual (layout, resize and recompose all run) but
not written; the whole screen goes out once, when it has settled or, if it is worth reading
sooner, then, followed by the lines that changed as it settled. A screen that is
still loading its content (`ShowsLoading`) is waited for up to LOADING_GRACE, so a quick load
shows no "Loading…" at all; a slower one shows it once, and its content is then painted under
a new hold (`hold_paint`, called by the screen as the content arrives).

Worth reading: the screen changed to has its content (going back to a list; a denial the
list read ahead), so the first frame Textual works out goes out at once, and when the screen
has settled only its lines that differ (the footer's keys, the title: a few hundred bytes).
Waiting for the cascade to settle (five to seven frames tried) cost 0.3-0.8 s on a busy
machine before anything was sent. A screen that opens loading waits for the cascade as
before: its content arrives in a message, and the frames right after may not be laid out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.control import Control
from textual._compositor import CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen

from medbill_tui.screens.base import ShowsLoading

log = logging.getLogger(__name__)

LOADING_GRACE = 0.15
"""Seconds a screen change waits for a loading screen's content before showing "Loading…"."""
MAX_HOLD = 1.0
"""Seconds after which whatever is there is painted, settled or not (an animation, a
machine too busy to settle): the screen is never left stale for longer."""
QUIET = 2 / 60
"""Seconds without an attempted frame after the screen's messages were handled: two of
Textual's update periods, so a layout it has pending would have been tried."""


class PaintOnce(App[None]):
    """Holds the terminal during screen changes (see the module doc)."""

    _hold_started: float | None = None
    _hold_until = 0.0
    """When the hold ends, settled or not (each `hold_paint` moves it on)."""
    _frames_held = 0
    """Frames worked out but not written during the current hold."""
    _frames_tried = 0
    """Every frame Textual tried to write (held or not): a change means not yet settled."""
    _sent_early: list[str] | None = None
    """The screen's lines as sent early in the current hold (None: nothing sent yet)."""
    _shown_before: weakref.WeakSet[Screen[Any]]
    _early_at = 0
    """The count of frames tried at which the early frame may go."""
    _may_send_early = False
    """The current hold began with a screen change to a screen that had its content."""

    def on_mount(self) -> None:
        self._shown_before = weakref.WeakSet()
        if not self.is_headless:  # nothing is written headless: nothing to hold
            self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        self.hold_paint()
        # a screen still loading gets its content from a message: the first frames after it
        # may not be laid out yet (a table's rows), so it waits for the cascade to settle
        self._may_send_early = not (isinstance(screen, ShowsLoading) and screen.still_loading())
        # a screen shown before comes back laid out; a new one lays out again once its size
        # is known (a scrollbar appears): its second frame is the one worth sending
        self._early_at = self._frames_tried + (1 if screen in self._shown_before else 2)
        self._shown_before.add(screen)

    def hold_paint(self) -> None:
        """Write nothing until the current screen has settled, then repaint it once (called
        during a hold, e.g. as content arrives: the hold waits for that to settle too)."""
        if self.is_headless:
            return
        self._hold_until = time.monotonic() + MAX_HOLD
        if self._hold_started is None:
            self._hold_started = time.monotonic()
            self._frames_held = 0
            self._sent_early = None
            self._may_send_early = False
            self.run_worker(self._release_when_settled(), group="paint-hold", exit_on_error=False)

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        if renderable is not None:
            self._frames_tried += 1
            if self._hold_started is not None:
                if self._sent_early is None and self._worth_reading(screen):
                    self._sent_early = self._paint_lines(screen, already=None)
                    since = time.monotonic() - (self._hold_started or 0.0)
                    log.debug("paint sent early %.3f s on %s", since, type(screen).__name__)
                    return
                self._frames_held += 1
                return
        super()._display(screen, renderable)

    def _worth_reading(self, screen: Screen[Any]) -> bool:
        if not self._may_send_early or screen is not self.screen or screen.size != self.size:
            return False
        if self._frames_tried < self._early_at:
            return False
        return not (isinstance(screen, ShowsLoading) and screen.still_loading())

    def _paint_lines(self, screen: Screen[Any], already: list[str] | None) -> list[str]:
        """Write the lines of `screen` that differ from `already` (None: what the terminal
        shows is another screen's, so every line); return all of its lines as written."""
        update = screen._compositor.render_update(full=True, screen_stack=self._background_screens)
        if not isinstance(update, LayoutUpdate):
            return []
        x, console = update.region.x, self.console
        lines = [
            Control.move_to(x, y).segment.text + "".join(strip.render(console) for strip in line)
            for y, line in enumerate(update.strips, update.region.y)
        ]
        if already is None or len(already) != len(lines):
            changed = lines
        else:
            changed = [new for new, old in zip(lines, already, strict=True) if new != old]
        if changed:
            super()._display(screen, _Lines(changed))
        return lines

    async def _release_when_settled(self) -> None:
        started = self._hold_started or time.monotonic()
        settled = False
        try:
            while time.monotonic() < self._hold_until:
                tried = self._frames_tried
                await self._messages_handled()
                await asyncio.sleep(QUIET)
                loading = isinstance(self.screen, ShowsLoading) and self.screen.still_loading()
                if loading and time.monotonic() - started < LOADING_GRACE:
                    continue
                if tried == self._frames_tried:
                    settled = True
                    break
        finally:  # also when cancelled as the app ends (then there may be no screen)
            self._hold_started = None
            top = self.screen_stack[-1] if self.screen_stack else None
            log.debug("paint held %.3f s on %s: %d frames, settled %s", time.monotonic() - started,
                      type(top).__name__, self._frames_held, settled)  # fmt: skip
            if self._frames_held and top is not None:
                if self._sent_early is None:
                    top.refresh()
                elif top is self.screen:  # held since the early frame: what changed since
                    self._paint_lines(top, already=self._sent_early)

    async def _messages_handled(self) -> None:
        """Return once the app and every node of the current screen have handled the
        messages they had when this was called (what Pilot waits for between keys); a node
        removed meanwhile (the footer's keys, recomposed) is not waited for."""
        waiting: set[MessagePump] = {self, *self.screen.walk_children(with_self=True)}
        progress = asyncio.Event()

        def handled(node: MessagePump) -> None:
            waiting.discard(node)
            progress.set()

        for node in list(waiting):
            if not node.call_later(handled, node):
                waiting.discard(node)
        while time.monotonic() < self._hold_until:
            waiting.difference_update([node for node in waiting if not node.is_running])
            if not waiting:
                return
            progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(progress.wait(), QUIET)


class _Lines(CompositorUpdate):
    """Whole lines of the screen, each with the cursor move to its start (what Textual's
    full update writes, for just these lines)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def render_segments(self, console: Console) -> str:
        return "".join(self.lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from ()  # written through render_segments only (App._display)
