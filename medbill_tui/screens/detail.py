"""The shared frame of the read-only detail screens: load in a worker, show, scroll, go back."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static
from textual.worker import Worker

from medbill_tui.records.detail import Detail
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.detail_view import DetailScroll
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.loaded_messages import DetailLoaded


class DetailScreen(ServiceScreen):
    """Base of the encounter, claim and account views; subclasses fetch and render.

    | Key(s) | Description |
    | :- | :- |
    | escape | Back to where it was opened from. |
    | j/k, arrows, pageup/pagedown, home/end | Scroll. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Close this view"),
    ]

    what: ClassVar[str] = "record"
    """The thing shown, in words ('claim')."""

    def __init__(self) -> None:
        super().__init__()
        self.detail: Detail | None = None
        self.load_failed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with DetailScroll(id="detail-scroll"):
            yield Static(f"Loading the {self.what}…", id="detail-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = self.title_text()
        self.query_one(DetailScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="detail", exclusive=True)
    def load(self) -> None:
        self.post_message(DetailLoaded(self.fetch()))

    def still_loading(self) -> bool:
        return self.detail is None and not self.load_failed

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        self.medbill.hold_paint()  # the title and the body in one frame
        self.detail = message.detail
        self.sub_title = self.title_text()
        self.query_one("#detail-body", Static).update(self.render_detail(message.detail))

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.load_failed = True
        self.query_one("#detail-body", Static).update(
            f"This {self.what} could not be shown: {worker.error}\n\nPress Escape to go back."
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def title_text(self) -> str:
        """The header's sub-title (may use `self.detail` once loaded)."""
        return self.what.capitalize()

    def fetch(self) -> Detail:
        """Blocking service call, run in the worker thread."""
        raise NotImplementedError

    def render_detail(self, detail: Detail) -> RenderableType:
        raise NotImplementedError
