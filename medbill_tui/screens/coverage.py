"""Add or edit one of a patient's coverages (payer, member id, priority, dates, subscriber)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Select

from medbill_tui.records.forms import CoverageForm, PatientContext
from medbill_tui.records.queues import PayerOption
from medbill_tui.screens.coverage_eligibility import BenefitsPanel, CoverageEligibility
from medbill_tui.screens.duplicates import DuplicateActions
from medbill_tui.screens.record_form import RecordFormScreen
from medbill_tui.widgets.form_field import (
    FormField,
    FormRow,
    choice_input,
    date_input,
    set_form_values,
    text_input,
)

RELATIONSHIP_CHOICES = (
    ("18 self", "18"),
    ("01 spouse", "01"),
    ("19 child", "19"),
    ("G8 other", "G8"),
)
"""The patient's relationship to the subscriber (X12 codes) as the drop-down offers them."""

LW = 14
"""Width of the first column's labels."""


@dataclass
class CoverageLoaded(Message):
    """Payers, the patient's header and (when editing) the coverage arrived."""

    payers: tuple[PayerOption, ...]
    context: PatientContext
    form: CoverageForm | None


def suggested_priority(context: PatientContext) -> str:
    """The first of 1, 2, 3 no current coverage of the patient has."""
    taken = {c.priority for c in context.coverages if c.effective_to is None}
    return next((str(p) for p in (1, 2, 3) if p not in taken), "1")


class CoverageScreen(CoverageEligibility, DuplicateActions, RecordFormScreen[CoverageForm]):
    """A patient's coverage: payer, member and group, relationship, priority, dates, and the
    subscriber when the patient is not the card holder. Escape goes back to the patient.
    Keys: as in RecordFormScreen. A member id another patient holds on the payer asks first
    (`DuplicateScreen`). ctrl+l (F5) asks the payer about the coverage (a 270), ctrl+z (F6)
    shows the raw 271 behind the benefits panel (`coverage_eligibility`).
    """

    DEFAULT_CSS = """
    #subscriber-title {
        text-style: bold;
    }
    #subscriber {
        height: auto;
    }
    """

    form_id = "coverage"
    record_type = CoverageForm
    what = "coverage"
    draft_entity = "coverage"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "member_id",
        "group_no",
        "relationship",
        "priority",
        "effective_from",
        "effective_to",
        "subscriber_first_name",
        "subscriber_last_name",
        "subscriber_dob",
        "subscriber_sex",
    )

    def __init__(self, patient_id: int, coverage_id: int | None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.coverage_id = coverage_id

    def compose_fields(self) -> ComposeResult:
        with FormRow():
            yield FormField(
                "payer", "Payer", choice_input((), prompt="Choose the payer"), label_width=LW
            )
        with FormRow():
            yield FormField(
                "member_id", "Member ID", text_input(max_length=80), label_width=LW, width=40
            )
            yield FormField("group_no", "Group", text_input(max_length=50))
        with FormRow():
            yield FormField(
                "relationship",
                "Relationship",
                choice_input(RELATIONSHIP_CHOICES, allow_blank=False),
                label_width=LW,
                editor_width=12,
                width=40,
            )
            yield FormField(
                "priority",
                "Priority",
                text_input(max_length=1, restrict=r"[123]?"),
                editor_width=1,
                hint="1 primary, 2, 3",
            )
        with FormRow():
            yield FormField(
                "effective_from",
                "Effective from",
                date_input(),
                label_width=LW,
                editor_width=10,
                width=28,
                error_label="Effective date",
            )
            yield FormField(
                "effective_to",
                "to",
                date_input(),
                editor_width=10,
                hint="blank: still in force",
                error_label="End date",
            )
        with Vertical(id="subscriber"):
            yield Label("Subscriber (the card holder)", id="subscriber-title")
            with FormRow():
                yield FormField(
                    "subscriber_first_name",
                    "First name",
                    text_input(max_length=35),
                    label_width=LW,
                    width=40,
                )
                yield FormField("subscriber_last_name", "Last name", text_input(max_length=60))
            with FormRow():
                yield FormField(
                    "subscriber_dob",
                    "Date of birth",
                    date_input(),
                    label_width=LW,
                    editor_width=10,
                    error_label="Subscriber's date of birth",
                    width=40,
                )
                yield FormField(
                    "subscriber_sex",
                    "Sex",
                    text_input(max_length=1, restrict=r"[MFUmfu]?"),
                    editor_width=1,
                    hint="M/F/U (U: not known)",
                    error_label="Subscriber's sex",
                )
        yield BenefitsPanel("", id="benefits")

    def on_mount(self) -> None:
        self.sub_title = "Edit coverage" if self.coverage_id else "New coverage"
        self.query_one("#subscriber").display = False
        self.begin_loading()
        self.load_coverage()

    # loading and saving --------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="coverage-load", exclusive=True)
    def load_coverage(self) -> None:
        patients = self.services.patients
        context = self.services.encounters.patient_context(self.patient_id)
        form = None if self.coverage_id is None else patients.load_coverage(self.coverage_id)
        payers = patients.payers(keep=form.payer_id if form is not None else None)
        self.post_message(CoverageLoaded(payers, context, form))

    def on_coverage_loaded(self, message: CoverageLoaded) -> None:
        patient = message.context.patient
        self.set_heading(
            f"{'Coverage' if message.form else 'New coverage'} for {patient.name}"
            f" · account {patient.account_no}"
        )
        self.sub_title = f"{self.sub_title} · {patient.name}"
        payer = self.fields()["payer"].editor
        assert isinstance(payer, Select)
        payer.set_options((p.name, str(p.id)) for p in message.payers)
        form = message.form
        self.record = form
        if form is None:
            values = {"relationship": "18", "priority": suggested_priority(message.context)}
        else:
            values = self.form_values(form)
        set_form_values(self.form_root, values)
        self._show_subscriber()
        self.query_one(BenefitsPanel).display = form is not None
        self.show_benefits()
        self.loaded()

    def form_to_save(self) -> CoverageForm:
        payer = self.values()["payer"]
        return CoverageForm(
            patient_id=self.patient_id,
            payer_id=int(payer) if payer else None,
            coverage_id=self.coverage_id,
            version=self.loaded_version,
            **self.entries(),
        )

    def store(self, form: CoverageForm, loaded: CoverageForm | None) -> int:
        return self.services.patients.save_coverage(form, loaded, self.despite)

    def form_values(self, record: CoverageForm) -> dict[str, str]:
        values = super().form_values(record)
        values["payer"] = str(record.payer_id) if record.payer_id is not None else ""
        return values

    def show_record(self, record: CoverageForm) -> None:
        super().show_record(record)
        self._show_subscriber()

    def draft_id(self) -> int | None:
        return self.coverage_id

    def record_saved(self, record_id: int, form: CoverageForm) -> None:
        self.coverage_id = record_id
        self.save_done("Saved.")
        self.notify(
            "Coverage added." if form.coverage_id is None else "Coverage saved.",
            title="Coverage saved",
            timeout=4,
        )
        self.app.pop_screen()

    def save_refused(self, message: str) -> None:
        super().save_refused(message)
        if "priority" in message.lower():
            field = self.fields()["priority"]
            field.show_error(message)
            field.editor.focus()

    # the subscriber ------------------------------------------------------------------

    @on(Select.Changed, "#input-relationship")
    def relationship_changed(self, event: Select.Changed) -> None:
        self._show_subscriber()

    def _show_subscriber(self) -> None:
        relationship = self.fields()["relationship"].value
        self.query_one("#subscriber").display = relationship not in ("", "18")
