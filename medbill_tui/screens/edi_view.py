"""Read-only: the segments of a claim's last 837P (the claim's own segments marked ▶ and bold)
and the acknowledgments (999, 277CA) that refer to the claim."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from medbill_tui.records.claims import ClaimEdi
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.detail_view import DetailScroll
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import fmt_datetime

CONTEXT_BEFORE = 8
"""Segments shown before the claim's own (its subscriber and patient loops)."""
HEAD = 6
TAIL = 3


@dataclass
class ClaimEdiLoaded(Message):
    edi: ClaimEdi


def visible(edi: ClaimEdi, full: bool) -> list[int]:
    """Indexes into `edi.segments` to show: all, or the envelope and the claim with context."""
    if full:
        return list(range(len(edi.segments)))
    total = len(edi.segments)
    return [
        i
        for i, (number, _) in enumerate(edi.segments)
        if i < HEAD
        or i >= total - TAIL
        or edi.first_segment - CONTEXT_BEFORE <= number <= edi.last_segment + 1
    ]


def render_edi(edi: ClaimEdi, full: bool) -> RenderableType:
    head = [
        ("Claim", edi.claim_no),
        ("File", edi.file_name or "never sent"),
        ("Sent", fmt_datetime(edi.submitted_at) if edi.submitted_at else ""),
        ("Segments", f"{edi.first_segment}-{edi.last_segment}" if edi.file_name else ""),
    ]
    if edi.acks:
        acks: RenderableType = r.table(
            ("Kind", "Status", "Code", "Words"),
            [(a.kind, a.status, a.code, a.words) for a in edi.acks],
            wrap=(3,),
            keep=(0, 1, 2),
        )
    else:
        acks = r.empty("no acknowledgment refers to this claim yet")
    lines = Text()
    shown = visible(edi, full)
    previous = -1
    for index in shown:
        if index != previous + 1:
            lines.append(f"       … {index - previous - 1} segments …\n", style="dim")
        number, segment = edi.segments[index]
        mine = edi.first_segment <= number <= edi.last_segment
        lines.append(f"{'▶' if mine else ' '}{number:>5} ", style="bold" if mine else "dim")
        lines.append(f"{segment}~\n", style="bold reverse" if mine else "")
        previous = index
    if edi.segments and previous != len(edi.segments) - 1:
        lines.append(f"       … {len(edi.segments) - previous - 1} segments …\n", style="dim")
    segments: RenderableType = lines if edi.segments else r.empty("no 837P was sent")
    title = "837P (all segments)" if full else "837P (envelope and this claim; f shows all)"
    return r.stack(
        r.fields(head),
        r.heading("Acknowledgments"),
        acks,
        r.heading(title),
        segments,
    )


class EdiViewScreen(ServiceScreen):
    """The claim's last 837P and its acknowledgments.

    | Key(s) | Description |
    | :- | :- |
    | f | Show the whole file, or only the envelope and this claim. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="edi.back", tooltip="Close this view"),
        Binding(
            "f",
            "toggle_full",
            "Whole file",
            id="edi.full",
            tooltip="Show every segment of the file, or only this claim's",
        ),
    ]

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.edi: ClaimEdi | None = None
        self.full = False

    def compose(self) -> ComposeResult:
        yield Header()
        with DetailScroll(id="detail-scroll"):
            yield Static("Loading the claim's EDI…", id="detail-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Claim EDI"
        self.query_one(DetailScroll).focus()
        self.load()

    @work(thread=True, exit_on_error=False, group="edi-load", exclusive=True)
    def load(self) -> None:
        self.post_message(ClaimEdiLoaded(self.services.details.claim_edi(self.claim_id)))

    def on_claim_edi_loaded(self, message: ClaimEdiLoaded) -> None:
        self.edi = message.edi
        self.sub_title = f"EDI · claim {message.edi.claim_no}"
        self.show()

    def show(self) -> None:
        if self.edi is not None:
            self.query_one("#detail-body", Static).update(render_edi(self.edi, self.full))

    def action_toggle_full(self) -> None:
        self.full = not self.full
        self.show()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.query_one("#detail-body", Static).update(
            f"This claim's EDI could not be shown: {worker.error}\n\nPress Escape to go back."
        )

    def action_back(self) -> None:
        self.app.pop_screen()
