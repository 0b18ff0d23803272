"""The account (a patient): address, aged balances, follow-up, and the visits with their
claims, each opened with Enter."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from medbill_tui.domain.aging import BUCKETS
from medbill_tui.records.detail import AccountDetail, Detail
from medbill_tui.records.followups import Entity, EntityFollowup
from medbill_tui.records.queues import BalanceRow
from medbill_tui.screens.account_visits import (
    CLAIM_KEY,
    VISIT_KEY,
    VisitsTable,
    row_region,
    visit_rows,
)
from medbill_tui.screens.claim_detail import follow_up
from medbill_tui.screens.detail import DetailScreen
from medbill_tui.screens.note import NoteActions
from medbill_tui.screens.patient_merge import MergeActions
from medbill_tui.screens.payment import PaymentActions
from medbill_tui.widgets import detail_render as r
from medbill_tui.widgets.detail_view import DetailScroll
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.loaded_messages import DetailLoaded
from medbill_tui.widgets.text import money


def balances(rows: tuple[BalanceRow, ...]) -> RenderableType:
    if not rows:
        return r.empty("nothing owed")
    labels = [label for label, _, _ in BUCKETS]
    cells = [
        (row.responsibility, *(money(amount) for amount in row.buckets), money(row.total))
        for row in rows
    ]
    return r.table(("Owed by", *labels, "Total"), cells, right=range(1, len(labels) + 2))


class AccountDetailScreen(MergeActions, PaymentActions, NoteActions, DetailScreen):
    """Patient, address, balances by responsibility in aging buckets, the account's
    follow-up with its notes, and its visits each followed by its claims (m adds a note with
    a next-action date; $ posts a patient payment or refunds a credit; M merges a duplicate
    account into this one, for supervisors and admins).

    | Key(s) | Description |
    | :- | :- |
    | enter | Open the visit under the cursor (charge entry while it may be corrected, else
      read-only) or the claim. |
    """

    what = "account"

    def __init__(self, patient_id: int) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.followup: EntityFollowup | None = None
        self._reload_on_resume = False
        self._focused_once = False

    def compose(self) -> ComposeResult:
        yield Header()
        with DetailScroll(id="detail-scroll"):
            yield Static(f"Loading the {self.what}…", id="detail-body")
            yield VisitsTable(id="account-visits")
        yield KeysFooter()

    def fetch(self) -> Detail:
        detail = self.services.details.account(self.patient_id)
        self.followup = self.services.followups.of("patient", self.patient_id)
        return detail

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        super().on_detail_loaded(message)
        detail = message.detail
        if not isinstance(detail, AccountDetail):
            return
        table = self.query_one(VisitsTable)
        table.set_rows(visit_rows(detail.encounters, detail.claims))
        if table.row_count and not self._focused_once:
            self._focused_once = True
            table.focus(scroll_visible=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The table grows with the page: keep the cursor's row in view as the page scrolls.
        self.query_one(DetailScroll).scroll_to_region(
            row_region(self.query_one(VisitsTable)), animate=False
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = str(event.row_key.value or "")
        if key.startswith(VISIT_KEY):
            self.open_visit(int(key[len(VISIT_KEY) :]))
        elif key.startswith(CLAIM_KEY):
            from medbill_tui.screens.claim_detail import ClaimDetailScreen

            self._reload_on_resume = True
            self.app.push_screen(ClaimDetailScreen(int(key[len(CLAIM_KEY) :])))

    def open_visit(self, encounter_id: int) -> None:
        """Charge entry while the visit may be corrected (unbilled, on hold, a rejected or
        denied claim), else the visit read-only."""
        detail = self.detail
        assert isinstance(detail, AccountDetail)
        visit = next(v for v in detail.encounters if v.encounter_id == encounter_id)
        self._reload_on_resume = True
        if visit.editable:
            from medbill_tui.screens.encounter_entry import EncounterEntryScreen

            self.app.push_screen(EncounterEntryScreen(encounter_id))
        else:
            from medbill_tui.screens.encounter_detail import EncounterDetailScreen

            self.app.push_screen(EncounterDetailScreen(encounter_id))

    def on_screen_resume(self) -> None:
        if self._reload_on_resume:  # back from a visit or claim: it may have changed
            self._reload_on_resume = False
            self.load()

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
            r.heading("Visits and claims · Enter opens" if detail.encounters else "Visits"),
            None if detail.encounters else r.empty("no visits"),
        )
