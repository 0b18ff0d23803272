"""The Textual application: start-up, signing in, the terminal's size and the keymap.

`MedbillApp` is put together from bases in shell/: opening screens (navigation.py), reporting
failed workers (worker_errors.py), the session (session.py), live lists (live.py), painting
(paint.py) and typed-ahead keys (key_queue.py); its keys are in app_bindings.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen

from medbill_tui.runtime.config import DEFAULT_PAGE_SIZE
from medbill_tui.screens.too_small import TooSmallScreen, too_small
from medbill_tui.shell.app_bindings import APP_BINDINGS
from medbill_tui.shell.binding_ids import BINDING_IDS
from medbill_tui.shell.commands import ScreensProvider
from medbill_tui.shell.key_queue import KeyQueueMixin
from medbill_tui.shell.keymap import KeymapError, load_keymap, unknown_ids
from medbill_tui.shell.live import LiveListsMixin
from medbill_tui.shell.messages import FirstRun
from medbill_tui.shell.navigation import NavigationMixin
from medbill_tui.shell.paint import PaintOnce
from medbill_tui.shell.session import SessionMixin
from medbill_tui.shell.worker_errors import WorkerErrorsMixin
from medbill_tui.widgets.loaded_messages import SummariesLoaded

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost
    from medbill_tui.services import Services

# Screens are imported where they are first shown, not here: starting the app loads only the
# dashboard (see docs/performance.md, cold start). Binding ids come from binding_ids.py.


class MedbillApp(
    NavigationMixin, WorkerErrorsMixin, SessionMixin, LiveListsMixin, PaintOnce, KeyQueueMixin
):
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

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

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
        self._open_when_signed_in = None
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
        self.settle_heap(lambda: self.keys_held > 0)

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
