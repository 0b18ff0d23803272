"""Frozen records of patients and charge entry: lookups, the forms and what saving them found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from medbill_tui.records.detail import PatientHeader


@dataclass(frozen=True, slots=True)
class PatientHit:
    """A patient found while typing a name, account number or date of birth."""

    patient_id: int
    account_no: str
    name: str
    dob: date


@dataclass(frozen=True, slots=True)
class ProviderOption:
    id: int
    name: str
    npi: str


@dataclass(frozen=True, slots=True)
class CoverageOption:
    """A patient's coverage to bill; `active_on_dos` is filled for a given date of service."""

    id: int
    payer_id: int
    payer_name: str
    priority: int
    member_id: str
    effective_from: date
    effective_to: date | None


@dataclass(frozen=True, slots=True)
class AuthorizationOption:
    """A prior authorization on one of the patient's coverages."""

    id: int
    coverage_id: int
    number: str | None
    status: str
    codes: str
    start_date: date | None
    end_date: date | None
    visits_allowed: int | None
    visits_used: int
    follow_up_on: date | None = None


@dataclass(frozen=True, slots=True)
class PatientContext:
    """What charge entry needs to know about the patient."""

    patient: PatientHeader
    coverages: tuple[CoverageOption, ...]
    authorizations: tuple[AuthorizationOption, ...]


@dataclass(frozen=True, slots=True)
class LineForm:
    """A service line as typed: every field is text until the form is checked."""

    code: str = ""
    modifiers: tuple[str, str, str, str] = ("", "", "", "")
    units: str = "1"
    charge: str = ""
    pointers: str = "1"


@dataclass(frozen=True, slots=True)
class EncounterForm:
    """The charge-entry form. `encounter_id`/`version` are None for a new encounter."""

    patient_id: int
    provider_id: int | None
    coverage_id: int | None
    authorization_id: int | None
    dos: str
    pos: str
    diagnoses: tuple[str, ...]
    lines: tuple[LineForm, ...]
    encounter_id: int | None = None
    version: int | None = None
    referring_npi: str = ""
    """The referring provider (837P 2310A, CMS-1500 box 17): all three empty when nobody."""
    referring_last: str = ""
    referring_first: str = ""


@dataclass(frozen=True, slots=True)
class FormFinding:
    """A problem on the form: `field` is a path like "line.2.charge"; errors block saving
    when `blocks_save`, and always block billing."""

    rule_id: str
    severity: str
    field: str
    message: str
    blocks_save: bool


@dataclass(frozen=True, slots=True)
class SavedEncounter:
    encounter_id: int
    version: int
    findings: tuple[FormFinding, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    """Something wrong with one field of a form, in words."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class PatientForm:
    """Patient demographics as typed; `patient_id`/`version` None for a new patient.
    `guarantor_account` empty means the patient is their own guarantor."""

    first_name: str
    last_name: str
    dob: str
    sex: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str = ""
    guarantor_account: str = ""
    patient_id: int | None = None
    version: int | None = None
    account_no: str = ""


@dataclass(frozen=True, slots=True)
class CoverageForm:
    """A coverage as typed. Relationship: 18 self, 01 spouse, 19 child, G8 other."""

    patient_id: int
    payer_id: int | None
    member_id: str
    group_no: str
    relationship: str
    priority: str
    effective_from: str
    effective_to: str = ""
    subscriber_first_name: str = ""
    subscriber_last_name: str = ""
    subscriber_dob: str = ""
    subscriber_sex: str = ""
    """F, M or U (unknown); asked only when the patient is not the subscriber."""
    coverage_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class AuthorizationForm:
    """A prior-authorization request or its outcome. Status: pending, approved, denied."""

    coverage_id: int
    status: str
    codes: str
    visits_allowed: str = ""
    start_date: str = ""
    end_date: str = ""
    number: str = ""
    follow_up_on: str = ""
    authorization_id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class PendingAuthRow:
    """An authorization waiting for the payer's answer."""

    authorization_id: int
    patient_id: int
    account_no: str
    patient_name: str
    payer_name: str
    codes: str
    requested_on: date | None
    follow_up_on: date | None
