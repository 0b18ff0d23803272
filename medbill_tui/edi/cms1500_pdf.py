"""CMS-1500 forms as a PDF for pre-printed red forms: data only, Courier 12 pt (10 pitch) at 6
lines per inch on the form's grid, moved by the printer's offset; optionally an alignment page
first (an X at each corner box and a ruler) to check the paper before the claims."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from medbill_tui.edi.cms1500 import Spot

FONT = "Courier"
FONT_SIZE = 12.0
"""Courier's advance is 0.6 em: 12 pt makes 7.2 pt, 10 characters an inch."""
CHAR_WIDTH = 7.2
LINE_HEIGHT = 12.0
"""6 lines an inch."""
BASELINE_LIFT = 3.0
"""Text sits on the baseline a little above the bottom of its grid line."""
POINTS_PER_INCH = 72.0
PAGE_HEIGHT = letter[1]

ALIGNMENT_SPOTS = (
    Spot("align", 8, 1, "X"),
    Spot("align", 8, 50, "XXXXXXXXXXXXXXXXX"),
    Spot("align", 10, 1, "XXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
    Spot("align", 44, 1, "XX XX XX XX XX XX XX"),
    Spot("align", 56, 1, "XXXXXXXXXXXXXXX"),
    Spot("align", 56, 52, "XXXXX XX"),
    Spot("align", 61, 50, "XXXXXXXXXX"),
)
"""Where a biller checks the paper: box 1, 1a, 2, the first service line, 25, 28, 33a."""


def spot_xy(spot: Spot, dx: float = 0.0, dy: float = 0.0) -> tuple[float, float]:
    """Where a spot's text starts on the page (points from the bottom left); `dx`, `dy` the
    printer's offset in inches (right and down)."""
    x = (spot.col - 1) * CHAR_WIDTH + dx * POINTS_PER_INCH
    y = PAGE_HEIGHT - spot.line * LINE_HEIGHT + BASELINE_LIFT - dy * POINTS_PER_INCH
    return x, y


def cms1500_pdf(
    pages: Sequence[Sequence[Spot]],
    *,
    offset: tuple[float, float] = (0.0, 0.0),
    alignment: bool = False,
) -> bytes:
    """The forms as one PDF (an alignment page first when asked)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, pageCompression=0)
    canvas.setTitle("CMS-1500 (02/12)")
    every = ([list(ALIGNMENT_SPOTS)] if alignment else []) + [list(p) for p in pages]
    for spots in every:
        canvas.setFont(FONT, FONT_SIZE)
        for spot in spots:
            x, y = spot_xy(spot, *offset)
            canvas.drawString(x, y, spot.text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
