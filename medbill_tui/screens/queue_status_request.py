"""Pending claims: one key (S) asks the payer about the claim under the cursor (a 276 in the
outbox); its 277, once imported, shows in the last-answer column and moves the follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from medbill_tui.errors import ServiceError
from medbill_tui.records.queues import PendingClaimRow
from medbill_tui.screens.base import ServiceScreen

if TYPE_CHECKING:
    from medbill_tui.records.queues import QueueRow


@dataclass
class StatusAsked(Message):
    """The 276 was written (or why not)."""

    words: str
    ok: bool


class StatusRequestActions(ServiceScreen):
    """A base of `QueueScreen` (which has `current_row`)."""

    if TYPE_CHECKING:

        @property
        def current_row(self) -> QueueRow | None: ...

    def action_request_status(self) -> None:
        row = self.current_row
        if not isinstance(row, PendingClaimRow):
            return
        self.ask_status(row.claim_id, row.claim_no)

    @work(thread=True, exit_on_error=False, group="queue-status-request", exclusive=True)
    def ask_status(self, claim_id: int, claim_no: str) -> None:
        try:
            run = self.services.status_checks.request([claim_id])
        except ServiceError as exc:
            self.post_message(StatusAsked(str(exc), False))
            return
        self.post_message(StatusAsked(f"Status request for {claim_no} written: {run.path}", True))

    def on_status_asked(self, message: StatusAsked) -> None:
        if message.ok:
            self.notify(message.words, title="Claim status")
        else:
            self.notify(message.words, title="Claim status", severity="error")
