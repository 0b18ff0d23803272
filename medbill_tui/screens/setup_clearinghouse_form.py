"""Add or correct one clearinghouse and its SFTP connection (supervisor or admin). No secret
is typed here: the key is a file named, a password a reference (`file:/path`, `env:NAME`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from medbill_tui.domain.clearinghouse_connection import password_reference
from medbill_tui.records.clearinghouses import ClearinghouseRow
from medbill_tui.screens.form import FormScreen
from medbill_tui.widgets.form_field import FormField, FormRow, set_form_values, text_input
from medbill_tui.widgets.keys_footer import KeysFooter

# (name, label, characters shown, placeholder) by row of the form
ROWS: tuple[tuple[tuple[str, str, int, str], ...], ...] = (
    (("name", "Name", 20, ""), ("usage", "Use", 10, "test"), ("default", "Default", 3, "no")),
    (("receiver_id", "Receiver id", 15, ""), ("submitter_id", "Submitter id", 15, "")),
    (("submitter_name", "Submitter name", 30, "the practice"),),
    (("contact_name", "Contact", 20, ""), ("contact_phone", "Phone", 12, "")),
    (("host", "SFTP host", 24, "empty: no connection"), ("port", "Port", 5, "22")),
    (("user", "User", 16, ""), ("password", "Password", 24, "file:/path or env:NAME")),
    (("key_file", "Key file", 46, "/var/lib/medbill/exchange/id_ed25519"),),
    (("upload_dir", "Upload to", 18, "inbound"), ("download_dir", "Answers in", 18, "outbound")),
    (
        ("answer_pattern", "Answers", 8, "*"),
        ("after_fetch", "After", 6, "leave"),
        ("send_from", "Send from", 10, "2026-12-07"),
    ),
    (("schedule", "Schedule", 20, "*/30 7-19 * * 1-5"),),
)


def form_values(row: ClearinghouseRow | None) -> dict[str, str]:
    """How a clearinghouse shows in the form (empty for a new one)."""
    if row is None:
        return {"usage": "test", "default": "no", "port": "22", "after_fetch": "leave"}
    values = {
        "name": row.name,
        "usage": "test" if row.usage == "T" else "production",
        "default": "yes" if row.is_default else "no",
        "receiver_id": row.receiver_id,
        "submitter_id": row.submitter_id,
        "submitter_name": row.submitter_name,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
    }
    c = row.connection
    if c is not None:
        values |= {
            "host": c.host,
            "port": str(c.port),
            "user": c.user,
            "password": password_reference(c.password_file, c.password_env),
            "key_file": c.key_file,
            "upload_dir": c.upload_dir,
            "download_dir": c.download_dir,
            "answer_pattern": c.answer_pattern,
            "after_fetch": c.after_fetch,
            "send_from": c.send_from.isoformat(),
            "schedule": c.schedule,
        }
    return values


@dataclass
class ClearinghouseSaved(Message):
    clearinghouse_id: int


class ClearinghouseFormScreen(FormScreen):
    """A clearinghouse and its connection: ctrl+s saves (every wrong field is marked)."""

    DEFAULT_CSS = """
    ClearinghouseFormScreen #clearinghouse-title { height: 1; text-style: bold; }
    ClearinghouseFormScreen #form-status { height: auto; min-height: 1; }
    ClearinghouseFormScreen VerticalScroll { height: 1fr; }
    """
    what: ClassVar[str] = "clearinghouse"
    save_group: ClassVar[str] = "clearinghouse-save"

    def __init__(self, row: ClearinghouseRow | None = None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        title = f"Correct {self.row.name}" if self.row else "Add a clearinghouse"
        yield Static(f"{title} (ctrl+s saves)", id="clearinghouse-title", markup=False)
        with VerticalScroll(id="clearinghouse-fields"):
            for row in ROWS:
                with FormRow():
                    for name, label, width, hint in row:
                        yield FormField(
                            name,
                            label,
                            text_input(placeholder=hint, max_length=255),
                            editor_width=width,
                            width=len(label) + width + 3,
                        )
        yield Static("", id="form-status", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        set_form_values(self, form_values(self.row))
        self.loaded()

    def start_save(self) -> None:
        self.save(self.values())

    @work(thread=True, exit_on_error=False, group="clearinghouse-save")
    def save(self, values: dict[str, str]) -> None:
        saved = self.services.clearinghouse_setup.save(
            values, None if self.row is None else self.row.id
        )
        self.post_message(ClearinghouseSaved(saved))

    def on_clearinghouse_saved(self, message: ClearinghouseSaved) -> None:
        self.save_done("Saved.")
        self.app.notify(f"{self.values()['name']} saved.", title="Clearinghouse")
        self.app.pop_screen()
