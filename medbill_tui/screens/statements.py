"""Patient statements: a preview of today's run (who gets a statement, reminder or final
notice, who is skipped and why, who is proposed for collections), `y` to send with a
progress bar, `c` to confirm a referral to collections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, ProgressBar, Static
from textual.worker import Worker

from medbill_tui.records.statements import (
    Action,
    CollectionsResult,
    StatementEntry,
    StatementRunResult,
)
from medbill_tui.screens.base import ServiceScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.widgets.columns import Col
from medbill_tui.widgets.form_table import PickTable
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import fmt_date, money, plural

ORDER = {Action.SEND: 0, Action.PROPOSE: 1, Action.SKIP: 2, Action.CLOSE: 3, Action.WAIT: 4}
WHAT = {
    Action.SKIP: "skipped",
    Action.WAIT: "not due",
    Action.PROPOSE: "collections?",
    Action.CLOSE: "paid: close",
}


LEFT_WORDS = (
    (Action.SKIP, "skipped"),
    (Action.PROPOSE, "for collections"),
    (Action.CLOSE, "paid (cycle closes)"),
    (Action.WAIT, "not due"),
)


@dataclass
class StatementPreview(Message):
    result: StatementRunResult


@dataclass
class StatementProgress(Message):
    done: int
    total: int


@dataclass
class StatementRunDone(Message):
    result: StatementRunResult


@dataclass
class CollectionsDone(Message):
    result: CollectionsResult


def what(entry: StatementEntry) -> str:
    """The row's action in a word or two: the step sent, or why nothing is."""
    step = entry.decision.step
    if entry.decision.action is Action.SEND and step is not None:
        return step.label
    return WHAT[entry.decision.action]


def summary(result: StatementRunResult) -> str:
    """One or two lines: what the run will send and what it leaves."""
    sent = result.sent
    head = f"As of {fmt_date(result.as_of)}: {plural(len(sent), 'statement')}"
    parts = [f"{head} for {money(result.amount)}"]
    for action, word in LEFT_WORDS:
        count = len(result.having(action))
        if count:
            parts.append(f"{count:,} {word}")
    return " · ".join(parts)


class StatementsTable(PickTable):
    """Today's run, one row per guarantor: what each gets, or why not."""

    COLUMNS = (
        ("Account", 10),
        Col("Guarantor", 18, flex=2),
        ("What", 12),
        Col("Balance", 9, right=True),
        Col("Why", 16, flex=3),
    )


