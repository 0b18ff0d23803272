"""One patient: demographics to edit and save, their coverages and prior authorizations."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Header, Label, Static

from medbill_tui.errors import ServiceError
from medbill_tui.records.forms import AuthorizationOption, PatientContext, PatientForm
from medbill_tui.screens.authorization import AuthorizationScreen
from medbill_tui.screens.coverage import CoverageScreen
from medbill_tui.screens.duplicates import DuplicateActions, DuplicatesFound, duplicates_of
from medbill_tui.screens.patient_tables import (
    AuthorizationTable,
    CoverageTable,
    authorization_cells,
    coverage_cells,
)
from medbill_tui.widgets.form_field import (
    FormField,
    FormRow,
    date_input,
    set_form_values,
    text_input,
)
from medbill_tui.widgets.keys_footer import KeysFooter

LW = 13
"""Width of the first column's labels."""

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "dob",
    "sex",
    "phone",
    "address1",
    "city",
    "state",
    "zip",
    "guarantor_account",
)


@dataclass
class PatientLoaded(Message):
    """The patient's demographics arrived (also after a save)."""

    form: PatientForm
    saved: bool = False


@dataclass
class ContextLoaded(Message):
    """The patient's coverages and authorizations arrived."""

    context: PatientContext


class PatientScreen(DuplicateActions):
    """Demographics of one patient (or a new one), with their coverages and authorizations.

    Saving refuses bad entries field by field and keeps every entry; a save after someone
    else's is refused with a message. A new patient gets an account number on save. A name
    and date of birth like another patient's asks first (`DuplicateScreen`).

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s | Save the demographics. |
    | tab | Next field, then the coverages and authorizations tables. |
    | n / enter / A | In the coverages: add, edit, request an authorization. |
    | enter | In the authorizations: record the payer's answer. |
    | escape | Back (asks when there are unsaved changes). |
    """

    DEFAULT_CSS = """
    #patient-body {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    #patient-heading {
        text-style: bold;
    }
    #form-status {
        height: auto;
        margin-top: 1;
    }
    #form-status.-empty {
        display: none;
    }
    .patient-section {
        text-style: bold;
        width: 1fr;
        margin-top: 1;
    }
    """

    save_group = "patient-save"
    draft_entity = "patient"
    what = "patient"

    def __init__(self, patient_id: int | None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.record: PatientForm | None = None
        """The demographics as last loaded or saved (None for a new patient until saved)."""
        self.context: PatientContext | None = None

    # layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="patient-body", can_focus=False):
            yield Static("", id="patient-heading", markup=False)
            with FormRow():
                yield FormField(
                    "first_name", "First name", text_input(max_length=35), label_width=LW, width=40
                )
                yield FormField("last_name", "Last name", text_input(max_length=60))
            with FormRow():
                yield FormField(
                    "dob", "Date of birth", date_input(), label_width=LW, editor_width=10, width=26
                )
                yield FormField(
                    "sex",
                    "Sex",
                    text_input(max_length=1, restrict=r"[MFUmfu]?"),
                    editor_width=1,
                    hint="M/F/U",
                    width=12,
                )
                yield FormField(
                    "phone",
                    "Phone",
                    text_input(placeholder="10 digits", max_length=20, restrict=r"[0-9()+. -]*"),
                )
            with FormRow():
                yield FormField(
                    "address1",
                    "Street",
                    text_input(max_length=55),
                    label_width=LW,
                    error_label="Street address",
                )
            with FormRow():
                yield FormField("city", "City", text_input(max_length=30), label_width=LW, width=40)
                yield FormField(
                    "state",
                    "State",
                    text_input(max_length=2, restrict=r"[A-Za-z]*"),
                    editor_width=2,
                    width=10,
                )
                yield FormField(
                    "zip", "ZIP", text_input(max_length=10, restrict=r"[0-9-]*"), editor_width=10
                )
            with FormRow():
                yield FormField(
                    "guarantor_account",
                    "Guarantor",
                    text_input(max_length=20, placeholder="self"),
                    label_width=LW,
                    editor_width=10,
                    hint="account no. of who pays (blank: self)",
                )
            yield Static("", id="form-status", markup=False)
            yield Label("Coverages", classes="patient-section")
            yield CoverageTable(id="patient-coverages")
            yield Label("Prior authorizations", classes="patient-section")
            yield AuthorizationTable(id="patient-authorizations")
        yield KeysFooter()

    @property
    def form_root(self) -> Widget:
        return self.query_one("#patient-body")

    def on_mount(self) -> None:
        self._show_heading()
        if self.patient_id is None:
            self.loaded()
            self.set_status("New patient: fill in the fields and press ctrl+s to save.")
        else:
            self.begin_loading()
            self.load_patient(self.patient_id)

    def on_screen_resume(self) -> None:
        # Back from a coverage or authorization: show what changed (once the patient is in).
        if self.record is not None and self.record.patient_id is not None:
            self.load_context(self.record.patient_id)

    def _show_heading(self) -> None:
        record = self.record
        if record is None or record.patient_id is None:
            heading = "New patient · account number: given on save"
            self.sub_title = "New patient"
        else:
            name = f"{record.last_name}, {record.first_name}"
            heading = f"Account {record.account_no} · {name}"
            self.sub_title = f"Patient · {name} ({record.account_no})"
        self.query_one("#patient-heading", Static).update(heading)

    # loading and saving --------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="patient-load", exclusive=True)
    def load_patient(self, patient_id: int) -> None:
        self.post_message(PatientLoaded(self.services.patients.load(patient_id)))

    @work(thread=True, exit_on_error=False, group="patient-context", exclusive=True)
    def load_context(self, patient_id: int) -> None:
        self.post_message(ContextLoaded(self.services.encounters.patient_context(patient_id)))

    def start_save(self) -> None:
        values = self.values()
        record = self.record
        form = PatientForm(
            **{name: values[name] for name in PATIENT_FIELDS},
            patient_id=record.patient_id if record else None,
            version=record.version if record else None,
            account_no=record.account_no if record else "",
        )
        self.save_patient(form, record)

    @work(thread=True, exit_on_error=False, group="patient-save", exclusive=True)
    def save_patient(self, form: PatientForm, loaded: PatientForm | None) -> None:
        try:
            saved = self.services.patients.save(form, loaded, self.despite)
        except ServiceError as exc:
            if not duplicates_of(exc):
                raise
            self.post_message(DuplicatesFound(duplicates_of(exc)))
            return
        self.drop_draft_after_save()
        self.post_message(PatientLoaded(saved, saved=True))

    def draft_id(self) -> int | None:
        return self.record.patient_id if self.record is not None else None

    def adopt(self, theirs: object, show: bool) -> None:
        if isinstance(theirs, PatientForm):
            self.record = theirs
            if show:
                values = {name: getattr(theirs, name) for name in PATIENT_FIELDS}
                set_form_values(self.form_root, values)

    def on_patient_loaded(self, message: PatientLoaded) -> None:
        form = message.form
        new = self.patient_id is None
        self.record = form
        self.patient_id = form.patient_id
        set_form_values(self.form_root, {name: getattr(form, name) for name in PATIENT_FIELDS})
        self._show_heading()
        if message.saved:
            self.despite = ()
            note = f"Saved: new account {form.account_no}." if new else "Saved."
            self.save_done(note)
            self.notify(note, title="Patient saved", timeout=4)
        else:
            self.loaded()
        if not message.saved or new:  # the first look at this patient's coverages
            assert form.patient_id is not None
            self.load_context(form.patient_id)

    def save_refused(self, message: str) -> None:
        super().save_refused(message)
        if "guarantor" in message.lower():
            field = self.fields()["guarantor_account"]
            field.show_error(message)
            field.editor.focus()

    # coverages and authorizations ----------------------------------------------------

    def on_context_loaded(self, message: ContextLoaded) -> None:
        self.context = message.context
        self.query_one(CoverageTable).set_rows(
            (str(c.id), coverage_cells(c)) for c in message.context.coverages
        )
        self.query_one(AuthorizationTable).set_rows(
            (str(a.id), authorization_cells(a)) for a in message.context.authorizations
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key is None or self.patient_id is None:
            return
        if isinstance(event.data_table, CoverageTable):
            self.app.push_screen(CoverageScreen(self.patient_id, int(key)))
        elif isinstance(event.data_table, AuthorizationTable):
            auth = self._authorization(int(key))
            if auth is not None:
                self.app.push_screen(AuthorizationScreen(auth.coverage_id, auth.id))

    def _authorization(self, auth_id: int) -> AuthorizationOption | None:
        if self.context is None:
            return None
        return next((a for a in self.context.authorizations if a.id == auth_id), None)

    def _needs_saved_patient(self) -> bool:
        if self.patient_id is None:
            self.notify("Save the new patient first (ctrl+s).", title="Not yet", timeout=5)
            return True
        return False

    def action_new_coverage(self) -> None:
        if not self._needs_saved_patient():
            assert self.patient_id is not None
            self.app.push_screen(CoverageScreen(self.patient_id, None))

    def action_request_authorization(self) -> None:
        if self._needs_saved_patient():
            return
        key = self.query_one(CoverageTable).selected_key()
        if key is None:
            self.notify("Add a coverage first (n).", title="No coverage", timeout=5)
            return
        self.app.push_screen(AuthorizationScreen(int(key), None))
