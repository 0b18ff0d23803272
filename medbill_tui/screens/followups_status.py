"""Follow-up list: `$` asks the payers about every claim marked $ (accepted, no payment in
time) in one 276 in the outbox; each 277, once imported, moves that claim's follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from medbill_tui.errors import ServiceError
from medbill_tui.records.followups import RANK_UNPAID, FollowupRow
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.text import plural

STATUS_GROUP = "followups-status-request"


@dataclass
class UnpaidStatusAsked(Message):
    """The 276 for the $ claims was written (or why not)."""

    words: str
    ok: bool


def unpaid_claim_ids(rows: list[FollowupRow]) -> list[int]:
    """The claims of the $ rows, once each, in list order."""
    ids = [r.claim_id for r in rows if r.rank == RANK_UNPAID and r.claim_id is not None]
    return list(dict.fromkeys(ids))


class UnpaidStatusActions(ServiceScreen):
    """A base of `FollowupsScreen` (which has `rows`)."""

    if TYPE_CHECKING:
        rows: list[FollowupRow]

    def action_ask_status_unpaid(self) -> None:
        claim_ids = unpaid_claim_ids(self.rows)
        if not claim_ids:
            self.notify(
                "No $ claim (no payment in time) in the list; nothing was asked",
                title="Claim status",
                severity="warning",
            )
            return
        self.ask_status_unpaid(claim_ids)

    @work(thread=True, exit_on_error=False, group=STATUS_GROUP, exclusive=True)
    def ask_status_unpaid(self, claim_ids: list[int]) -> None:
        try:
            run = self.services.status_checks.request(claim_ids)
        except ServiceError as exc:
            self.post_message(UnpaidStatusAsked(str(exc), False))
            return
        words = f"Status request for {plural(run.claims, 'claim')} written: {run.path}"
        self.post_message(UnpaidStatusAsked(words, True))

    def on_unpaid_status_asked(self, message: UnpaidStatusAsked) -> None:
        if message.ok:
            self.notify(message.words, title="Claim status")
        else:
            self.notify(message.words, title="Claim status", severity="error")
