"""The clearinghouses (supervisors and admins, from the palette): list, add, correct and
deactivate them and their SFTP connections; check the server's host key and, for an admin,
pin it once the clearinghouse has confirmed its fingerprint. A changed key is only pinned
after a question that shows both fingerprints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker

from medbill_tui.records.clearinghouses import ClearinghouseRow, HostKeyCheck
from medbill_tui.records.queues import Cursor, Page
from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.screens.setup_clearinghouse_form import ClearinghouseFormScreen
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.text import plural


@dataclass
class HostKeyChecked(Message):
    clearinghouse_id: int
    name: str
    check: HostKeyCheck


@dataclass
class ClearinghouseChanged(Message):
    """A deactivation or a pin went through: say so and load the list again."""

    words: str


def connection_words(row: ClearinghouseRow) -> str:
    c = row.connection
    return "-" if c is None else f"{c.user}@{c.host}:{c.port}"


def host_key_words(row: ClearinghouseRow) -> str:
    c = row.connection
    if c is None:
        return ""
    return "pinned" if c.host_key else "not pinned"


class ClearinghousesTable(ListTable):
    """The clearinghouses.

    | Key(s) | Description |
    | :- | :- |
    | enter | Correct the clearinghouse and its connection. |
    """

    COLUMNS = (
        ("Name", 14),
        ("Use", 4),
        ("State", 8),
        ("Receiver", 10),
        ("Connection", 20),
        ("Host key", 10),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Correct",
            id="clearinghouses.correct",
            tooltip="Correct the clearinghouse and its connection",
        ),
    ]


class ClearinghousesScreen(PickListScreen[ClearinghouseRow]):
    """Clearinghouses: where claim files and eligibility and status requests go.

    | Key(s) | Description |
    | :- | :- |
    | enter | Correct the clearinghouse and its connection. |
    | a | Add a clearinghouse. |
    | d | Deactivate it (not the default, not while payers send there). |
    | h | Check the server's host key; an admin may pin it. |
    | r | Reload. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="clearinghouses.add", tooltip="Add a clearinghouse"),
        Binding(
            "d",
            "deactivate",
            "Deactivate",
            id="clearinghouses.deactivate",
            tooltip="Offer this clearinghouse for nothing new",
        ),
        Binding(
            "h",
            "host_key",
            "Host key",
            id="clearinghouses.host-key",
            tooltip="Check the server's host key (an admin may pin it)",
        ),
        *list_bindings("clearinghouses"),
    ]

    list_id = "clearinghouses"
    list_title = "Clearinghouses"
    table_class = ClearinghousesTable
    always_reload = True

    def load_page(self, after: Cursor | None) -> Page[ClearinghouseRow]:
        return Page(tuple(self.services.clearinghouse_setup.clearinghouses()), next_cursor=None)

    def row_key(self, row: ClearinghouseRow) -> str:
        return str(row.id)

    def row_cells(self, row: ClearinghouseRow) -> list[Cell]:
        state = "default" if row.is_default else ("active" if row.active else "inactive")
        return [
            row.name,
            "test" if row.usage == "T" else "prod",
            state,
            row.receiver_id,
            connection_words(row),
            host_key_words(row),
        ]

    def status_text(self) -> str:
        text = plural(len(self.rows), "clearinghouse")
        if any(r.connection is not None and not r.connection.host_key for r in self.rows):
            text += " · a host key is not pinned: h checks it"
        return text

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "clearinghouses-host-key":
            self.show_status()  # the app has said why (unknown host, unreachable)
            return
        super().worker_failed(worker)

    def open_row(self, row: ClearinghouseRow) -> None:
        self.app.push_screen(ClearinghouseFormScreen(row))

    def action_add(self) -> None:
        self.app.push_screen(ClearinghouseFormScreen())

    def action_deactivate(self) -> None:
        row = self.current()
        if row is None or not row.active:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.deactivate(row.id, row.name)

        self.app.push_screen(
            ConfirmScreen(
                f"Deactivate {row.name}? Its files and claims keep it; nothing new goes there.",
                yes="Yes, deactivate",
                no="No, keep it",
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="clearinghouses-change", exclusive=True)
    def deactivate(self, clearinghouse_id: int, name: str) -> None:
        self.services.clearinghouse_setup.deactivate(clearinghouse_id)
        self.post_message(ClearinghouseChanged(f"{name} deactivated."))

    def action_host_key(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.connection is None:
            self.notify(f"{row.name} has no connection: Enter sets one up.", title="Host key")
            return
        self.set_status(f"Asking {row.connection.host} for its host key…")
        self.check_host_key(row.id, row.name)

    @work(thread=True, exit_on_error=False, group="clearinghouses-host-key", exclusive=True)
    def check_host_key(self, clearinghouse_id: int, name: str) -> None:
        check = self.services.clearinghouse_setup.check_host_key(clearinghouse_id)
        self.post_message(HostKeyChecked(clearinghouse_id, name, check))

    def on_host_key_checked(self, message: HostKeyChecked) -> None:
        check = message.check
        self.show_status()
        if check.state == "same":
            self.notify(
                f"{message.name} shows the pinned key {check.shown_fingerprint}.",
                title="Host key",
            )
            return
        if check.state == "changed":
            question = (
                f"{message.name} now shows ANOTHER host key:\n{check.shown_fingerprint}\n"
                f"(pinned: {check.pinned_fingerprint}). Pin the new key only when the "
                "clearinghouse has confirmed it changed."
            )
            yes = "Yes, the clearinghouse confirmed it: replace the pinned key"
        else:
            question = (
                f"{message.name} shows the host key\n{check.shown_fingerprint}\nPin it only "
                "when it matches the fingerprint the clearinghouse gave you."
            )
            yes = "Yes, it matches: pin it"
        if not self.services.can("pin-host-key"):
            self.notify(
                question.split("Pin")[0] + " Only an admin may pin it.",
                title="Host key not pinned",
                severity="warning",
                timeout=15,
            )
            return

        def answered(pin: bool | None) -> None:
            if pin:
                self.pin(message.clearinghouse_id, message.name, check)

        self.app.push_screen(ConfirmScreen(question, yes=yes, no="No, leave it"), answered)

    @work(thread=True, exit_on_error=False, group="clearinghouses-change", exclusive=True)
    def pin(self, clearinghouse_id: int, name: str, check: HostKeyCheck) -> None:
        self.services.clearinghouse_setup.pin_host_key(clearinghouse_id, check)
        self.post_message(
            ClearinghouseChanged(f"{name}: host key {check.shown_fingerprint} pinned.")
        )

    def on_clearinghouse_changed(self, message: ClearinghouseChanged) -> None:
        self.notify(message.words, title="Clearinghouses")
        self.reload()
