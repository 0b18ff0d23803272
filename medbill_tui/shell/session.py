"""The start and end of a session and a database that went away (a base of MedbillApp).

- Signing in, when the app is made with `sign_in=` (plain `medbill`): after the first frame a
  worker reaches the database and lets the login in; `SignedIn` hands the services over,
  `SignInFailed` closes the app with the error kept in `sign_in_error`.

- SIGHUP (the SSH connection dropped, the terminal closed) and SIGTERM: keep every open form
  as a draft, release the work items this user holds, and exit at once (the logout is audited
  by the caller with the reason in `end_reason`).
- No key for `idle_minutes`: the same, as an automatic logoff.
- Once the app is up (`settle_heap`): Python's full garbage collections run between keys
  (shell/heap.py).
- A database that stopped answering: one standing notice, a ping with backoff (1, 2, 4 … 30 s),
  and when it answers again the notice goes and the screen reloads. Entries on screen are
  never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events
from textual.app import App

from medbill_tui.errors import ServiceUnavailable
from medbill_tui.shell.heap import CHECK_SECONDS, QuietCollections
from medbill_tui.shell.messages import SignedIn, SignInFailed

if TYPE_CHECKING:
    from medbill_tui.services import Services

log = logging.getLogger(__name__)

EXIT_GRACE_SECONDS = 2.0
"""If a clean exit has not finished this long after a hang-up, the process ends anyway."""
RETRY_BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
DOWN_NOTICE = (
    "The database is not answering. Your entries on screen are kept; medbill "
    "keeps trying and carries on when it is back."
)


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen with unsaved entries it can keep as a draft right now (blocking)."""

    def keep_draft_for_exit(self) -> None: ...


