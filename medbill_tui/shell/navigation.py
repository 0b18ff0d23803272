"""Opening screens from anywhere (a base of MedbillApp): the queues, lists, find and help.

A screen opened by a global key replaces whatever was open above the dashboard, after each
screen with unsaved changes has asked; pressed while signing in, it opens once signed in;
over charge entry kept open below (the palette, from it) it opens on top instead. Screens
are imported where they are first shown: starting the app loads only the dashboard.
"""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen, Screen

from medbill_tui.records.queues import QueueKind
from medbill_tui.screens.base import LeaveGuard
from medbill_tui.shell.session import KeepsDraft, SessionMixin

LEAVES_EVERY_SCREEN = frozenset(
    {
        "statements",
        "followups",
        "credits",
        "open_queue",
        "patients",
        "inbox",
        "pending_auths",
        "unmatched",
        "reports",
        "hl7_interface",
    }
)
"""Actions that leave every screen but the dashboard: none below may hold entries."""


class NavigationMixin(SessionMixin):
    """The `action_*` that open screens, and when each may run (`check_action`)."""

    page_size: int
    _open_when_signed_in: Screen[Any] | None = None
    """A screen asked for while signing in: opened once signed in."""

    @property
    def opens_when_signed_in(self) -> bool:
        """A key pressed while signing in asked for a screen: it opens once signed in."""
        return self._open_when_signed_in is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_top":
            return len(self.screen_stack) == 1
        if action == "find":  # not over a dialog (a question waits for its answer)
            return not self.screen.has_class("dialog")
        if action == "help":
            return not isinstance(self.screen, ModalScreen)
        if action in LEAVES_EVERY_SCREEN:
            return not any(isinstance(screen, ModalScreen) for screen in self.screen_stack)
        return True

    def action_open_queue(self, kind: str) -> None:
        self.open_queue(QueueKind(kind))

    def open_queue(self, kind: QueueKind) -> None:
        """Show a queue directly above the dashboard (leaving whatever was open)."""
        from medbill_tui.screens.queue import QueueScreen

        top = self.screen
        if isinstance(top, QueueScreen) and top.kind is kind:
            return
        self._open_top(QueueScreen(kind, page_size=self.page_size))

    def _open_top(self, screen: Screen[Any]) -> None:
        if not self.signed_in:  # pressed as the dashboard appeared: it opens once signed in
            self._open_when_signed_in = screen
            return
        if any(isinstance(s, ModalScreen) and isinstance(s, KeepsDraft) for s in self.screen_stack):
            # charge entry is open below (the palette, from it): keep it, open over it
            self.push_screen(screen)
            return
        guards = [s for s in reversed(self.screen_stack) if isinstance(s, LeaveGuard)]
        self._leave_asking([g for g in guards if g.unsaved()], screen)

    def _leave_asking(self, guards: list[LeaveGuard], screen: Screen[Any]) -> None:
        """Ask each screen with unsaved changes (top first) before leaving them all for
        `screen`; a no keeps everything as it is."""
        if guards:
            guards[0].confirm_leave(lambda: self._leave_asking(guards[1:], screen))
            return
        self.show_dashboard()
        self.push_screen(screen)

    def action_patients(self) -> None:
        from medbill_tui.screens.patient_search import PatientSearchScreen

        self._open_top(PatientSearchScreen())

    def action_inbox(self) -> None:
        from medbill_tui.screens.inbox import InboxScreen

        self._open_top(InboxScreen())

    def action_pending_auths(self) -> None:
        from medbill_tui.screens.pending_auths import PendingAuthorizationsScreen

        self._open_top(PendingAuthorizationsScreen())

    def action_reports(self) -> None:
        from medbill_tui.screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self._open_top(ReportsScreen())

    def action_followups(self) -> None:
        from medbill_tui.screens.followups import FollowupsScreen

        if not isinstance(self.screen, FollowupsScreen):
            self._open_top(FollowupsScreen(self.page_size))

    def action_unmatched(self) -> None:
        from medbill_tui.screens.unmatched import UnmatchedScreen

        self._open_top(UnmatchedScreen(self.page_size))

    def action_hl7_interface(self) -> None:
        from medbill_tui.screens.interface import InterfaceScreen

        self._open_top(InterfaceScreen(self.page_size))

    def action_setup(self, which: str = "") -> None:
        """The setup menu, or one of its lists (`which`); a role that may not is told so."""
        from medbill_tui.domain.roles import refusal
        from medbill_tui.screens.setup_menu import SetupMenuScreen, setup_screen

        if self.signed_in and not self.services.can("manage-setup"):
            self.notify(refusal(self.services.role, "manage-setup"), severity="warning")
            return
        self._open_top(setup_screen(which) if which else SetupMenuScreen())

    def action_credits(self) -> None:
        from medbill_tui.screens.credits import CreditsScreen

        if not isinstance(self.screen, CreditsScreen):
            self._open_top(CreditsScreen())

    def action_statements(self) -> None:
        from medbill_tui.screens.statements import StatementsScreen

        self._open_top(StatementsScreen())

    def action_find(self) -> None:
        """Find a claim or a patient and open it over the current screen (Escape comes
        back here)."""
        from medbill_tui.screens.find import FindScreen, Found

        def chosen(found: Found | None) -> None:
            if found is None:
                return
            if found.kind == "claim":
                from medbill_tui.screens.claim_detail import ClaimDetailScreen

                self.push_screen(ClaimDetailScreen(found.record_id))
            else:
                self.open_account(found.record_id)

        if self.signed_in:
            self.push_screen(FindScreen(), chosen)

    def open_account(self, patient_id: int) -> None:
        """Show a patient's account over the current screen (Escape comes back)."""
        from medbill_tui.screens.account_detail import AccountDetailScreen

        self.push_screen(AccountDetailScreen(patient_id))

    def show_dashboard(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_quit_top(self) -> None:
        self.exit()

    def action_help(self) -> None:
        from medbill_tui.screens.help import HelpScreen, help_rows

        screen = self.screen
        title = screen.sub_title or self.title
        self.push_screen(HelpScreen(title, help_rows(self, screen.active_bindings)))
