"""What every screen that calls services shares: typed access to the app and its services,
and forwarding of worker failures to the app's one error handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from medbill_tui.screens.host import MedbillHost
    from medbill_tui.services import Services


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
