"""Aging buckets for outstanding balances."""

from __future__ import annotations

from datetime import date

BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)
"""(label, first day, last day) — the day counts are inclusive; None means no upper end."""


def age_in_days(start: date, today: date) -> int:
    """Whole days from `start` to `today` (0 on the same day; never negative)."""
    return max((today - start).days, 0)


def bucket_index(days: int) -> int:
    """Index into BUCKETS for an age in days."""
    for index, (_, low, high) in enumerate(BUCKETS):
        if days >= low and (high is None or days <= high):
            return index
    return 0
