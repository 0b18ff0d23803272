"""The Textual application: screens, global keys, keymap and the one worker-error handler."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from medbill_tui.errors import NotFound, ServiceError, ServiceUnavailable
from medbill_tui.records.queues import QUEUE_KEYS, QUEUE_TITLES, QueueKind
from medbill_tui.runtime.config import DEFAULT_PAGE_SIZE
from medbill_tui.screens.base import LeaveGuard
from medbill_tui.screens.too_small import TooSmallScreen, too_small
from medbill_tui.shell.binding_ids import BINDING_IDS, QUEUE_BINDING_IDS
from medbill_tui.shell.commands import ScreensProvider
from medbill_tui.shell.key_queue import KeyQueueMixin
from medbill_tui.shell.keymap import KeymapError, load_keymap, unknown_ids
from medbill_tui.shell.live import LiveListsMixin
from medbill_tui.shell.messages import FirstRun
from medbill_tui.shell.paint import PaintOnce
from medbill_tui.shell.session import KeepsDraft, SessionMixin
from medbill_tui.widgets.loaded_messages import SummariesLoaded

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost
    from medbill_tui.services import Services

# Screens are imported where they are first shown, not here: starting the app loads only the
# dashboard (see docs/performance.md, cold start). Binding ids come from binding_ids.py.

log = logging.getLogger(__name__)

QUEUES = Binding.Group("Queues", compact=True)

REPEAT_SECONDS = 3.0
"""The same failure again within this many seconds is not shown a second time."""


UNEXPECTED = "Something went wrong while loading. It has been logged; try again (r)."


def _queue_binding(kind: QueueKind) -> Binding:
    return Binding(
        QUEUE_KEYS[kind],
        f"open_queue('{kind.value}')",
        QUEUE_TITLES[kind],
        id=QUEUE_BINDING_IDS[kind],
        group=QUEUES,
        tooltip=f"Open {QUEUE_TITLES[kind].lower()}",
    )


class MedbillApp(SessionMixin, LiveListsMixin, PaintOnce, KeyQueueMixin):
    """medbill: the dashboard and the four work queues of a billing office, by keyboard.

    | Key(s) | Description |
    | :- | :- |
    | 1-4 | Unbilled, pending claims, denials, balances (from anywhere). |
    | 8 | Rejections: claims a 999 or 277CA turned back. |
    | 9 | Unmatched remittances: payments for claims the import could not find. |
    | w | Follow-up due: claims and accounts whose next action has come. |
    | ? | Keys of the current screen. |
    | ctrl+f | Find a claim or patient by claim, payer claim or account number, or name. |
    | ctrl+p | Command palette. |
    | q | Quit (from the dashboard). |
    """

    TITLE = "medbill"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreensProvider}

    BINDINGS: ClassVar[list[BindingType]] = [
        _queue_binding(QueueKind.UNBILLED),
        _queue_binding(QueueKind.PENDING_CLAIMS),
        _queue_binding(QueueKind.DENIALS),
        _queue_binding(QueueKind.BALANCES),
        Binding(
            "5",
            "patients",
            "Patients",
            id="app.patients",
            group=QUEUES,
            tooltip="Find, add or correct a patient",
        ),
        Binding(
            "6",
            "inbox",
            "Inbox",
            id="app.inbox",
            group=QUEUES,
            tooltip="Import acknowledgments and remittances",
        ),
        Binding(
            "7",
            "pending_auths",
            "Auths",
            id="app.pending-auths",
            group=QUEUES,
            tooltip="Authorizations waiting for the payer",
        ),
        Binding(
            "0",
            "reports",
            "Reports",
            id="app.reports",
            group=QUEUES,
            tooltip="Aging, denials, payments and productivity reports",
        ),
        Binding(
            "9",
            "unmatched",
            "Unmatched",
            id="app.unmatched",
            group=QUEUES,
            tooltip="Payments the import could not tie to a claim",
        ),
        _queue_binding(QueueKind.REJECTIONS),
        Binding(
            "w",
            "followups",
            "Follow-up",
            id="app.followups",
            group=QUEUES,
            tooltip="Follow-ups due today: claims and accounts to chase",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
        Binding("q", "quit_top", "Quit", id="app.quit", tooltip="Leave medbill"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,  # footers are full: ? lists it
            priority=True,
            id="app.command-palette",
        ),
        Binding(
            "ctrl+t",
            "statements",
            "Statements",
            show=False,
            id="app.statements",
            tooltip="Patient statements: preview, send, refer to collections",
        ),
        Binding(
            "ctrl+f",
            "find",
            "Find",
            show=False,  # every footer is full; ? and the palette list it
            priority=True,  # typing in a box too (an Input's ctrl+f deletes a word)
            id="app.find",
            tooltip="Find a claim (ours or the payer's number) or a patient, from anywhere",
        ),
        Binding("ctrl+q", "quit", "Quit now", show=False, priority=True, id="app.force-quit"),
    ]

    def __init__(
        self,
        services: Services | None = None,
        *,
        sign_in: Callable[[], Services] | None = None,
        keymap_file: Path | None = None,
        page_size: int | None = None,
        idle_minutes: float | None = None,
    ) -> None:
        """Open on signed-in `services`, or paint first and get them from `sign_in` (called
        in a worker; whatever it raises closes the app and is kept in `sign_in_error`)."""
        super().__init__()
        if (services is None) == (sign_in is None):
            raise ValueError("give the app its services or a way to sign in, not both")
        self._services = services
        self._sign_in = sign_in
        self._open_when_signed_in: Screen[Any] | None = None
        self.idle_minutes = idle_minutes
        self.page_size = page_size or (services.page_size if services else DEFAULT_PAGE_SIZE)
        self.keymap_file = keymap_file
        self._user_keymap: dict[str, str] = {}
        self._keymap_problem: str | None = None
        self._clashes_reported: set[frozenset[str]] = set()
        if keymap_file is not None:
            try:
                self._user_keymap = load_keymap(keymap_file)
            except KeymapError as exc:
                self._keymap_problem = str(exc)

    def get_default_screen(self) -> Screen[Any]:
        from medbill_tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        if self._keymap_problem is not None:
            self.notify(
                f"{self._keymap_problem}. The standard keys are in use.",
                title="Keymap not used",
                severity="error",
                timeout=12,
            )
        elif self._user_keymap:
            self.use_keymap(self._user_keymap)
        self.check_size(self.size)
        self.start_session_guards()
        if self._services is not None:
            self.start_listening(self._services)
        if self._sign_in is not None:
            self.call_after_refresh(self._begin_sign_in)  # after the first frame is out

    # signing in ------------------------------------------------------------------------

    def signed_in_now(self) -> None:
        from medbill_tui.screens.dashboard import DashboardScreen

        self.start_listening(self.services)

        if self.services.first_admin:  # this start created the database
            self.notify(
                f"You ({self.services.actor}) are the first admin of this new "
                "database. Add the others with `medbill users add LOGIN --role "
                "biller|supervisor|admin`.",
                title="New database",
                timeout=20,
            )

        self.run_worker(self._check_first_run, thread=True, group="first-run", exit_on_error=False)
        base = self.screen_stack[0] if self.screen_stack else None
        waiting, self._open_when_signed_in = self._open_when_signed_in, None
        if isinstance(base, DashboardScreen):  # it counts when shown, not under a screen
            base.show_signed_in(count=waiting is None)
        if waiting is not None:
            self._open_top(waiting)

    def _check_first_run(self) -> None:
        if self.services.practice_setup.is_new_database():
            self.post_message(FirstRun())

    def on_first_run(self, message: FirstRun) -> None:
        """An empty database: an admin sets the practice up; anyone else is told who may."""
        if not self.services.can("set-up-practice"):
            self.notify(
                "No practice is set up in this database yet: an admin sets it up "
                "(`medbill`, or `medbill practice init FILE`).",
                title="New database",
                timeout=20,
            )
            return
        from medbill_tui.screens.practice_setup import PracticeSetupScreen

        self.push_screen(PracticeSetupScreen())

    _queue_screen_loaded = False

    def on_summaries_loaded(self, message: SummariesLoaded) -> None:
        """The dashboard's counts are painted: import the queue screen (the usual next key)
        while the biller reads them, so the first 1-4 does not wait for it. On this thread,
        between frames: importing from a worker thread could race the biller's own key."""
        if not self._queue_screen_loaded:
            self._queue_screen_loaded = True
            self.set_timer(0.05, self._settle)

    def _settle(self) -> None:
        _load_queue_screen()
        self.settle_heap()

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size)

    def check_size(self, size: Size) -> None:
        """Cover the app with a notice while the terminal is below 80x24 (screens are kept)."""
        top = self.screen if self.screen_stack else None
        if too_small(size):
            if isinstance(top, TooSmallScreen):
                top.show_size(size)
            else:
                self.push_screen(TooSmallScreen())
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()

    # keys ------------------------------------------------------------------------------

    def use_keymap(self, keymap: dict[str, str]) -> None:
        """Apply a keymap, ignoring (and reporting) ids no binding has."""
        unknown = unknown_ids(keymap, known_binding_ids())
        if unknown:
            self.notify(
                "Not a binding id (press ? to see them): " + ", ".join(unknown),
                title="Keymap entries ignored",
                severity="warning",
                timeout=12,
            )
        self.set_keymap({key: value for key, value in keymap.items() if key not in unknown})

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: Any) -> None:
        ids = frozenset(binding.id or binding.action for binding in clashed_bindings)
        if ids in self._clashes_reported:
            return
        self._clashes_reported.add(ids)
        self.notify(
            "The keymap gives a key already in use to: " + ", ".join(sorted(ids)),
            title="Keymap clash",
            severity="warning",
            timeout=12,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_top":
            return len(self.screen_stack) == 1
        if action == "find":  # not over a dialog (a question waits for its answer)
            return not self.screen.has_class("dialog")
        if action == "help":
            return not isinstance(self.screen, ModalScreen)
        if action in {
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
        }:  # these leave every screen but the dashboard: none below may hold entries
            return not any(isinstance(screen, ModalScreen) for screen in self.screen_stack)
        return True

    # navigation ------------------------------------------------------------------------

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

    # errors ----------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.report_worker_error(event.worker)

    _last_error: tuple[tuple[str, str], float] = (("", ""), 0.0)

    def report_worker_error(self, worker: Worker[Any]) -> None:
        """The one place a failed worker is turned into words for the biller."""
        error = worker.error
        if isinstance(error, ServiceUnavailable):
            # its own standing notice, said once; never skipped as a repeat, or a database
            # that drops again just after coming back would get no notice and no retry
            self.database_down()
            return
        said = (type(error).__name__, str(error))
        if said == self._last_error[0] and time.monotonic() - self._last_error[1] < REPEAT_SECONDS:
            return  # several loads of one screen failed for the same reason: say it once
        self._last_error = (said, time.monotonic())
        if isinstance(error, NotFound):
            self.notify(str(error), title="Not found", severity="warning", timeout=8)
        elif isinstance(error, ServiceError):
            self.notify(str(error), title="Could not do that", severity="error", timeout=10)
        else:
            log.error("worker %s failed", worker.name, exc_info=error)
            self.notify(UNEXPECTED, title="Unexpected error", severity="error", timeout=10)


def _load_queue_screen() -> None:
    import medbill_tui.screens.queue  # noqa: F401  (import for its side effect: loaded)


def known_binding_ids() -> set[str]:
    """Every binding id of the app, its screens and widgets (what a keymap may name).

    A written-out list (`binding_ids.py`), so a keymap is checked without importing every
    screen; a test compares it with the ids of the real classes."""
    return set(BINDING_IDS)


if TYPE_CHECKING:

    def _is_a_host(app: MedbillApp) -> MedbillHost:
        """mypy checks here that the app gives screens everything `MedbillHost` promises."""
        return app
