"""The inbox's `x`: exchange files with the clearinghouse (send claims, fetch answers, import
them) in a worker, with its progress on the inbox's bar; `x` again cancels between files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widgets import ProgressBar

from medbill_tui.records.exchange import ExchangeReport
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.widgets.text import plural

if TYPE_CHECKING:
    from medbill_tui.records.claims import InboxEntry
    from medbill_tui.services.exchange import ExchangeService


@dataclass
class ExchangeProgress(Message):
    done: int
    total: int
    label: str


@dataclass
class ExchangeFinished(Message):
    report: ExchangeReport | None
    problem: str
    """Why the exchange stopped (empty when it ran to the end)."""
    entries: tuple[InboxEntry, ...] | None


def exchange_summary(report: ExchangeReport) -> str:
    """One line: what the exchange sent, fetched and imported."""
    if report.locked_out:
        return "Another exchange is running; this one did nothing"
    failed = [o for o in report.imported if o.error]
    parts = [
        f"Sent {plural(len(report.sent), 'file')}",
        f"fetched {plural(len(report.fetched), 'answer')}",
        f"imported {len(report.imported) - len(failed)}",
    ]
    if report.skipped:
        parts.append(f"{len(report.skipped)} seen before")
    if failed:
        parts.append(f"{len(failed)} not imported (left in the inbox): {failed[0].error}")
    return ", ".join(parts)


class InboxExchange(ServiceScreen):
    """The inbox screen's base for `x` (the screen provides the bar, the status and the list)."""

    busy: bool = False
    entries: tuple[InboxEntry, ...] = ()
    running_exchange: ExchangeService | None = None

    def action_exchange(self) -> None:
        running = self.running_exchange
        if running is not None:
            running.cancel.set()
            self.set_status("Cancelling the exchange after this file…")
            return
        if self.busy:
            self.notify("Wait for the import to finish", severity="warning")
            return
        self.busy = True
        bar = self.query_one("#inbox-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-running")
        self.set_status("Connecting to the clearinghouse…")
        self.exchange()

    @work(thread=True, exit_on_error=False, group="inbox-exchange", exclusive=True)
    def exchange(self) -> None:
        try:
            service = self.services.exchange()
        except Exception as exc:  # a setting: said on the status line, nothing done
            self.post_message(ExchangeFinished(None, str(exc), None))
            return
        self.running_exchange = service
        report: ExchangeReport | None = None
        problem = ""
        try:
            report = service.run(progress=self._post_progress)
        except Exception as exc:  # refused login, changed host key, network, cancelled
            problem = str(exc)
        finally:
            self.running_exchange = None
        try:
            entries: tuple[InboxEntry, ...] | None = self.services.imports.inbox(
                self.services.inbox
            )
        except Exception:  # the list stays as it was; the outcome still shows
            entries = None
        self.post_message(ExchangeFinished(report, problem, entries))

    def _post_progress(self, done: int, total: int, label: str) -> None:
        self.post_message(ExchangeProgress(done, total, label))

    def on_exchange_progress(self, message: ExchangeProgress) -> None:
        bar = self.query_one("#inbox-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.set_status(f"Exchange {message.done}/{message.total}: {message.label}")

    def on_exchange_finished(self, message: ExchangeFinished) -> None:
        self.busy = False
        self.query_one("#inbox-progress", ProgressBar).remove_class("-running")
        if message.entries is not None:
            self.entries = message.entries
            self.fill()
        if message.report is None:
            self.set_status(f"Exchange stopped: {message.problem}")
            self.notify(message.problem, title="Exchange", severity="error")
            return
        line = exchange_summary(message.report)
        self.set_status(line)
        self.notify(line, title="Exchange")

    def fill(self) -> None:
        """Show `entries` (the inbox screen's list)."""
        raise NotImplementedError

    def set_status(self, text: str) -> None:
        """Say `text` on the status line (the inbox screen's)."""
        raise NotImplementedError
