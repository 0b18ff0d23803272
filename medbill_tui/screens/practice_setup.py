"""The first run on an empty database (admins): the billing provider, one rendering provider,
a clearinghouse and the first payer, each field checked as it is typed (NPI check digit and
type, TIN, ZIP+4, taxonomy). The same as `medbill practice init FILE`."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from medbill_tui.domain.practice_setup import SetupError, parse_setup
from medbill_tui.records.forms import FieldError
from medbill_tui.screens.form import FormScreen
from medbill_tui.widgets.form_field import FormField, FormRow, text_input
from medbill_tui.widgets.keys_footer import KeysFooter

SOURCE = "first-run setup"

# (table, key, label, characters shown, placeholder) by row of the form
ROWS: tuple[tuple[tuple[str, str, str, int, str], ...], ...] = (
    (("practice", "name", "Practice", 40, "legal name"),),
    (
        ("practice", "npi", "NPI", 10, "type 2"),
        ("practice", "tin", "TIN", 10, "12-3456789"),
        ("practice", "taxonomy", "Taxonomy", 10, "207Q00000X"),
    ),
    (
        ("practice", "address1", "Address", 24, ""),
        ("practice", "city", "City", 14, ""),
        ("practice", "state", "St", 2, ""),
    ),
    (("practice", "zip", "ZIP+4", 10, "12345-6789"), ("practice", "phone", "Phone", 12, "")),
    (
        ("providers", "npi", "Provider NPI", 10, "type 1"),
        ("providers", "taxonomy", "Taxonomy", 10, ""),
    ),
    (("providers", "first_name", "First", 16, ""), ("providers", "last_name", "Last", 20, "")),
    (
        ("clearinghouses", "name", "Clearinghouse", 20, ""),
        ("clearinghouses", "usage", "Use", 10, "test"),
    ),
    (
        ("clearinghouses", "receiver_id", "Receiver id", 15, ""),
        ("clearinghouses", "submitter_id", "Submitter id", 15, ""),
    ),
    (
        ("clearinghouses", "contact_name", "Contact", 20, ""),
        ("clearinghouses", "contact_phone", "Phone", 12, ""),
    ),
    (("payers", "name", "First payer", 24, ""), ("payers", "payer_id", "Payer id", 10, "")),
    (
        ("payers", "claim_filing_indicator", "Filing", 2, "CI"),
        ("payers", "timely_filing_days", "Timely days", 4, "365"),
        ("payers", "appeal_days", "Appeal days", 4, "180"),
    ),
)
TABLES = ("practice", "providers", "clearinghouses", "payers")
NUMBERS = frozenset({"timely_filing_days", "appeal_days"})


def field_name(table: str, key: str) -> str:
    return f"{table}-{key}"


def path_of(error: SetupError) -> str:
    """`payers[1].name` -> `payers-name` (the form has one of each list)."""
    table, _, key = error.field.partition(".")
    return field_name(table.split("[")[0], key)


def setup_data(values: dict[str, str]) -> dict[str, Any]:
    """The form's entries in the layout `parse_setup` (and `practice init`'s TOML) reads."""
    tables: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
    for name, value in values.items():
        table, _, key = name.partition("-")
        text = value.strip()
        if key in NUMBERS:
            if text:
                tables[table][key] = int(text) if text.isdigit() else text
        else:
            tables[table][key] = text
    clearinghouse = tables["clearinghouses"]
    clearinghouse["submitter_name"] = tables["practice"].get("name", "")
    clearinghouse["usage"] = clearinghouse.get("usage") or "test"
    clearinghouse["default"] = True
    return {
        "practice": tables["practice"],
        "providers": [tables["providers"]],
        "clearinghouses": [clearinghouse],
        "payers": [tables["payers"]],
    }


class PracticeSetupDone(Message):
    """The practice was set up: the dashboard can count its (empty) queues."""


class PracticeSetupScreen(FormScreen):
    """Set up the practice on a new database: ctrl+s saves once every field is right."""

    DEFAULT_CSS = """
    PracticeSetupScreen #setup-title { height: 1; text-style: bold; }
    PracticeSetupScreen #form-status { height: auto; min-height: 1; }
    PracticeSetupScreen VerticalScroll { height: 1fr; }
    """
    what: ClassVar[str] = "practice setup"
    save_group: ClassVar[str] = "practice-setup-save"

    def compose(self) -> ComposeResult:
        yield Static("Set up your practice (every field; ctrl+s saves)", id="setup-title")
        with VerticalScroll(id="setup-fields"):
            for row in ROWS:
                with FormRow():
                    for table, key, label, width, hint in row:
                        yield FormField(
                            field_name(table, key),
                            label,
                            text_input(placeholder=hint, max_length=60),
                            editor_width=width,
                            width=len(label) + width + 3,
                        )
        yield Static("", id="form-status", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.loaded()

    def problems(self) -> tuple[FieldError, ...]:
        _, errors = parse_setup(setup_data(self.values()))
        return tuple(FieldError(path_of(e), e.message) for e in errors)

    @on(Input.Changed)
    def check_as_typed(self, event: Input.Changed) -> None:
        """Say what is wrong with the field being typed in once it holds something."""
        fields = self.fields()
        for name, field in fields.items():
            if field.editor is event.input:
                wrong = [e.message for e in self.problems() if e.field == name]
                field.show_error(wrong[0] if wrong and field.value.strip() else None)

    def start_save(self) -> None:
        errors = self.problems()
        if errors:
            self.saving = False
            self.refresh_bindings()
            unplaced = self.show_errors(errors)
            extra = "; ".join(e.message for e in unplaced)
            self.set_status("Not saved: fix the fields marked ✗." + (f" {extra}" if extra else ""))
            return
        self.save(self.values())

    @work(thread=True, exit_on_error=False, group="practice-setup-save")
    def save(self, values: dict[str, str]) -> None:
        setup, _ = parse_setup(setup_data(values))
        assert setup is not None  # checked before the worker started
        self.services.practice_setup.init(setup, SOURCE)
        self.post_message(PracticeSetupDone())

    def on_practice_setup_done(self, message: PracticeSetupDone) -> None:
        self.save_done("Saved.")
        self.app.notify(
            "The practice is set up. Bring patients in with `medbill patients import FILE.csv`.",
            title="Practice set up",
            timeout=12,
        )
        self.app.pop_screen()
