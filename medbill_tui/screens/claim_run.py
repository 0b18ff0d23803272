"""The preview of a claim run: claims per payer with amounts, the total, and what is
skipped with the scrubber's reasons — confirm to create them, or cancel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from medbill_tui.records.claims import ClaimRun
from medbill_tui.screens.dialog import DialogScreen
from medbill_tui.widgets.text import fmt_date, money, plural

MAX_REASONS = 3
"""Reasons shown per skipped encounter (the rest are on the encounter itself)."""


@dataclass
class ClaimRunReady(Message):
    """A dry run (preview) or a real run of claim creation finished; `encounter_ids` is
    what was asked for (None: every unbilled encounter)."""

    run: ClaimRun
    encounter_ids: tuple[int, ...] | None


@dataclass
class HoldChanged(Message):
    """An encounter or claim was put on hold, released, resent or billed to the patient;
    `what` says which, in words; `leaving` is the queue row key of a row that is no longer in
    the queue ('' if none); `title` heads the notice."""

    what: str
    leaving: str = ""
    title: str = "Hold"


def run_summary(run: ClaimRun) -> str:
    """'3 claims, $1,234.00 (2 skipped)' in words."""
    text = f"{plural(run.created, 'claim')}, {money(run.amount)}"
    if run.skipped:
        text += f" ({len(run.skipped):,} skipped)"
    return text


def render_run(run: ClaimRun) -> RenderableType:
    """Per payer: claims and amount, a total row, then the skipped encounters and why."""
    parts: list[RenderableType] = []
    if run.batches:
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
        table.add_column("Payer", no_wrap=True, overflow="ellipsis", max_width=34)
        table.add_column("Claims", justify="right")
        table.add_column("Amount", justify="right", no_wrap=True)
        for batch in run.batches:
            table.add_row(batch.payer_name, f"{batch.claims:,}", money(batch.amount))
        table.add_row(Text("Total", style="bold"), f"{run.created:,}", money(run.amount))
        parts.append(table)
    else:
        parts.append(Text("Nothing can be billed: every encounter asked for has problems."))
    if run.skipped:
        parts.append(Text(f"\nSkipped {plural(len(run.skipped), 'encounter')} (fix first):"))
        for skipped in run.skipped:
            head = f"#{skipped.encounter_id} {skipped.patient_name} {fmt_date(skipped.dos)}"
            parts.append(Text(head, style="bold"))
            reasons = Table.grid(padding=(0, 1))  # wrapped reasons stay indented
            reasons.add_column(width=3, justify="right")
            reasons.add_column(ratio=1)
            for reason in skipped.reasons[:MAX_REASONS]:
                reasons.add_row("✖", Text(reason))
            if len(skipped.reasons) > MAX_REASONS:
                reasons.add_row("…", f"{len(skipped.reasons) - MAX_REASONS} more")
            parts.append(reasons)
    return Group(*parts)


class ClaimRunScreen(DialogScreen[bool]):
    """Preview claims before they are created; dismisses with True to create them.

    | Key(s) | Description |
    | :- | :- |
    | y / enter | Create the claims. |
    | n / escape | Cancel (nothing is created). |
    | j / k, arrows | Scroll the list. |
    """

    dialog_id = "claim-run-dialog"

    DEFAULT_CSS = """
    #claim-run-body {
        height: auto;
        max-height: 15;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y,enter",
            "answer(True)",
            "Create",
            id="claimrun.confirm",
            tooltip="Create these claims",
        ),
        Binding(
            "n,escape", "answer(False)", "Cancel", id="claimrun.cancel", tooltip="Create nothing"
        ),
        Binding("j,down", "scroll(1)", "Down", show=False, id="claimrun.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="claimrun.up"),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False, id="claimrun.page-down"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="claimrun.page-up"),
    ]

    def __init__(self, run: ClaimRun, scope: str) -> None:
        super().__init__()
        self.run = run
        self.scope = scope

    def compose_dialog(self) -> ComposeResult:
        yield Label(
            Text(f"Create claims: {self.scope}"), id="claim-run-title", classes="dialog-title"
        )
        yield Static(Text(run_summary(self.run)), id="claim-run-summary")
        with VerticalScroll(id="claim-run-body", can_focus=False):
            yield Static(render_run(self.run), id="claim-run-list")
        hint = (
            "y or Enter: create them · n or Esc: cancel"
            if self.run.created
            else "Nothing to create · Enter or Esc: close"
        )
        yield Static(hint, id="claim-run-hint", classes="dialog-keys")

    def action_answer(self, create: bool) -> None:
        self.dismiss(create and self.run.created > 0)

    def action_scroll(self, step: int) -> None:
        self.query_one("#claim-run-body", VerticalScroll).scroll_relative(y=step, animate=False)