class SessionMixin(App[None]):
    """Hang-up, terminate, idle logoff and database-down handling for MedbillApp."""

    _services: Services | None = None
    idle_minutes: float | None = None
    end_reason = "tui"
    """Why the session ended: 'tui' (quit), 'hangup', 'terminated' or 'idle'."""
    _last_key = 0.0
    _db_down = False

    @property
    def services(self) -> Services:
        """The signed-in session's services (ServiceUnavailable while still signing in)."""
        if self._services is None:
            raise ServiceUnavailable("Still connecting to the database; try again in a moment.")
        return self._services

    _handed_over: Services | None = None
    """What a sign-in worker produced, even if the app closed before taking it."""

    @property
    def services_if_signed_in(self) -> Services | None:
        """The session's services once a sign-in produced them (to log out and close after
        the app has ended), else None."""
        return self._services or self._handed_over

    @property
    def signed_in(self) -> bool:
        """The database answered and the login is an active user: data may be shown."""
        return self._services is not None

    def start_session_guards(self) -> None:
        """Call on mount: signal handlers, and the idle check when a limit is set."""
        self._last_key = time.monotonic()
        if not self.is_headless:  # a Pilot test's process keeps its own signal handling
            self._install_signal_handlers()
        if self.idle_minutes:
            self.set_interval(min(30.0, self.idle_minutes * 60 / 4), self._check_idle)

    def _install_signal_handlers(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            import asyncio

            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGHUP, self.end_session, "hangup")
            loop.add_signal_handler(signal.SIGTERM, self.end_session, "terminated")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    _collections: QuietCollections | None = None

    def settle_heap(self, keys_waiting: Callable[[], bool]) -> None:
        """The app is up (signed in, the queue screen imported): what exists now is kept out
        of every later full collection, and those run when no key has come for a moment
        and none is `keys_waiting` for a screen."""
        if self.is_headless or self._collections is not None:
            return  # a test process's collector is the test runner's
        self._collections = QuietCollections(lambda: self._last_key, keys_waiting=keys_waiting)
        self._collections.start()
        self.set_interval(CHECK_SECONDS, self._collections.check)

    def on_unmount(self) -> None:
        if self._collections is not None:
            self._collections.stop()

    def _check_idle(self) -> None:
        if self.idle_minutes and time.monotonic() - self._last_key >= self.idle_minutes * 60:
            self.end_session("idle")

    def end_session(self, reason: str) -> None:
        """Keep drafts, free held work, then exit (a hang-up cannot wait on the terminal)."""
        if self.end_reason != "tui":
            return  # already ending
        self.end_reason = reason
        for screen in self.screen_stack:
            if isinstance(screen, KeepsDraft):
                _best_effort("keep a draft", screen.keep_draft_for_exit)
        services = self._services
        work_service = getattr(services, "work", None)
        if work_service is not None:
            _best_effort("release held work", work_service.release_mine)
        if reason in ("hangup", "terminated"):
            # Written now, not after run() returns: a dead terminal can hold up Textual's
            # shutdown past the exit grace, which would cut off a later write.
            if services is not None:
                _best_effort("log out", lambda: services.audit.logout(reason))
                self.logged_out = True
            if reason == "hangup":  # no terminal to restore: everything is saved, go now
                logging.shutdown()
                os._exit(0)
            self._end_process_in(EXIT_GRACE_SECONDS)
        self.exit(message=_words(reason))

    logged_out = False
    """`end_session` wrote the logout row itself (a hang-up or termination)."""

    def _end_process_in(self, seconds: float) -> None:
        timer = threading.Timer(seconds, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    # signing in -----------------------------------------------------------------------

    _sign_in: Callable[[], Services] | None = None
    sign_in_error: BaseException | None = None
    """Why the sign-in failed (the app then closed), or None."""

    def _begin_sign_in(self) -> None:
        self.run_worker(
            self._sign_in_in_thread,
            thread=True,
            group="sign-in",
            name="sign-in",
            exit_on_error=False,
        )

    def _sign_in_in_thread(self) -> None:
        assert self._sign_in is not None
        try:
            services = self._sign_in()
        except BaseException as exc:  # whatever it is, the app cannot go on without it
            self._post_or_drop(SignInFailed(exc))
            return
        # Kept before posting: if the app closes before SignedIn is handled, whoever ran it
        # still logs the session out and closes it (run() returns only after this thread).
        self._handed_over = services
        self._post_or_drop(SignedIn(services))

    def _post_or_drop(self, message: SignedIn | SignInFailed) -> None:
        with contextlib.suppress(RuntimeError):  # the event loop has already closed
            self.post_message(message)

    def on_signed_in(self, message: SignedIn) -> None:
        self._services = message.services
        self.signed_in_now()

    def signed_in_now(self) -> None:
        """Hook: the services are in place; show what waited for them."""

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        self.sign_in_error = message.error
        self.exit()

    # the database went away -----------------------------------------------------------

    def database_down(self) -> None:
        """A worker found the database gone: say so once and start retrying."""
        if self._db_down:
            return
        self._db_down = True
        self.notify(DOWN_NOTICE, title="Database unavailable", severity="error", timeout=3600)
        self.retry_database()

    _retry_attempt = 0

    def retry_database(self) -> None:
        """Ask again after the next backoff step (a timer on the event loop, then one quick
        ping in a worker: nothing long-running, so quitting never waits on a retry)."""
        wait = RETRY_BACKOFF[min(self._retry_attempt, len(RETRY_BACKOFF) - 1)]
        self._retry_attempt += 1
        self.set_timer(wait, self._ping_database)

    def _ping_database(self) -> None:
        if self._db_down and self.is_running:
            self.run_worker(
                self._ping_once, thread=True, group="db-retry", exclusive=True, exit_on_error=False
            )

    def _ping_once(self) -> None:
        try:
            self.services.queues.ping()
        except Exception:  # still down: the next step of the backoff
            self.call_from_thread(self.retry_database)
            return
        self.call_from_thread(self._database_back)

    def _database_back(self) -> None:
        self._db_down = False
        self._retry_attempt = 0
        self.clear_notifications()
        self.notify("The database is answering again.", title="Reconnected", timeout=6)
        refresh: Any = getattr(self.screen, "action_refresh", None)
        if callable(refresh):
            with contextlib.suppress(Exception):
                refresh()


def _best_effort(what: str, step: Any) -> None:
    """Run one step of ending a session; a failure is logged (no PHI) and the rest goes on."""
    try:
        step()
    except Exception as exc:  # the session ends whatever happens here
        log.warning("ending the session: could not %s (%s: %s)", what, type(exc).__name__, exc)


def _words(reason: str) -> str | None:
    return {
        "idle": "medbill logged you out after a quiet spell; your unsaved entries were kept "
        "as drafts.",
    }.get(reason)
