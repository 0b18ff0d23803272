"""The notice shown while the terminal is smaller than 80x24: words, not a broken layout."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_SIZE = Size(80, 24)
"""The smallest terminal every screen is laid out for (columns, rows)."""


def too_small(size: Size) -> bool:
    """True when `size` is narrower or shorter than MIN_SIZE."""
    return size.width < MIN_SIZE.width or size.height < MIN_SIZE.height


def too_small_words(size: Size) -> str:
    """What the notice says for a terminal of `size`."""
    return (
        f"The terminal is {size.width}x{size.height}. medbill needs at least "
        f"{MIN_SIZE.width}x{MIN_SIZE.height} (columns x rows).\n\n"
        "Make the window larger or the font smaller: your work is kept and comes "
        "back as it was.\n\nctrl+q quits."
    )


class TooSmallScreen(ModalScreen[None]):
    """Covers the app while the terminal is too small; the app removes it once it fits."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
        background: $background;
    }
    TooSmallScreen #too-small {
        width: 100%;
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(too_small_words(self.app.size), id="too-small", markup=False)

    def show_size(self, size: Size) -> None:
        """Say the terminal's new (still too small) size."""
        self.query_one("#too-small", Static).update(too_small_words(size))
