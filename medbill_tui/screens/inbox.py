"""The inbox: the 999, 277CA and 835 files waiting in the inbox folder, a preview of what
importing them would do, and the import itself with its progress and results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, ProgressBar, Static
from textual.worker import Worker

from medbill_tui.errors import ServiceError
from medbill_tui.records.claims import InboxEntry
from medbill_tui.screens.form import ConfirmScreen, is_service_error
from medbill_tui.screens.inbox_exchange import InboxExchange
from medbill_tui.widgets.inbox_table import InboxTable
from medbill_tui.widgets.keys_footer import KeysFooter
from medbill_tui.widgets.text import clip, money, plural

if TYPE_CHECKING:
    from medbill_tui.services.imports import ImportResult

FileOutcome = tuple[str, "ImportResult | str"]
"""(file name, what importing did, or the refusal in words)."""


@dataclass
class InboxLoaded(Message):
    entries: tuple[InboxEntry, ...]


@dataclass
class PreviewReady(Message):
    paths: tuple[str, ...]
    outcomes: tuple[FileOutcome, ...]


@dataclass
class ImportProgress(Message):
    done: int
    total: int
    name: str


@dataclass
class ImportFinished(Message):
    outcomes: tuple[FileOutcome, ...]
    entries: tuple[InboxEntry, ...]
    """The inbox as it is after the import: shown with the results in the same frame."""


def summarize(outcome: ImportResult | str) -> str:
    """One line for a file's import (or dry run) result."""
    if isinstance(outcome, str):
        return f"not imported: {outcome}"
    if outcome.status == "already-imported":
        return outcome.message
    label = {"dry-run": "would import", "imported": "imported"}.get(outcome.status, outcome.status)
    parts = [f"{label} {outcome.kind}"]
    if outcome.payments:
        for payment in outcome.payments:
            parts.append(
                f"payment {payment.trace_no} {payment.payer_name} "
                f"{money(payment.amount)}: {payment.status}"
                + (f" — {payment.message}" if payment.message else "")
            )
        parts.append(f"{outcome.accepted} claims matched, {outcome.unmatched} unmatched")
    else:
        parts.append(
            f"{outcome.accepted} accepted, {outcome.rejected} rejected, "
            f"{outcome.unmatched} unmatched"
        )
    if outcome.message and outcome.kind != "835":
        parts.append(outcome.message)
    return "; ".join(parts)


def importable(outcome: ImportResult | str) -> bool:
    return not isinstance(outcome, str) and outcome.status == "dry-run"


def import_question(outcomes: tuple[FileOutcome, ...]) -> str:
    """The batch in one line before `y`: how many files, how many payments they post and
    for how much, how many claim answers they record."""
    ready = [outcome for _, outcome in outcomes if not isinstance(outcome, str)]
    ready = [outcome for outcome in ready if outcome.status == "dry-run"]
    head = f"Import {plural(len(ready), 'file')}"
    does: list[str] = []
    payments = [p for outcome in ready for p in outcome.payments if not p.refused]
    if payments:
        total = sum((p.amount for p in payments), Decimal("0.00"))
        does.append(f"post {plural(len(payments), 'payment')} for ${money(total)}")
    answers = sum(o.accepted + o.rejected for o in ready if not o.payments)
    if answers:
        does.append(f"record {plural(answers, 'claim answer')}")
    return f"{head}: {', '.join(does)}?" if does else f"{head}?"


