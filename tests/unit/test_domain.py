"""Pure domain rules: money, aging buckets, claim transitions, settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbill_tui.domain.aging import BUCKETS, age_in_days, bucket_index
from medbill_tui.domain.claim_state import (
    PENDING,
    TRANSITIONS,
    ClaimStatus,
    TransitionError,
    check_transition,
)
from medbill_tui.domain.money import fmt_money, money_str, to_money
from medbill_tui.runtime.config import ConfigError, load_settings


def test_money_parses_and_rounds_to_cents() -> None:
    assert to_money("$1,234.565") == Decimal("1234.57")
    assert to_money(3) == Decimal("3.00")
    assert money_str(Decimal("5")) == "5.00"
    assert fmt_money(Decimal("-1234.5")) == "-1,234.50"
    for bad in ("abc", "", "1..2", "NaN", "inf"):
        with pytest.raises(ValueError):
            to_money(bad)
    with pytest.raises(TypeError):
        to_money(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (0, "0-30"),
        (30, "0-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "91-120"),
        (120, "91-120"),
        (121, "120+"),
        (5000, "120+"),
    ],
)
def test_aging_bucket_edges(days: int, label: str) -> None:
    assert BUCKETS[bucket_index(days)][0] == label


def test_age_is_never_negative() -> None:
    assert age_in_days(date(2026, 1, 10), date(2026, 1, 1)) == 0
    assert age_in_days(date(2026, 1, 1), date(2026, 1, 31)) == 30


@given(st.integers(min_value=0, max_value=100_000))
def test_every_age_has_exactly_one_bucket(days: int) -> None:
    matches = [b for b in BUCKETS if days >= b[1] and (b[2] is None or days <= b[2])]
    assert len(matches) == 1


def test_claim_transitions() -> None:
    check_transition(ClaimStatus.READY, ClaimStatus.SUBMITTED)
    with pytest.raises(TransitionError, match="cannot become"):
        check_transition(ClaimStatus.PAID, ClaimStatus.READY)
    assert set(TRANSITIONS) == set(ClaimStatus)
    assert ClaimStatus.PAID not in PENDING and ClaimStatus.SUBMITTED in PENDING


def test_settings_defaults_and_errors(tmp_path: Path) -> None:
    s = load_settings({"MEDBILL_DATA_DIR": str(tmp_path)})
    assert s.embedded and s.data_dir == tmp_path and s.page_size == 200 and s.today is None
    s = load_settings({"DATABASE_URL": "postgresql://x@h/db", "MEDBILL_TODAY": "2026-01-02"})
    assert not s.embedded and s.today == date(2026, 1, 2)
    for env in (
        {"MEDBILL_TODAY": "01/02/2026"},
        {"MEDBILL_LOG_LEVEL": "LOUD"},
        {"MEDBILL_PAGE_SIZE": "0"},
    ):
        with pytest.raises(ConfigError):
            load_settings(env)


def test_timer_settings() -> None:
    s = load_settings({"MEDBILL_TIMER_PAYMENT_DAYS": "45"})
    assert (s.timers.no_999, s.timers.no_277ca, s.timers.no_payment) == (1, 2, 45)
    with pytest.raises(ConfigError, match="MEDBILL_TIMER_999_DAYS"):
        load_settings({"MEDBILL_TIMER_999_DAYS": "0"})
