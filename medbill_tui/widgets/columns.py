"""Table columns that follow the terminal's width: each has its width at 80 columns, and
flexible ones share what a wider terminal adds (the queues and the pick lists use them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SCROLLBAR = 1
"""Width of a table's vertical scrollbar (app.tcss sets it)."""


@dataclass(frozen=True, slots=True)
class Col:
    """A column: `width` is its content width at 80 columns; `flex` columns share any spare
    width; `auto` columns (money, ids) are at least `width` wide and grow to fit, so an
    amount is never cut (a rare huge amount scrolls sideways instead); `right` columns are
    right-aligned."""

    label: str
    width: int
    right: bool = False
    flex: int = 0
    auto: bool = False


def layout(columns: Sequence[Col], total_width: int, gap: int = 1) -> list[int]:
    """Content widths of `columns` for a table `total_width` cells wide, `gap` cells of
    padding beside each column's content (a queue pads one space, a DataTable two)."""
    widths = [col.width for col in columns]
    spare = total_width - SCROLLBAR - sum(width + gap for width in widths)
    weights = sum(col.flex for col in columns)
    if spare > 0 and weights:
        for index, col in enumerate(columns):
            widths[index] += spare * col.flex // weights
        # The rounding remainder goes to the first flexible column: a row then ends at the
        # scrollbar instead of in a blank cell the terminal would be sent on every repaint.
        first = next(index for index, col in enumerate(columns) if col.flex)
        widths[first] += spare - sum(spare * col.flex // weights for col in columns)
    return widths
