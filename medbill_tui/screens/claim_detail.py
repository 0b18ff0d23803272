"""Read-only view of one claim: status, lines, payments with adjustments, history, denials."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.worker import Worker

from medbill_tui.records.detail import ChainLink, ClaimDetail, Detail, HistoryLine, PaymentLine
from medbill_tui.records.followups import Entity, EntityFollowup
from medbill_tui.screens.claim_chain_actions import ClaimChainActions
from medbill_tui.screens.claim_print import ClaimPrintActions
from medbill_tui.screens.detail import DetailScreen
from medbill_tui.screens.note import NoteActions
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.loaded_messages import DetailLoaded
from medbill_tui.widgets.text import fmt_date, fmt_datetime, money

FREQUENCIES = {"1": "original", "7": "replacement", "8": "void"}


def payments(lines: tuple[PaymentLine, ...]) -> RenderableType:
    if not lines:
        return r.empty("no payments yet")
    rows = [
        (
            fmt_date(line.paid_on),
            line.payer_name,
            line.trace_no,
            line.status_code,
            money(line.charge),
            money(line.paid),
            money(line.patient_responsibility),
        )
        for line in lines
    ]
    headers = ("Paid on", "Payer", "Trace", "St", "Charge", "Paid", "Pt resp")
    adjustments = [
        r.indented(Text(f"Adjusted {fmt_date(line.paid_on)}: " + ", ".join(line.adjustments)))
        for line in lines
        if line.adjustments
    ]
    table = r.table(headers, rows, right=(4, 5, 6), wrap=(1,), keep=(0, 2, 3))
    return r.stack(table, *adjustments)


def history(lines: tuple[HistoryLine, ...]) -> RenderableType:
    if not lines:
        return r.empty("no history")
    rows = [(fmt_datetime(line.at), line.actor, line.text) for line in lines]
    return r.table(("When", "Who", "What"), rows, wrap=(2,), keep=(0,))


def follow_up(item: EntityFollowup | None) -> RenderableType:
    """The open follow-up's date and owner, and the latest notes of a claim or account."""
    if item is None:
        return r.empty("not loaded")
    due = f"next action {fmt_date(item.due_on)} ({item.owner or 'unassigned'})"
    head = Text(f"  {due}" if item.due_on else "  no follow-up open")
    if not item.notes:
        return r.stack(head, r.empty("no notes"))
    rows = [(fmt_datetime(n.at), n.author, n.body) for n in item.notes]
    return r.stack(head, r.table(("When", "Who", "Note"), rows, wrap=(2,), keep=(0,)))


def chain(detail: ClaimDetail) -> list[tuple[str, str]]:
    """The claim's place in its chain (replaces / replaced by / voided by), as fields; none
    for a claim that replaces nothing and was never replaced."""
    fields = [("Replaces", detail.replaces)] if detail.replaces else []
    return fields + [
        (_by(link), f"{link.claim_no} ({link.status_label})") for link in detail.replaced_by
    ]


def _by(link: ChainLink) -> str:
    return "Voided by" if link.frequency == "8" else "Replaced by"


class ClaimDetailScreen(ClaimChainActions, ClaimPrintActions, NoteActions, DetailScreen):
    """Header, status, lines, diagnoses, payments, history, open denials, balance, and the
    follow-up with its notes (n adds a note, p records a payer call); on a sent claim `v`
    voids it, `c` sends a corrected claim, `b` rebills it (each asks first); `P` prints its
    CMS-1500 form again."""

    what = "claim"
    # most used first (the footer shows what fits; `?` lists every key)
    footer_first: ClassVar[tuple[str, ...]] = (
        "claim.payer-call",
        "followup.note",
        "claim.correct",
        "claim.rebill",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edi", "Raw EDI", id="claim.edi", tooltip="The claim's last 837P and acks"),
        Binding(
            "p",
            "payer_call",
            "Payer call",
            id="claim.payer-call",
            tooltip="Record a call to the payer: rep, reference, outcome, next action",
        ),
    ]

    def action_edi(self) -> None:
        from medbill_tui.screens.edi_view import EdiViewScreen

        self.app.push_screen(EdiViewScreen(self.claim_id))

    def __init__(self, claim_id: int) -> None:
        super().__init__()
        self.claim_id = claim_id
        self.followup: EntityFollowup | None = None

    def fetch(self) -> Detail:
        detail = self.services.details.claim(self.claim_id)
        self.followup = self.services.followups.of("claim", self.claim_id)
        return detail

    def note_target(self) -> tuple[Entity, int, str] | None:
        if isinstance(self.detail, ClaimDetail):
            return "claim", self.claim_id, f"claim {self.detail.claim_no}"
        return None

    def note_saved(self, saved: object) -> None:
        self.load()

    def loaded_claim(self) -> ClaimDetail | None:
        return self.detail if isinstance(self.detail, ClaimDetail) else None

    def chain_done(self) -> None:
        self.load()

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        super().on_detail_loaded(message)
        self.refresh_bindings()  # v / c / b show for what the claim allows

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "detail":  # a refused action keeps the claim on screen
            super().worker_failed(worker)

    def title_text(self) -> str:
        if isinstance(self.detail, ClaimDetail):
            return f"Claim {self.detail.claim_no} · {self.detail.patient.name}"
        return "Claim"

    def render_detail(self, detail: Detail) -> RenderableType:
        assert isinstance(detail, ClaimDetail)
        frequency = FREQUENCIES.get(detail.frequency, detail.frequency)
        claim = [
            ("Claim", detail.claim_no),
            ("Status", detail.status_label),
            ("Payer", detail.payer_name),
            ("Member ID", detail.member_id),
            ("DOS", fmt_date(detail.dos)),
            ("Type", f"{detail.frequency} {frequency}"),
            ("Created", fmt_date(detail.created_on)),
            ("Submitted", fmt_date(detail.submitted_on)),
            ("Charge", money(detail.total_charge)),
            ("Balance", money(detail.balance)),
            *chain(detail),
        ]
        denials: RenderableType = (
            Text("\n".join(f"  • {denial}" for denial in detail.open_denials))
            if detail.open_denials
            else r.empty("none open")
        )
        return r.stack(
            r.fields(r.patient_fields(detail.patient)),
            r.heading("Claim"),
            r.fields(claim),
            r.heading("Open denials"),
            denials,
            r.heading("Diagnoses"),
            r.diagnoses(detail.diagnoses),
            r.heading("Service lines"),
            r.service_lines(detail.lines),
            r.heading("Payments"),
            payments(detail.payments),
            r.heading("Follow-up"),
            follow_up(self.followup),
            r.heading("History"),
            history(detail.history),
        )
