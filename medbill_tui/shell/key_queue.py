"""Keys typed ahead are never lost: each key goes to the screen that is on top once the
key before it has been acted on, and waits while that screen cannot act yet.

Textual hands a key to the focused widget and runs its binding only when the key has
bubbled back up to the app; a burst of keys is handed out before the first one has opened
its screen, and a key reaching a screen still loading its data finds nothing to act on.
Here a key is delivered only when
- the key before it has come back to the app (its binding ran) or a widget took it,
- the screen on top is mounted and nothing is waiting in its focused widget's queue (a
  RowSelected that opens the next screen, a dialog's focus), and
- the screen on top does not say it is loading (`HoldsKeys.keys_wait`, e.g. a queue before
  its first page, charge entry reading its encounter, `s` computing its preview).
Otherwise the key joins a FIFO that is emptied, in order, as soon as these hold again.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen
from textual.timer import Timer

from medbill_tui.screens.base import HoldsKeys
from medbill_tui.shell.key_input import EscapeThenKeyDriver

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
"""How often held keys look again whether the screen can take them (besides the wake-ups
when a key comes back or a queue empties)."""
FLIGHT_LIMIT_SECONDS = 1.0
"""A key neither back at the app nor taken by a widget after this long counts as done."""
HOLD_LIMIT_SECONDS = 20.0
"""A screen that says it is loading for longer than this gets the keys anyway (logged): a
screen that never finished loading must not swallow the keyboard."""


class KeyQueueMixin(App[None]):
    """Holds keys while the screen they would go to cannot act; see the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key] = deque()
        self._in_flight: events.Key | None = None
        self._flight_since = 0.0
        self._waiting_since = 0.0
        self._blocked_by: DOMNode | None = None
        self._wake_pending = False
        self._key_poll: Timer | None = None

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        return EscapeThenKeyDriver if driver is LinuxDriver else driver

    @property
    def alt_keys(self) -> frozenset[str]:
        """The Alt keys the keymap binds: ESC + their key stays one key (key_input.py)."""
        keys = (key.strip() for value in self._keymap.values() for key in value.split(","))
        return frozenset(key for key in keys if key.startswith("alt+"))

    @property
    def keys_held(self) -> int:
        """How many typed keys wait for the screen to be able to act (tests read this)."""
        return len(self._held_keys)

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if not self._goes_now(event):
            self._hold(event)
            return
        _from_nobody(event)
        await super().on_event(event)
        if event.is_forwarded:  # handed to a widget (else a priority binding took it)
            self._flying(event)

    def on_key(self, event: events.Key) -> None:
        # A key handed to a widget is back (App._on_key runs its binding right after this).
        if event is self._in_flight:
            self._in_flight = None
            if self._held_keys:
                self.call_later(self._release_held)
        if not self.screen_stack:  # back after the app closed its screens: nothing to do
            event.prevent_default()

    # holding -------------------------------------------------------------------------

    def _goes_now(self, event: events.Key) -> bool:
        if not self._held_keys and self._can_take_keys():
            return True
        return self._quits(event.key)  # a stuck screen never keeps the biller from leaving

    def _quits(self, key: str) -> bool:
        """True for the app's own quit key (ctrl+q, or where the keymap moved it)."""
        if not self.screen_stack:
            return False
        return any(
            binding.action == "quit"
            for node, bindings in self.screen._binding_chain
            if node is self
            for binding in bindings.key_to_bindings.get(key, ())
        )

    def _hold(self, event: events.Key) -> None:
        if not self._held_keys:
            self._waiting_since = time.monotonic()
        self._held_keys.append(event)
        self._wait_for_screen()

    def _flying(self, event: events.Key) -> None:
        self._in_flight = event  # done when back at the app (`on_key`) or taken on the way
        self._flight_since = time.monotonic()
        target = self.focused or self.screen
        target.call_next(self.call_later, self._release_held)  # once the widget has it

    def _can_take_keys(self) -> bool:
        """True when a key delivered now reaches a screen that can act on it."""
        self._blocked_by = None
        if not self.screen_stack:
            return False
        screen = self.screen
        if not screen.is_mounted:
            return False
        for node in (self.focused or screen).ancestors_with_self:
            if node.message_queue_size:
                self._blocked_by = node
                return False
            if isinstance(node, Screen):
                break
        flight = self._in_flight
        if flight is not None:
            # a key a widget or screen took (stopped) never comes back (Textual has no
            # public "stopped" flag; see _from_nobody)
            taken = flight._stop_propagation
            if not taken and time.monotonic() - self._flight_since < FLIGHT_LIMIT_SECONDS:
                return False
            self._in_flight = None
        return not (isinstance(screen, HoldsKeys) and screen.keys_wait())

    def _wait_for_screen(self) -> None:
        if self._key_poll is None:
            self._key_poll = self.set_interval(POLL_SECONDS, self._release_held)
        node = self._blocked_by
        if node is not None and not self._wake_pending:
            self._wake_pending = True  # wake up as soon as that queue is empty
            node.call_next(self.call_later, self._woken)

    async def _woken(self) -> None:
        self._wake_pending = False
        await self._release_held()

    async def _release_held(self) -> None:
        """Deliver held keys, in order, while the screen on top can take them."""
        forced = False
        while self._held_keys:
            if not forced and not self._can_take_keys():
                waited = time.monotonic() - self._waiting_since
                if waited < HOLD_LIMIT_SECONDS:
                    self._wait_for_screen()
                    return
                log.warning(
                    "%d keys held %.0f s for %s: delivered anyway",
                    len(self._held_keys),
                    waited,
                    type(self.screen).__name__,
                )
                forced = True
            event = self._held_keys.popleft()
            self._waiting_since = time.monotonic()
            _from_nobody(event)
            await App.on_event(self, event)
            if event.is_forwarded:
                self._flying(event)
        if self._key_poll is not None:
            self._key_poll.stop()
            self._key_poll = None


def _from_nobody(event: events.Key) -> None:
    """Clear a typed key's sender. Textual marks a message stopped when it reaches the child
    of its sender, and a key made on the app's task has the app as its sender: the screen
    would mark it stopped as it hands it up to the app. Without a sender "stopped" means
    a widget or screen took the key (the app is the root: nothing else changes)."""
    event._sender = None
