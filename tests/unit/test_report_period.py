"""Report dates: ISO only, real days, ranges in order, no as-of in the future."""

from __future__ import annotations

from datetime import date

import pytest

from medbill_tui.domain.report_period import (
    PeriodError,
    check_as_of,
    parse_day,
    parse_optional_day,
    resolve_range,
)

TODAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "words"),
    [("2026-02-29", "not a real day"), ("20261102", "YYYY-MM-DD"), ("2026-1-2", "YYYY-MM-DD"),
     ("11/02/2026", "YYYY-MM-DD"), ("today", "YYYY-MM-DD")],
)  # fmt: skip
def test_only_real_iso_days(text: str, words: str) -> None:
    with pytest.raises(PeriodError, match=words):
        parse_day(text, "From")


def test_parse_and_defaults() -> None:
    assert parse_day(" 2028-02-29 ", "To") == date(2028, 2, 29)
    assert parse_optional_day("  ", "To") is None and parse_optional_day(None, "To") is None
    assert resolve_range(None, None, TODAY) == (date(2026, 10, 4), TODAY)
    assert resolve_range(None, date(2026, 1, 30), TODAY) == (date(2026, 1, 1), date(2026, 1, 30))
    assert resolve_range(TODAY, TODAY, TODAY) == (TODAY, TODAY)
    with pytest.raises(PeriodError, match="start date 2026-11-03 is after the end date"):
        resolve_range(date(2026, 11, 3), TODAY, TODAY)
    assert check_as_of(None, TODAY) == TODAY and check_as_of(TODAY, TODAY) == TODAY
    with pytest.raises(PeriodError, match="in the future"):
        check_as_of(date(2026, 11, 3), TODAY)
    with pytest.raises(PeriodError, match="end date 2026-11-03 is in the future"):
        resolve_range(None, date(2026, 11, 3), TODAY)
