"""What every screen that calls services shares: typed access to the app and its services,
and forwarding of worker failures to the app's one error handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost
    from medbill_tui.services import Services


@runtime_checkable
class LeaveGuard(Protocol):
    """A screen that may hold unsaved changes: the app asks it before leaving it."""

    def unsaved(self) -> bool:
        """True while there are changes that leaving would lose."""
        ...

    def confirm_leave(self, proceed: Callable[[], None]) -> None:
        """Ask whether to lose the changes; call `proceed` on yes."""
        ...


@runtime_checkable
class ShowsLoading(Protocol):
    """A screen that opens before its content is loaded: a screen change waits a moment for
    the content before painting the screen's loading state (`shell/paint.py`)."""

    def still_loading(self) -> bool:
        """True until the content has arrived (or failed to)."""
        ...


@runtime_checkable
class HoldsKeys(Protocol):
    """A screen that cannot act on keys for a while (its data loading, a preview being
    computed before a question shows): the app keeps keys typed meanwhile and delivers
    them, in order, once `keys_wait` is False (see shell/key_queue.py)."""

    def keys_wait(self) -> bool:
        """True while keys typed now must wait."""
        ...


class ServiceScreen(Screen[None]):
    """A screen whose thread workers call the services.

    Worker state changes reach only the node that started the worker, so this base hands
    failures to the app's `report_worker_error` (the one place errors are shown) and then
    calls `worker_failed` so the screen can leave its loading state.
    """

    @property
    def medbill(self) -> MedbillHost:
        return cast("MedbillHost", self.app)

    @property
    def services(self) -> Services:
        return self.medbill.services

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.medbill.report_worker_error(event.worker)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """Hook: a worker of this screen raised (the user has already been told)."""

    def keys_wait(self) -> bool:
        """True while the screen cannot act on keys yet: the app holds keys typed now and
        delivers them in order once this is False. A failed load must make it False."""
        return False
