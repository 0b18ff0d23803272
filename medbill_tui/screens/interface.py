"""The HL7 interface: messages from the EHR, newest first, with their outcome; the error list
(AE) is worked here — fix the mapping or the data, then Enter tries the message again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from medbill_tui.records.hl7 import Hl7LogRow, Hl7Outcome
from medbill_tui.records.queues import Cursor, Page
from medbill_tui.screens.pick_list import PickListScreen, list_bindings
from medbill_tui.widgets.form_table import Cell, ListTable
from medbill_tui.widgets.text import plural

OUTCOME_WORDS = {"AA": "taken", "AE": "held", "AR": "refused"}


@dataclass
class Reprocessed(Message):
    """A held message was tried again."""

    message_id: int
    outcome: Hl7Outcome


def interface_cells(row: Hl7LogRow) -> list[Cell]:
    return [
        f"{row.received_at:%m/%d %H:%M}",
        row.message_type or "-",
        row.control_id or "-",
        OUTCOME_WORDS.get(row.outcome, row.outcome),
        row.account_no or "",
        row.reason or "",
    ]


class InterfaceTable(ListTable):
    """The messages received.

    | Key(s) | Description |
    | :- | :- |
    | enter | Try a held message again. |
    """

    COLUMNS = (
        ("Received", 11),
        ("Type", 7),
        ("Control", 9),
        ("Outcome", 7),
        ("Account", 7),
        ("Reason", 60),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Retry",
            id="interface.reprocess",
            tooltip="Try the held message again (after fixing its mapping or data)",
        ),
    ]


class InterfaceScreen(PickListScreen[Hl7LogRow]):
    """HL7 messages from the EHR, newest first: taken, held (AE, the error list) or refused.

    | Key(s) | Description |
    | :- | :- |
    | enter | Try a held message again. |
    | e | Only the held messages, or all. |
    | r | Reload. |
    | escape | Back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "toggle_errors",
            "Held only",
            id="interface.errors",
            tooltip="Show only the messages waiting on a fix, or all",
        ),
        *list_bindings("interface"),
    ]

    list_id = "interface"
    list_title = "HL7 interface"
    table_class = InterfaceTable
    always_reload = True

    def __init__(self, page_size: int = 200) -> None:
        super().__init__(page_size)
        self.errors_only = False

    def load_page(self, after: Cursor | None) -> Page[Hl7LogRow]:
        rows = self.services.hl7.log(self.page_size, errors_only=self.errors_only)
        return Page(rows, next_cursor=None)

    def row_key(self, row: Hl7LogRow) -> str:
        return str(row.message_id)

    def row_cells(self, row: Hl7LogRow) -> list[Cell]:
        return interface_cells(row)

    def status_text(self) -> str:
        held = sum(1 for row in self.rows if row.outcome == "AE")
        shown = "held " if self.errors_only else ""
        text = plural(len(self.rows), f"{shown}message")
        if held:
            text += f" · {held} held: fix the mapping (medbill hl7 map) or data, then Enter"
        return text

    def action_toggle_errors(self) -> None:
        self.errors_only = not self.errors_only
        self.reload()

    def open_row(self, row: Hl7LogRow) -> None:
        if row.outcome != "AE":
            words = OUTCOME_WORDS.get(row.outcome, row.outcome)
            self.notify(f"Message {row.control_id or row.message_id} was {words}; only held "
                        "messages are tried again.", title="Not held")  # fmt: skip
            return
        self.reprocess(row.message_id)

    @work(thread=True, exit_on_error=False, group="interface-reprocess", exclusive=True)
    def reprocess(self, message_id: int) -> None:
        self.post_message(Reprocessed(message_id, self.services.hl7.reprocess(message_id)))

    def on_reprocessed(self, message: Reprocessed) -> None:
        if message.outcome.code == "AA":
            self.notify(f"Message {message.message_id} taken.", title="HL7")
        else:
            self.notify(
                message.outcome.reason or "still held", title="Still held", severity="warning"
            )
        self.reload()
