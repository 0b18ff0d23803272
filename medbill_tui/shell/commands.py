"""Command palette (ctrl+p) entries: go to the dashboard or one of the four queues, or key
a new encounter."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from medbill_tui.records.queues import QUEUE_KEYS, QUEUE_TITLES, QueueKind

if TYPE_CHECKING:
    from medbill_tui.shell.app import MedbillApp


def new_encounter(app: MedbillApp) -> None:
    """Open the unbilled queue and charge entry on top of it (a save reloads that queue)."""
    from medbill_tui.screens.queue import QueueScreen  # imported on first use, not at start

    app.open_queue(QueueKind.UNBILLED)
    queue = app.screen
    if isinstance(queue, QueueScreen):
        queue.call_after_refresh(queue.action_new_encounter)


class ScreensProvider(Provider):
    """Lists the screens a biller can go to; typing narrows them by name."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("MedbillApp", self.app)
        entries: list[tuple[str, str, Callable[[], object]]] = [
            ("Dashboard", "The four queues with counts and amounts", app.show_dashboard)
        ]
        entries.append(
            (
                "New encounter",
                "Charge entry for a new visit (from the unbilled queue, key a)",
                partial(new_encounter, app),
            )
        )
        entries += [
            (
                "Patients",
                "Find, add or correct a patient and their coverage (key 5)",
                app.action_patients,
            ),
            (
                "Inbox",
                "Import 999, 277CA and 835 files waiting in the inbox (key 6)",
                app.action_inbox,
            ),
            (
                "Authorizations pending",
                "Prior authorizations waiting for the payer (key 7)",
                app.action_pending_auths,
            ),
            ("Reports", "Aging, denials, payments and productivity (key 0)", app.action_reports),
            (
                "Follow-up due",
                "Claims and accounts to chase today, deadlines first (key w)",
                app.action_followups,
            ),
            (
                "Unmatched remittances",
                "Payments the import could not tie to a claim (key 9)",
                app.action_unmatched,
            ),
            (
                "Credit balances",
                "Payments past a visit's balance: refund or apply them (key c)",
                app.action_credits,
            ),
            (
                "Statements run",
                "Patient statements: preview, send, collections (ctrl+t)",
                app.action_statements,
            ),
        ]
        for kind in QueueKind:
            entries.append(
                (
                    f"Queue: {QUEUE_TITLES[kind]}",
                    f"Open the {QUEUE_TITLES[kind].lower()} queue (key {QUEUE_KEYS[kind]})",
                    partial(app.open_queue, kind),
                )
            )
        return entries

    async def discover(self) -> Hits:
        for name, help_text, command in self._entries():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
