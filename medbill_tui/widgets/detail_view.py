"""A read-only, keyboard-scrollable body for the detail screens."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class DetailScroll(VerticalScroll):
    """Scrolls its sections with j/k as well as the arrows, PageUp/PageDown, Home/End.

    | Key(s) | Description |
    | :- | :- |
    | j / down, k / up | Scroll a line. |
    | pageup / pagedown, home / end | Scroll a screen / to either end. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="detail.down"),
        Binding("k", "scroll_up", "Up", show=False, id="detail.up"),
    ]
