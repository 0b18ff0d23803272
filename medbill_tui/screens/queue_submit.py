"""Sending ready claims from the pending-claims queue: `s` previews, y sends (with progress)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.widgets import Static

from medbill_tui.records.claims import SubmissionRun
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.widgets.text import money, plural


@dataclass
class SubmissionReady(Message):
    """A submission preview (dry run) or a real submission finished."""

    run: SubmissionRun


@dataclass
class SubmissionProgress(Message):
    done: int
    total: int


def preview_words(run: SubmissionRun) -> str:
    """'Send 67 ready claims for 13,363.50?' then, per clearinghouse, its payers in columns."""
    lines = [f"Send {plural(run.claims, 'ready claim')} for {money(run.amount)}?"]
    house = ""
    for group in run.groups[:12]:
        if group.clearinghouse != house:
            house = group.clearinghouse
            lines.append(f"to {house}:")
        lines.append(f"  {group.payer_name[:30]:30} {group.claims:5,} {money(group.amount):>12}")
    if len(run.groups) > 12:
        lines.append(f"  … and {len(run.groups) - 12} more payers")
    return "\n".join(lines)


class SubmitActions(ServiceScreen):
    """The pending-claims queue's `s`: preview by clearinghouse and payer, confirm, send."""

    _previewing = False
    """A preview (dry run) is being computed: keys typed now are for its question."""

    def action_submit(self) -> None:
        self._previewing = True
        self.query_one("#queue-rows", Static).update("Checking ready claims…")
        self.run_submission(dry_run=True)

    @work(thread=True, exit_on_error=False, group="queue-submit", exclusive=True)
    def run_submission(self, dry_run: bool) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(SubmissionProgress(done, total))

        run = self.services.submissions.submit(dry_run=dry_run, progress=progress)
        self.post_message(SubmissionReady(run))

    def on_submission_progress(self, message: SubmissionProgress) -> None:
        self.query_one("#queue-rows", Static).update(
            f"Sending claims… {message.done:,} of {message.total:,}"
        )

    def on_submission_ready(self, message: SubmissionReady) -> None:
        run = message.run
        self._previewing = False
        if not run.dry_run:
            files = ", ".join(f.path for f in run.files)
            self.notify(
                f"Sent {plural(run.claims, 'claim')} for {money(run.amount)}: {files}",
                title="Claims sent",
                timeout=10,
            )
            self.action_refresh()
            return
        if not run.claims:
            self.notify("No claim is ready to send.", title="Send claims", timeout=6)
            self.action_refresh()
            return

        def answer(send: bool | None) -> None:
            if send:
                self.query_one("#queue-rows", Static).update("Sending claims…")
                self.run_submission(dry_run=False)
            else:
                self.action_refresh()

        self.app.push_screen(ConfirmScreen(preview_words(run), "send", "cancel"), answer)

    def action_refresh(self) -> None:
        raise NotImplementedError