class StatementsScreen(ServiceScreen):
    """Today's statement run: preview, send, refer to collections.

    | Key(s) | Description |
    | :- | :- |
    | s | Send the statements shown and close paid cycles: count and total first, y/n. |
    | c | Refer the highlighted proposed account to collections (asks y/n). |
    | r | Preview again. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    StatementsScreen #statements-status { height: auto; padding: 0 1; text-style: bold; }
    StatementsScreen #statements-progress { display: none; padding: 0 1; }
    StatementsScreen #statements-progress.-running { display: block; }
    StatementsScreen #statements-table { height: 1fr; max-height: 100%; }
    StatementsScreen #statements-detail { height: auto; max-height: 3; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="statements.back", tooltip="Close statements"),
        Binding(
            "s",
            "send",
            "Send",
            id="statements.send",
            tooltip="Send the statements shown (says how many and how much, then asks)",
        ),
        Binding(
            "c",
            "collections",
            "Collections",
            id="statements.collections",
            tooltip="Refer the highlighted proposed account to collections",
        ),
        Binding("r", "refresh", "Refresh", id="statements.refresh", tooltip="Preview again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: StatementRunResult | None = None
        self.rows: list[StatementEntry] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Working out today's statements…", id="statements-status")
        yield ProgressBar(total=1, show_eta=False, id="statements-progress")
        yield StatementsTable(id="statements-table")
        yield Static("", id="statements-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Patient statements"
        self.table.focus()
        self.action_refresh()

    @property
    def table(self) -> StatementsTable:
        return self.query_one(StatementsTable)

    def set_status(self, words: str) -> None:
        self.query_one("#statements-status", Static).update(Text(words))

    # preview -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.preview()

    @work(thread=True, exit_on_error=False, group="statements", exclusive=True)
    def preview(self) -> None:
        self.post_message(StatementPreview(self.services.statements.preview()))

    def on_statement_preview(self, message: StatementPreview) -> None:
        self.busy = False
        self.result = message.result
        self.rows = sorted(
            message.result.entries, key=lambda e: (ORDER[e.decision.action], e.account_no)
        )
        table = self.table
        row, keep = table.cursor_row, table.selected_key()
        table.set_rows(
            (
                str(entry.guarantor_id),
                [entry.account_no, entry.name, what(entry), money(entry.balance),
                 entry.decision.reason],
            )
            for entry in self.rows
        )  # fmt: skip
        if self.rows and table.selected_key() != keep:  # that row went: stay where it was
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        hint = "s sends (asks first)" if message.result.sent else "nothing to send"
        self.set_status(f"{summary(message.result)} · {hint}")
        self.show_detail()

    def highlighted(self) -> StatementEntry | None:
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def show_detail(self) -> None:
        entry = self.highlighted()
        words = ""
        if entry is not None:
            words = f"{entry.account_no} {entry.name}: {what(entry)}, {money(entry.balance)}"
            if entry.decision.reason:
                words += f" — {entry.decision.reason}"
        self.query_one("#statements-detail", Static).update(Text(words))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    # run -----------------------------------------------------------------------------

    def action_send(self) -> None:
        result = self.result
        if self.busy or result is None:
            self.notify("Wait for the preview", severity="warning")
            return
        if not result.sent and not result.having(Action.CLOSE):
            self.notify("No statement is due today.", title="Statements", timeout=6)
            return
        closing = len(result.having(Action.CLOSE))
        question = f"Send {plural(len(result.sent), 'statement')} for ${money(result.amount)}"
        if closing:
            question += f" and close {plural(closing, 'paid cycle')}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_sending(result)

        self.app.push_screen(ConfirmScreen(f"{question}?", "send them now", "not now"), answered)

    def _start_sending(self, result: StatementRunResult) -> None:
        if self.busy:
            return
        self.busy = True
        bar = self.query_one("#statements-progress", ProgressBar)
        bar.update(total=max(len(result.sent), 1), progress=0)
        bar.add_class("-running")
        self.set_status(f"Sending {plural(len(result.sent), 'statement')}…")
        self.send(result.as_of)

    @work(thread=True, exit_on_error=False, group="statements", exclusive=True)
    def send(self, as_of: date) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(StatementProgress(done, total))

        result = self.services.statements.run(as_of, progress=progress)
        self.post_message(StatementRunDone(result))

    def on_statement_progress(self, message: StatementProgress) -> None:
        self.query_one("#statements-progress", ProgressBar).update(progress=message.done)
        self.set_status(f"Writing statements… {message.done:,} of {message.total:,}")

    def on_statement_run_done(self, message: StatementRunDone) -> None:
        self.busy = False
        self.query_one("#statements-progress", ProgressBar).remove_class("-running")
        result = message.result
        where = f" in {result.folder}" if result.folder else ""
        words = f"Sent {plural(len(result.sent), 'statement')} for {money(result.amount)}{where}"
        self.notify(words, title="Statements sent", timeout=10)
        self.action_refresh()

    # collections ---------------------------------------------------------------------

    def action_collections(self) -> None:
        entry = self.highlighted()
        if self.busy or entry is None:
            return
        if entry.decision.action is not Action.PROPOSE:
            self.notify(
                "Only an account marked collections? can be referred.",
                title="Collections",
                severity="warning",
            )
            return
        question = (
            f"Refer {entry.account_no} {entry.name} ({money(entry.balance)}) to "
            f"collections? {entry.decision.reason}."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self.set_status(f"Referring {entry.account_no} to collections…")
                self.refer(entry.account_no)

        self.app.push_screen(ConfirmScreen(question, "refer to collections", "leave it"), answered)

    @work(thread=True, exit_on_error=False, group="statements", exclusive=True)
    def refer(self, account_no: str) -> None:
        self.post_message(
            CollectionsDone(self.services.statements.confirm_collections([account_no]))
        )

    def on_collections_done(self, message: CollectionsDone) -> None:
        self.busy = False
        accounts = ", ".join(e.account_no for e in message.result.confirmed)
        self.notify(f"Referred to collections: {accounts}", title="Collections", timeout=8)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.busy = False
        self.query_one("#statements-progress", ProgressBar).remove_class("-running")
        self.set_status(f"Stopped: {worker.error}")
