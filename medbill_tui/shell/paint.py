"""Paint once: a screen change reaches the terminal as one frame, not as every step of it.

Textual paints a new screen as it settles: the screen's first layout, again when the screen's
Resize arrives, again when the footer recomposes its keys, again when content arrives. Each
is a whole-screen frame (~8 KB at 80x24), so over a slow link one screen change cost three
or four frames and a key typed after it waited behind them (docs/performance.md, slow link).

While a hold is on, frames are worked out as usual (layout, resize and recompose all run) but
not written; the whole screen goes out once, as soon as it is worth reading, and once more
when it has settled only if the settled screen differs from what was sent. A screen that is
still loading its content (`ShowsLoading`) is waited for up to LOADING_GRACE, so a quick load
shows no "Loading…" at all; a slower one shows it once, and its content is then painted under
a new hold (`hold_paint`, called by the screen as the content arrives).

Worth reading: going back to a screen painted before (a list), the first frame Textual works
out is that screen as it was, so it goes out at once; waiting for the resume's cascade to
settle (six or seven frames tried) cost 0.3-0.8 s on a busy machine before anything was
sent. A screen painted for the first time waits for the cascade: its first frames lack the
footer's keys or the title, and sending them early would send the screen twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from typing import Any

from rich.console import RenderableType
from textual._compositor import LayoutUpdate
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
    _painted: weakref.WeakSet[Screen[Any]]
    """Screens painted at least once (going back to one paints it early)."""
    _sent_early: str | None = None
    """The whole screen as sent early in the current hold (None: nothing sent yet)."""
    _may_send_early = False
    """The current hold began with a screen change (content arriving under a hold waits for
    it to settle: its first frame may not have been laid out yet)."""

    def on_mount(self) -> None:
        self._painted = weakref.WeakSet()
        if not self.is_headless:  # nothing is written headless: nothing to hold
            self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        self.hold_paint()
        self._may_send_early = True

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
                    self._sent_early = self._paint_whole(screen, unless_same_as=None) or ""
                    since = time.monotonic() - (self._hold_started or 0.0)
                    log.debug("paint sent early %.3f s on %s", since, type(screen).__name__)
                    return
                self._frames_held += 1
                return
        super()._display(screen, renderable)

    def _worth_reading(self, screen: Screen[Any]) -> bool:
        if not self._may_send_early or screen is not self.screen or screen.size != self.size:
            return False
        if screen not in self._painted:
            return False
        return not (isinstance(screen, ShowsLoading) and screen.still_loading())

    def _paint_whole(self, screen: Screen[Any], unless_same_as: str | None) -> str | None:
        """Write the whole of `screen` (what the terminal shows may be another screen's, so
        a partial update would not do) unless it is `unless_same_as`; return what it is."""
        update = screen._compositor.render_update(full=True, screen_stack=self._background_screens)
        if not isinstance(update, LayoutUpdate):
            return None
        whole = update.render_segments(self.console)
        if whole != unless_same_as:
            super()._display(screen, update)
        return whole

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
            if top is not None:
                self._painted.add(top)
            if self._frames_held and top is not None:
                if self._sent_early is None:
                    top.refresh()
                elif top is self.screen:  # held since the early frame: only if it changed
                    self._paint_whole(top, unless_same_as=self._sent_early)

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
