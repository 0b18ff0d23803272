"""What screens need from the app that hosts them, as a Protocol: screens never import the
app (`shell/app.py` imports every screen; `MedbillApp` is checked to be a `MedbillHost`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.worker import Worker

    from medbill_tui.records.queues import QueueKind
    from medbill_tui.services import Services


class MedbillHost(Protocol):
    """The app as a screen sees it."""

    @property
    def services(self) -> Services:
        """The signed-in session's services (ServiceUnavailable while still signing in)."""
        ...

    @property
    def signed_in(self) -> bool:
        """True once the sign-in worker has handed over the services."""
        ...

    @property
    def opens_when_signed_in(self) -> bool:
        """A key pressed while signing in asked for a screen: it opens once signed in."""
        ...

    def open_queue(self, kind: QueueKind) -> None:
        """Show a queue directly above the dashboard."""
        ...

    def open_account(self, patient_id: int) -> None:
        """Show a patient's account over the current screen."""
        ...

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        ...

    def report_worker_error(self, worker: Worker[Any]) -> None:
        """Tell the biller, in words, why a worker failed."""
        ...

    def hold_paint(self) -> None:
        """Paint nothing until the current screen has settled, then repaint it in one frame
        (call before showing content that arrived: one frame instead of several)."""
        ...
