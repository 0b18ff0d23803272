"""Full garbage collections wait for a quiet moment, or run after a long spell anyway; Python's
own full collections are off while the app runs them, and back after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from medbill_tui.shell.heap import DUE_AFTER, LONGEST_WAIT_SECONDS, NEVER, QuietCollections


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.last_key = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def make_due() -> None:
    for _ in range(DUE_AFTER):
        gc.collect(1)  # each counts one middle-generation collection toward a full one


def test_a_due_collection_waits_for_a_quiet_moment(restored: None) -> None:
    clock, runs = Clock(), []
    collections = QuietCollections(lambda: clock.last_key, clock, lambda: runs.append(1))
    young, middle, _ = gc.get_threshold()
    collections.start()
    assert runs == [1]  # what was garbage went before the freeze
    runs.clear()
    assert gc.get_threshold() == (young, middle, NEVER)
    gc.collect()  # nothing pending
    assert not collections.check()
    make_due()
    clock.now += 0.5
    clock.last_key = clock.now - 0.2  # typing
    assert not collections.check() and runs == []
    clock.now += 1.5  # no key for 1.7 s
    assert collections.check() and runs == [1]
    collections.stop()
    assert gc.get_threshold() == (young, middle, gc.get_threshold()[2]) != (young, middle, NEVER)


def test_a_long_spell_of_typing_collects_anyway(restored: None) -> None:
    clock, runs = Clock(), []
    collections = QuietCollections(lambda: clock.last_key, clock, lambda: runs.append(1))
    collections.start()
    runs.clear()
    make_due()
    for _ in range(int(LONGEST_WAIT_SECONDS) - 1):
        clock.now += 1
        clock.last_key = clock.now  # a key every second
        assert not collections.check()
    clock.now += 2
    clock.last_key = clock.now
    assert collections.check() and runs == [1]
    collections.stop()


def test_the_real_collection_resets_what_is_due(restored: None) -> None:
    clock = Clock()
    collections = QuietCollections(lambda: clock.last_key, clock)
    collections.start()
    assert gc.get_freeze_count() > 0  # what existed at start is kept out of collections
    make_due()
    clock.now += 5
    assert collections.check()
    assert gc.get_count()[2] == 0 and not collections.due()
    collections.stop()


def test_no_collection_while_keys_wait_for_a_screen(restored: None) -> None:
    clock, runs, held = Clock(), [], [3]
    collections = QuietCollections(
        lambda: clock.last_key, clock, lambda: runs.append(1), keys_waiting=lambda: held[0] > 0
    )
    collections.start()
    runs.clear()  # the collection before the freeze
    make_due()
    clock.now += 5  # no new key for 5 s, but three are held for a loading screen
    assert not collections.check() and runs == []
    held[0] = 0
    assert collections.check() and runs == [1]
    collections.stop()
