"""Request a prior authorization on a coverage, or record the payer's answer to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from medbill_tui.records.forms import (
    AuthorizationForm,
    AuthorizationOption,
    CoverageOption,
    PatientContext,
)
from medbill_tui.screens.record_form import RecordFormScreen
from medbill_tui.widgets.form_field import (
    FormField,
    FormRow,
    choice_input,
    date_input,
    set_form_values,
    text_input,
)

STATUS_CHOICES = (
    ("pending: asked, no answer yet", "pending"),
    ("approved: the payer gave a number", "approved"),
    ("denied", "denied"),
)
LW = 14
"""Width of the first column's labels."""


def date_entry(value: date | None) -> str:
    """A date as the form shows it ('' when there is none)."""
    return value.strftime("%m/%d/%Y") if value is not None else ""


@dataclass
class AuthorizationLoaded(Message):
    """The patient, the coverage and (when recording an answer) the authorization arrived."""

    context: PatientContext
    coverage: CoverageOption | None
    authorization: AuthorizationOption | None
    missing: bool = False
    """True when the authorization asked for is not on the coverage (any more)."""
    form: AuthorizationForm | None = None
    """The authorization as its form, with its version (when recording an answer)."""


class AuthorizationScreen(RecordFormScreen[AuthorizationForm]):
    """A prior authorization on one coverage: a new request (status pending: codes, visits,
    dates, when to follow up), or the payer's answer to an existing one (approved with the
    payer's number, denied, or still pending with a new follow-up date). Keys: as in
    RecordFormScreen.
    """

    form_id = "authorization"
    record_type = AuthorizationForm
    draft_entity = "authorization"
    what = "authorization"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "status",
        "number",
        "codes",
        "visits_allowed",
        "start_date",
        "end_date",
        "follow_up_on",
    )

    def __init__(self, coverage_id: int, authorization_id: int | None) -> None:
        super().__init__()
        self.coverage_id = coverage_id
        self.authorization_id = authorization_id
        self.authorization: AuthorizationOption | None = None

    def compose_fields(self) -> ComposeResult:
        with FormRow():
            yield FormField(
                "status",
                "Status",
                choice_input(STATUS_CHOICES, allow_blank=False),
                label_width=LW,
                editor_width=36,
            )
        with FormRow():
            yield FormField(
                "number",
                "Auth number",
                text_input(max_length=50),
                label_width=LW,
                editor_width=20,
                hint="the payer's; needed when approved",
            )
        with FormRow():
            yield FormField(
                "codes",
                "Codes",
                text_input(placeholder="CPT/HCPCS codes, e.g. 97110 97140", max_length=200),
                label_width=LW,
            )
        with FormRow():
            yield FormField(
                "visits_allowed",
                "Visits allowed",
                text_input(max_length=4, restrict=r"[0-9]*"),
                label_width=LW,
                editor_width=4,
                hint="blank: no limit",
                width=38,
                error_label="Visits",
            )
            yield Static("", id="authorization-used", markup=False)
        with FormRow():
            yield FormField(
                "start_date",
                "Valid from",
                date_input(),
                label_width=LW,
                editor_width=10,
                width=28,
                error_label="Start date",
            )
            yield FormField("end_date", "to", date_input(), editor_width=10, error_label="End date")
        with FormRow():
            yield FormField(
                "follow_up_on",
                "Follow up on",
                date_input(),
                label_width=LW,
                editor_width=10,
                hint="when to call the payer if no answer",
                error_label="Follow-up date",
            )

    def on_mount(self) -> None:
        self.sub_title = (
            "Authorization request" if self.authorization_id is None else "Authorization answer"
        )
        self.begin_loading()
        self.load_authorization()

    # loading and saving --------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="authorization-load", exclusive=True)
    def load_authorization(self) -> None:
        coverage_form = self.services.patients.load_coverage(self.coverage_id)
        context = self.services.encounters.patient_context(coverage_form.patient_id)
        coverage = next((c for c in context.coverages if c.id == self.coverage_id), None)
        auth = None
        if self.authorization_id is not None:
            auth = next(
                (
                    a
                    for a in context.authorizations
                    if a.id == self.authorization_id and a.coverage_id == self.coverage_id
                ),
                None,
            )
        missing = self.authorization_id is not None and auth is None
        form = None
        if auth is not None:
            form = self.services.patients.load_authorization(auth.id)
        self.post_message(AuthorizationLoaded(context, coverage, auth, missing, form))

    def on_authorization_loaded(self, message: AuthorizationLoaded) -> None:
        patient = message.context.patient
        coverage = message.coverage
        payer = f"{coverage.payer_name} (member {coverage.member_id})" if coverage else ""
        doing = (
            "Request a prior authorization"
            if self.authorization_id is None
            else ("Record the payer's answer")
        )
        self.set_heading(f"{doing} · {patient.name} ({patient.account_no})\n{payer}")
        self.sub_title = f"{self.sub_title} · {patient.name}"
        if message.missing:
            self.set_status(
                f"Authorization {self.authorization_id} is not on this coverage. Esc goes back."
            )
            return
        auth = message.authorization
        self.authorization = auth
        self.record = message.form
        if auth is None:
            set_form_values(self.form_root, {"status": "pending"})
        else:
            set_form_values(
                self.form_root,
                {
                    "status": auth.status,
                    "number": auth.number or "",
                    "codes": auth.codes.replace(",", " "),
                    "visits_allowed": auth.visits_allowed or "",
                    "start_date": date_entry(auth.start_date),
                    "end_date": date_entry(auth.end_date),
                    "follow_up_on": date_entry(auth.follow_up_on),
                },
            )
            self.query_one("#authorization-used", Static).update(f"used so far: {auth.visits_used}")
        self.loaded()
        if auth is None:
            self.fields()["codes"].editor.focus()

    def form_to_save(self) -> AuthorizationForm:
        return AuthorizationForm(
            coverage_id=self.coverage_id,
            authorization_id=self.authorization_id,
            version=self.loaded_version,
            **self.entries(),
        )

    def store(self, form: AuthorizationForm, loaded: AuthorizationForm | None) -> int:
        return self.services.patients.save_authorization(form, loaded)

    def draft_id(self) -> int | None:
        return self.authorization_id

    def record_saved(self, record_id: int, form: AuthorizationForm) -> None:
        self.authorization_id = record_id
        self.save_done("Saved.")
        self.notify(
            "Authorization requested (pending)."
            if form.authorization_id is None
            else f"Authorization recorded: {form.status}.",
            title="Authorization saved",
            timeout=4,
        )
        self.app.pop_screen()
