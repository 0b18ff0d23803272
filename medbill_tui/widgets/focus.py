"""Moving the focus at once, for a key that moves it.

Textual's `Widget.focus()` moves the focus later (`app.call_later`): a key typed right
behind the one that moved it (`left voicemail` Enter `12/15`, `3` Down `2`) would still
go to the box just left. The key queue (shell/key_queue.py) holds each key until the
handler of the one before it has run, so a focus moved inside that handler is in place
before the next key is handed out."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget, scroll_visible: bool = True) -> None:
    """Give `widget` the focus now (nothing happens if it cannot take it, as with
    `focus()`)."""
    widget.screen.set_focus(widget, scroll_visible=scroll_visible)
