"""The app's one listener (a base of MedbillApp): a plain thread with its own LISTEN
connection, posting `ListsChanged` to the app, which hands it to every screen in the stack.

Not a Textual worker: it runs for the whole session, and a worker would be waited for by
whatever waits for the app's work to finish. It stops within POLL_SECONDS of `stop_listening`
(the app's unmount), closing its connection itself. A lost connection is opened again with a
backoff; the lists are then told that anything may have changed (`swamped`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from medbill_tui.errors import ServiceError
from medbill_tui.records.live import LIST_NAMES, ListChanges
from medbill_tui.widgets.live_messages import HandedOver, ListsChanged

if TYPE_CHECKING:
    from medbill_tui.records.live import ItemChange
    from medbill_tui.services import Services

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
"""How long one wait for notifications lasts (and so how long stopping may take)."""
RECONNECT_BACKOFF = (1.0, 2.0, 5.0, 15.0, 30.0)
HANDOVER_GROUP = "live-handover"


class ListenerThread(threading.Thread):
    """Waits on the database's notifications and posts each batch to `app`."""

    def __init__(self, app: App[None], services: Services) -> None:
        super().__init__(name="medbill-live-lists", daemon=True)
        self.app = app
        self.services = services
        self.stopping = threading.Event()

    def run(self) -> None:
        attempt = 0
        while not self.stopping.is_set():
            try:
                feed = self.services.live.open_feed()
            except Exception as exc:  # whatever it is, try again later: lists stay usable
                if not isinstance(exc, ServiceError):
                    log.warning("live lists: could not listen (%s)", type(exc).__name__)
                delay = RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)]
                attempt += 1
                self.stopping.wait(delay)
                continue
            if attempt:  # notifications were missed while it was away
                self._post(ListChanges(swamped=frozenset(LIST_NAMES)))
            attempt = 0
            try:
                while not self.stopping.is_set():
                    changes = feed.wait(POLL_SECONDS)
                    if changes is not None:
                        self._post(changes)
            except Exception as exc:  # a lost connection: listen again after a pause
                log.warning("live lists: the listening connection was lost (%s)", exc)
                attempt = 1
            finally:
                feed.close()

    def _post(self, changes: ListChanges) -> None:
        with contextlib.suppress(RuntimeError):  # the event loop has already closed
            self.app.post_message(ListsChanged(changes))


class LiveListsMixin(App[None]):
    """Starts and stops the listener; tells the biller of items handed over to or from them."""

    _listener: ListenerThread | None = None

    def start_listening(self, services: Services) -> None:
        """Call once the session's services are in place."""
        if self._listener is None:
            self._listener = ListenerThread(self, services)
            self._listener.start()

    def stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stopping.set()
            listener.join(timeout=POLL_SECONDS * 4)  # at exit; it closes its own connection

    def on_unmount(self) -> None:
        self.stop_listening()

    def on_lists_changed(self, message: ListsChanged) -> None:
        listener = self._listener
        if listener is None:
            return
        for screen in self.screen_stack:
            screen.post_message(ListsChanged(message.changes))
        me = listener.services.actor
        for change in message.changes.items:
            if change.work_item_id is None or not change.handed_over:
                continue
            if change.was == me or change.holder == me:
                self.look_up_handover(listener.services, change.work_item_id, change, me)

    @work(thread=True, exit_on_error=False, group=HANDOVER_GROUP)
    def look_up_handover(
        self, services: Services, work_item_id: int, change: ItemChange, me: str
    ) -> None:
        found = services.live.handover(work_item_id, change.holder or "")
        if found is None:
            return
        lost = change.was == me
        if lost or (found.by is not None and found.by != me):  # not the biller's own take
            self.post_message(HandedOver(found, lost))

    def on_handed_over(self, message: HandedOver) -> None:
        self.notify(handover_words(message), title="Reassigned", timeout=10)


def handover_words(message: HandedOver) -> str:
    """'C100080 was reassigned to raj by sue', 'C100080 was given to you by sue'."""
    found = message.handover
    if not message.lost:
        return f"{found.label} was given to you by {found.by}"
    if found.by is None:
        return f"{found.label} was taken by {found.to}: your lease on it had run out"
    return f"{found.label} was reassigned to {found.to} by {found.by}"