class InboxScreen(InboxExchange):
    """The inbox folder's files; mark some, preview their import, import them.

    | Key(s) | Description |
    | :- | :- |
    | space | Mark or unmark the highlighted file (the cursor starts on the first new one). |
    | enter / i | Preview importing the marked (or highlighted) files, then import on y. |
    | r | Read the folder again. |
    | x | Exchange with the clearinghouse: send claims, fetch, import (x again cancels). |
    | e | Key a paper EOB: a check and its claims, posted once they balance. |
    | escape | Back. |
    """

    DEFAULT_CSS = """
    InboxScreen #inbox-table { height: 1fr; }
    InboxScreen #inbox-detail { height: auto; max-height: 6; padding: 0 1; }
    InboxScreen #inbox-status { height: auto; padding: 0 1; text-style: bold; }
    InboxScreen #inbox-progress { display: none; padding: 0 1; }
    InboxScreen #inbox-progress.-running { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="inbox.back", tooltip="Close the inbox"),
        Binding("space", "mark", "Mark", id="inbox.mark", tooltip="Mark or unmark this file"),
        Binding(
            "i",
            "import",
            "Import",
            id="inbox.import",
            tooltip="Preview, then import the marked files",
        ),
        Binding("r", "refresh", "Refresh", id="inbox.refresh", tooltip="Read the folder again"),
        Binding(
            "x",
            "exchange",
            "Exchange",
            id="inbox.exchange",
            tooltip="Send claims to the clearinghouse, fetch and import its answers",
        ),
        Binding(
            "e",
            "paper_eob",
            "Paper EOB",
            id="inbox.paper-eob",
            tooltip="Key a paper check and its claims; post once they balance",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: tuple[InboxEntry, ...] = ()
        self.marked: set[str] = set()
        self.results: dict[str, str] = {}
        self.busy = False
        self.just_imported: set[str] = set()
        """Files this screen imported: they read 'imported now', not 'imported before'."""
        self.placed = False
        """The cursor was put on the first new file (done once, on the first load)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the inbox…", id="inbox-status")
        yield ProgressBar(total=1, show_eta=False, id="inbox-progress")
        table = InboxTable(id="inbox-table", cursor_type="row")
        yield table
        yield Static("", id="inbox-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"Inbox · {self.services.inbox}"
        table = self.table
        table.add_columns(" ", "File", "Size", "What", "Result")
        table.focus()
        self.load()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#inbox-table", DataTable)

    def set_status(self, text: str) -> None:
        self.query_one("#inbox-status", Static).update(Text(text))

    # the list ------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="inbox-load", exclusive=True)
    def load(self) -> None:
        self.post_message(InboxLoaded(self.services.imports.inbox(self.services.inbox)))

    def on_inbox_loaded(self, message: InboxLoaded) -> None:
        self.entries = message.entries
        names = {entry.name for entry in self.entries}
        self.marked &= names
        self.fill()
        if not self.busy:
            count = plural(len(self.entries), "file")
            self.set_status(f"{count} in the inbox" if self.entries else "The inbox is empty")

    def fill(self) -> None:
        table = self.table
        row = table.cursor_row
        table.clear()
        for entry in self.entries:
            what = entry.kind or "unreadable"
            if entry.problem:
                what = f"{what}: {entry.problem}" if entry.kind else entry.problem
            elif entry.name in self.just_imported:
                what = f"{entry.kind}, imported now"
            elif entry.imported_before:
                what = f"{entry.kind}, imported before"
            table.add_row(
                "✓" if entry.name in self.marked else " ",
                clip(entry.name, 24),
                f"{entry.size:,}",
                clip(what, 22),
                clip(self.results.get(entry.name, ""), 24),
                key=entry.name,
            )
        if self.entries:
            if not self.placed:  # imported files stay in the folder: start on the new ones
                self.placed = True
                row = next(
                    (
                        number
                        for number, entry in enumerate(self.entries)
                        if not entry.imported_before and not entry.problem
                    ),
                    0,
                )
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1))
        self.show_detail()

    def highlighted(self) -> InboxEntry | None:
        row = self.table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_detail(self) -> None:
        entry = self.highlighted()
        lines: list[str] = []
        if entry is not None:
            lines.append(f"{entry.name} · {entry.size:,} bytes · {entry.kind or 'unreadable'}")
            if entry.problem:
                lines.append(f"Cannot import: {entry.problem}")
            if entry.name in self.just_imported:
                lines.append("Imported just now")
            elif entry.imported_before:
                lines.append(f"Already imported: {entry.imported_before}")
            if entry.name in self.results:
                lines.append(f"Result: {self.results[entry.name]}")
        self.query_one("#inbox-detail", Static).update(Text("\n".join(lines)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_import()

    def action_mark(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return
        self.marked ^= {entry.name}
        self.table.update_cell(
            entry.name, self.table.ordered_columns[0].key, "✓" if entry.name in self.marked else " "
        )
        if self.table.cursor_row < len(self.entries) - 1:
            self.table.move_cursor(row=self.table.cursor_row + 1)

    def action_refresh(self) -> None:
        if not self.busy:
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_paper_eob(self) -> None:
        from medbill_tui.screens.paper_eob import PaperEobScreen

        self.app.push_screen(PaperEobScreen())

    # preview and import --------------------------------------------------------------

    def chosen(self) -> list[InboxEntry]:
        marked = [entry for entry in self.entries if entry.name in self.marked]
        if marked:
            return marked
        entry = self.highlighted()
        return [] if entry is None else [entry]

    def action_import(self) -> None:
        if self.busy:
            self.notify("Wait for the import to finish", severity="warning")
            return
        chosen = self.chosen()
        if not chosen:
            self.notify("There is nothing in the inbox", severity="warning")
            return
        self.busy = True
        self.set_status(f"Checking {plural(len(chosen), 'file')}…")
        self.preview(tuple(entry.path for entry in chosen))

    def run_one(self, path: str, dry_run: bool) -> ImportResult | str:
        try:
            return self.services.imports.import_file(Path(path), dry_run=dry_run)
        except Exception as exc:
            if is_service_error(exc):
                return str(exc)
            raise

    @work(thread=True, exit_on_error=False, group="inbox-import", exclusive=True)
    def preview(self, paths: tuple[str, ...]) -> None:
        outcomes = tuple((Path(path).name, self.run_one(path, True)) for path in paths)
        self.post_message(PreviewReady(paths, outcomes))

    def on_preview_ready(self, message: PreviewReady) -> None:
        for name, outcome in message.outcomes:
            self.results[name] = summarize(outcome)
        self.fill()
        ready = [
            path
            for path, (_, outcome) in zip(message.paths, message.outcomes, strict=True)
            if importable(outcome)
        ]
        if not ready:
            self.busy = False
            self.set_status("Nothing to import: see the Result column")
            return
        lines = [f"{name}: {summarize(outcome)}" for name, outcome in message.outcomes]
        question = import_question(message.outcomes) + "\n"
        question += "\n".join(clip(line, 110) for line in lines)

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_import(tuple(ready))
            else:
                self.busy = False
                self.set_status("Not imported")

        self.app.push_screen(
            ConfirmScreen(
                question,
                yes=f"Yes, import {plural(len(ready), 'file')}",
                no="No, leave them in the inbox",
            ),
            answered,
        )

    def start_import(self, paths: tuple[str, ...]) -> None:
        bar = self.query_one("#inbox-progress", ProgressBar)
        bar.update(total=len(paths), progress=0)
        bar.add_class("-running")
        self.set_status(f"Importing {plural(len(paths), 'file')}…")
        self.import_files(paths)

    @work(thread=True, exit_on_error=False, group="inbox-import", exclusive=True)
    def import_files(self, paths: tuple[str, ...]) -> None:
        outcomes: list[FileOutcome] = []
        for number, path in enumerate(paths, 1):
            name = Path(path).name
            self.post_message(ImportProgress(number - 1, len(paths), name))
            outcomes.append((name, self.run_one(path, False)))
        try:
            entries = self.services.imports.inbox(self.services.inbox)
        except ServiceError:  # the results still show; the list is as it was
            entries = self.entries
        self.post_message(ImportProgress(len(paths), len(paths), ""))
        self.post_message(ImportFinished(tuple(outcomes), entries))

    def on_import_progress(self, message: ImportProgress) -> None:
        self.query_one("#inbox-progress", ProgressBar).update(progress=message.done)
        if message.name:
            self.set_status(f"Importing {message.done + 1} of {message.total}: {message.name}")

    def on_import_finished(self, message: ImportFinished) -> None:
        self.busy = False
        self.query_one("#inbox-progress", ProgressBar).remove_class("-running")
        for name, outcome in message.outcomes:
            self.results[name] = summarize(outcome)
            if not isinstance(outcome, str) and outcome.status == "imported":
                self.just_imported.add(name)
        self.marked.clear()
        done = sum(
            1 for _, o in message.outcomes if not isinstance(o, str) and o.status == "imported"
        )
        self.entries = message.entries
        self.fill()
        self.set_status(f"Imported {plural(done, 'file')} of {len(message.outcomes)}")
        self.notify(f"Imported {plural(done, 'file')}", title="Inbox")

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.busy = False
        self.query_one("#inbox-progress", ProgressBar).remove_class("-running")
        self.set_status(f"Stopped: {worker.error}")
