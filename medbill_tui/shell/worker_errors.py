"""The one place a failed worker is turned into words for the biller (a base of MedbillApp).

Screens hand their failed workers here too (`MedbillHost.report_worker_error`), so every
failure reads the same: a missing record is a warning, a refused or invalid request says why,
anything else is logged and called unexpected; a database that went away gets the session's
standing notice and retry instead (shell/session.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from textual.worker import Worker, WorkerState

from medbill_tui.errors import NotFound, ServiceError, ServiceUnavailable
from medbill_tui.shell.session import SessionMixin

log = logging.getLogger(__name__)

REPEAT_SECONDS = 3.0
"""The same failure again within this many seconds is not shown a second time."""

UNEXPECTED = "Something went wrong while loading. It has been logged; try again (r)."


class WorkerErrorsMixin(SessionMixin):
    """Reports every failed worker of the app and its screens, once per repeat window."""

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
