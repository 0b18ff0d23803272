"""Command palette (ctrl+p) entries: go to the dashboard, a queue or another screen, or key
a new encounter; each names the key that does the same, as the keymap has it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider

from medbill_tui.domain.roles import Action
from medbill_tui.errors import ServiceError
from medbill_tui.records.queues import QUEUE_TITLES, QueueKind
from medbill_tui.shell.binding_ids import QUEUE_BINDING_IDS
from medbill_tui.shell.keymap import key_words, keys_in_effect

if TYPE_CHECKING:
    from medbill_tui.shell.app import MedbillApp


def new_encounter(app: MedbillApp) -> None:
    """Open the unbilled queue and charge entry on top of it (a save reloads that queue)."""
    from medbill_tui.screens.queue import QueueScreen  # imported on first use, not at start

    app.open_queue(QueueKind.UNBILLED)
    queue = app.screen
    if isinstance(queue, QueueScreen):
        queue.call_after_refresh(queue.action_new_encounter)


def open_clearinghouses(app: MedbillApp) -> None:
    from medbill_tui.screens.setup_clearinghouses import ClearinghousesScreen

    app.push_screen(ClearinghousesScreen())


def _may(app: MedbillApp, action: Action) -> bool:
    """The signed-in user may do `action` (False before the sign-in)."""
    try:
        return app.services.can(action)
    except ServiceError:
        return False


def keys_for(app: MedbillApp, binding_id: str, bindings: BindingsMap | None = None) -> str:
    """The keys that run `binding_id` now, in words ('key 5'): the app's own bindings (or
    `bindings`) with the keymap in effect applied, so a remapped key is the one named."""
    # Textual keeps the app's bindings and its keymap here; neither has a public getter.
    source = app._bindings if bindings is None else bindings
    return key_words(keys_in_effect(source, app._keymap, binding_id))


class ScreensProvider(Provider):
    """Lists the screens a biller can go to; typing narrows them by name. Each names the key
    that opens it, read from the bindings after the keymap (MEDBILL_KEYMAP)."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        from medbill_tui.screens.dashboard import DashboardScreen
        from medbill_tui.screens.queue import QueueScreen  # imported on first use, not at start

        app = cast("MedbillApp", self.app)
        queue_bindings = BindingsMap(QueueScreen.BINDINGS)
        new_key = keys_for(app, "queue.new-encounter", queue_bindings)
        entries: list[tuple[str, str, Callable[[], object]]] = [
            ("Dashboard", "The four queues with counts and amounts", app.show_dashboard),
            (
                "New encounter",
                f"Charge entry for a new visit (from the unbilled queue, {new_key})",
                partial(new_encounter, app),
            ),
        ]
        screens: list[tuple[str, str, str, Callable[[], object]]] = [
            (
                "Find a claim or patient",
                "By claim number, payer claim number, account number or name",
                "app.find",
                app.action_find,
            ),
            (
                "Patients",
                "Find, add or correct a patient and their coverage",
                "app.patients",
                app.action_patients,
            ),
            (
                "Inbox",
                "Import 999, 277CA and 835 files waiting in the inbox",
                "app.inbox",
                app.action_inbox,
            ),
            (
                "Authorizations pending",
                "Prior authorizations waiting for the payer",
                "app.pending-auths",
                app.action_pending_auths,
            ),
            (
                "Reports",
                "Aging, denials, payments and productivity",
                "app.reports",
                app.action_reports,
            ),
            (
                "Follow-up due",
                "Claims and accounts to chase today, deadlines first",
                "app.followups",
                app.action_followups,
            ),
            (
                "Unmatched remittances",
                "Payments the import could not tie to a claim",
                "app.unmatched",
                app.action_unmatched,
            ),
            (
                "Statements run",
                "Patient statements: preview, send, collections",
                "app.statements",
                app.action_statements,
            ),
        ]
        entries += [
            (name, f"{words} ({keys_for(app, binding_id)})", command)
            for name, words, binding_id, command in screens
        ]
        credits_key = keys_for(app, "dashboard.credits", BindingsMap(DashboardScreen.BINDINGS))
        entries.append(
            (
                "Credits",
                f"Overpayments to refund or apply to another visit (dashboard, {credits_key})",
                app.action_credits,
            )
        )
        hl7_key = keys_for(app, "dashboard.hl7", BindingsMap(DashboardScreen.BINDINGS))
        entries.append(
            (
                "HL7 interface",
                f"Messages from the EHR and the held ones to fix (dashboard, {hl7_key})",
                app.action_hl7_interface,
            )
        )
        if _may(app, "set-up-clearinghouses"):
            entries.append(
                (
                    "Clearinghouses",
                    "Set up clearinghouses, their SFTP connections and host keys",
                    partial(open_clearinghouses, app),
                )
            )
        setup_key = keys_for(app, "dashboard.setup", BindingsMap(DashboardScreen.BINDINGS))
        for which, title in (
            ("providers", "providers"),
            ("payers", "payers"),
            ("fees", "fee schedules"),
        ):
            entries.append(
                (
                    f"Setup: {title}",
                    f"List, add, correct or deactivate {title} (dashboard, {setup_key})",
                    partial(app.action_setup, which),
                )
            )
        for kind in QueueKind:
            entries.append(
                (
                    f"Queue: {QUEUE_TITLES[kind]}",
                    f"Open the {QUEUE_TITLES[kind].lower()} queue "
                    f"({keys_for(app, QUEUE_BINDING_IDS[kind])})",
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
