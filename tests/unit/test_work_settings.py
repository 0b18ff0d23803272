"""MEDBILL_LEASE_MINUTES: how long `n` / `work next` holds an item."""

from __future__ import annotations

import pytest

from medbill_tui.runtime.config import ConfigError, load_settings


def test_lease_minutes_default_and_set() -> None:
    assert load_settings({}, dotenv=False).lease_minutes == 30
    assert load_settings({"MEDBILL_LEASE_MINUTES": "45"}, dotenv=False).lease_minutes == 45


@pytest.mark.parametrize("value", ["0", "-5", "ten", "1441", "2.5"])
def test_a_bad_lease_length_is_refused_in_words(value: str) -> None:
    with pytest.raises(ConfigError, match=r"MEDBILL_LEASE_MINUTES=.* must be a number of minutes"):
        load_settings({"MEDBILL_LEASE_MINUTES": value}, dotenv=False)
