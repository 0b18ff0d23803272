"""Read-only view of an account (a patient): address, aged balances, visits."""

from __future__ import annotations

from rich.console import RenderableType

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.detail import AccountDetail, AccountEncounterRow, Detail
from medbill_tui.records.followups import Entity, EntityFollowup
from medbill_tui.records.queues import BalanceRow
from medbill_tui.screens.claim_detail import follow_up
from medbill_tui.screens.detail import DetailScreen
from medbill_tui.screens.note import NoteActions
from medbill_tui.screens.patient_merge import MergeActions
from medbill_tui.screens.payment import PaymentActions
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.text import fmt_date, money


def balances(rows: tuple[BalanceRow, ...]) -> RenderableType:
    if not rows:
        return r.empty("nothing owed")
    labels = [label for label, _, _ in BUCKETS]
    cells = [
        (row.responsibility, *(money(amount) for amount in row.buckets), money(row.total))
        for row in rows
    ]
    return r.table(("Owed by", *labels, "Total"), cells, right=range(1, len(labels) + 2))


def visits(rows: tuple[AccountEncounterRow, ...]) -> RenderableType:
    if not rows:
        return r.empty("no visits")
    cells = [
        (
            fmt_date(row.dos),
            f"#{row.encounter_id}",
            row.status,
            money(row.charges),
            money(row.balance),
        )
        for row in rows
    ]
    headers = ("DOS", "Encounter", "Status", "Charges", "Balance")
    return r.table(headers, cells, right=(1, 3, 4), keep=(0,))


class AccountDetailScreen(MergeActions, PaymentActions, NoteActions, DetailScreen):
    """Patient, address, balances by responsibility in aging buckets, the visits, and the
    account's follow-up with its notes (n adds a note with a next-action date; $ posts a
    patient payment or refunds a credit; M merges a duplicate account into this one, for
    supervisors and admins)."""

    what = "account"

    def __init__(self, patient_id: int) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.followup: EntityFollowup | None = None

    def fetch(self) -> Detail:
        detail = self.services.details.account(self.patient_id)
        self.followup = self.services.followups.of("patient", self.patient_id)
        return detail

    def note_target(self) -> tuple[Entity, int, str] | None:
        if isinstance(self.detail, AccountDetail):
            return "patient", self.patient_id, f"account {self.detail.patient.account_no}"
        return None

    def note_saved(self, saved: object) -> None:
        self.load()

    def payment_posted(self) -> None:
        self.load()

    def merge_target(self) -> str | None:
        if isinstance(self.detail, AccountDetail):
            return self.detail.patient.account_no
        return None

    def merge_done(self) -> None:
        self.load()

    def title_text(self) -> str:
        if isinstance(self.detail, AccountDetail):
            return f"Account {self.detail.patient.account_no} · {self.detail.patient.name}"
        return "Account"

    def render_detail(self, detail: Detail) -> RenderableType:
        assert isinstance(detail, AccountDetail)
        return r.stack(
            r.fields(r.patient_fields(detail.patient)),
            r.fields([("Address", detail.address)], columns=1),
            r.heading("Balances"),
            balances(detail.balances),
            r.heading("Follow-up"),
            follow_up(self.followup),
            r.heading("Visits"),
            visits(detail.encounters),
        )
