"""Python's full garbage collections, run while the biller is not typing.

A full collection walks every object the collector tracks: with the app's modules, a queue of a
thousand loaded rows and the table's rendered lines that is 50-140 ms, long enough to be the
slowest key of a hundred (docs/performance.md, page down). So once the app is up its long-lived
objects (modules, classes, the schema) are frozen out of every later collection, and the full
collections Python would start on its own are run instead when no key has come for a moment,
or after a longer spell anyway so memory stays bounded. The young generations are left to
Python: they are small and quick.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET_SECONDS = 1.0
"""A due full collection runs once no key has come for this long."""
LONGEST_WAIT_SECONDS = 60.0
"""... or once this long has passed since the last one, typing or not."""
CHECK_SECONDS = 0.5
"""How often the app asks whether one is due."""
DUE_AFTER = 10
"""Collections of the middle generation since the last full one that make a full one due
(Python's own default threshold)."""
NEVER = 1_000_000_000
"""A threshold the middle generation's count never reaches: Python starts no full collection."""


class QuietCollections:
    """Full collections started by the app between keys instead of by Python among them."""

    def __init__(
        self,
        last_key: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], object] = gc.collect,
        keys_waiting: Callable[[], bool] = lambda: False,
    ) -> None:
        self._last_key = last_key
        self._keys_waiting = keys_waiting
        self._clock = clock
        self._collect = collect
        self._last_full = clock()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Free what is garbage now, freeze the rest (the app is up: modules, classes, the
        schema) and take full collections over from Python."""
        self._collect()  # garbage frozen now would never be freed
        gc.freeze()
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._last_full = self._clock()

    def stop(self) -> None:
        """Give full collections back to Python (the thresholds it had)."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def due(self) -> bool:
        """A full collection is due, and now is a good time: no key for a moment, or none has
        run for a long while."""
        if gc.get_count()[2] < DUE_AFTER or self._keys_waiting():
            return False  # keys held for a loading screen are being waited for already
        now = self._clock()
        quiet = now - self._last_key() >= QUIET_SECONDS
        return quiet or now - self._last_full >= LONGEST_WAIT_SECONDS

    def check(self) -> bool:
        """Run a full collection when one is due; whether it ran."""
        if not self.due():
            return False
        self._collect()
        self._last_full = self._clock()
        return True
