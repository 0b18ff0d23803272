"""Checks of the patient, coverage and authorization forms (pure): text in, values or errors out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from medbill_tui.domain.encounter_form import parse_date
from medbill_tui.domain.scrub_rules import US_STATES
from medbill_tui.records.forms import AuthorizationForm, CoverageForm, FieldError, PatientForm

RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child", "G8": "other"}
AUTH_STATUSES = ("pending", "approved", "denied")
_ZIP = re.compile(r"^\d{5}(\d{4})?$")


@dataclass(frozen=True, slots=True)
class CheckedPatient:
    first_name: str
    last_name: str
    dob: date
    sex: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str | None


def _date(
    errors: list[FieldError], field: str, label: str, text: str, required: bool = True
) -> date | None:
    if not text.strip():
        if required:
            errors.append(FieldError(field, f"{label} is required"))
        return None
    value = parse_date(text)
    if value is None:
        errors.append(FieldError(field, f"{label} {text.strip()!r} is not a date: use MM/DD/YYYY"))
    return value


def _has_letters(name: str) -> bool:
    """At least one letter that survives folding to ASCII (claims are ASCII only)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return any(ch.isalpha() for ch in folded)


def check_patient(form: PatientForm, today: date) -> tuple[CheckedPatient | None, list[FieldError]]:
    """Typed demographics, or the errors that stop them being saved."""
    errors: list[FieldError] = []
    first, last = form.first_name.strip(), form.last_name.strip()
    if not _has_letters(first):
        errors.append(FieldError("first_name", "First name is required (letters)"))
    if not _has_letters(last):
        errors.append(FieldError("last_name", "Last name is required (letters)"))
    dob = _date(errors, "dob", "Date of birth", form.dob)
    if dob is not None and dob > today:
        errors.append(FieldError("dob", "Date of birth cannot be in the future"))
    sex = form.sex.strip().upper()[:1]
    if sex not in ("M", "F", "U"):
        errors.append(FieldError("sex", "Sex must be M, F or U"))
    if not form.address1.strip():
        errors.append(FieldError("address1", "Street address is required"))
    if len(form.city.strip()) < 2:
        errors.append(FieldError("city", "City is required (at least 2 letters)"))
    state = form.state.strip().upper()
    if state not in US_STATES:
        errors.append(FieldError("state", f"{form.state.strip()!r} is not a 2-letter US state"))
    zip_code = form.zip.strip().replace("-", "")
    if not _ZIP.match(zip_code):
        errors.append(FieldError("zip", "ZIP must be 5 or 9 digits"))
    phone = re.sub(r"\D", "", form.phone)
    if phone and len(phone) != 10:
        errors.append(FieldError("phone", "Phone must have 10 digits"))
    if errors or dob is None:
        return None, errors
    return CheckedPatient(
        first[:35],
        last[:60],
        dob,
        sex,
        form.address1.strip()[:55],
        form.city.strip()[:30],
        state,
        zip_code,
        phone or None,
    ), errors


@dataclass(frozen=True, slots=True)
class CheckedCoverage:
    payer_id: int
    member_id: str
    group_no: str | None
    relationship: str
    priority: int
    effective_from: date
    effective_to: date | None
    subscriber_first_name: str | None
    subscriber_last_name: str | None
    subscriber_dob: date | None
    subscriber_sex: str | None = None
    """None when the patient is the subscriber (the patient's own sex is stored then)."""


def check_coverage(form: CoverageForm) -> tuple[CheckedCoverage | None, list[FieldError]]:
    """Typed coverage, or the errors that stop it being saved."""
    errors: list[FieldError] = []
    if form.payer_id is None:
        errors.append(FieldError("payer", "Choose the payer"))
    member = form.member_id.strip().upper()
    if not member:
        errors.append(FieldError("member_id", "Member ID is required (it is on the card)"))
    elif not re.fullmatch(r"[A-Z0-9-]{2,80}", member):
        errors.append(FieldError("member_id", "Member ID may have only letters, digits and -"))
    relationship = form.relationship.strip().upper() or "18"
    if relationship not in RELATIONSHIPS:
        errors.append(
            FieldError(
                "relationship", "Relationship must be 18 self, 01 spouse, 19 child or G8 other"
            )
        )
    priority_text = form.priority.strip() or "1"
    if priority_text not in ("1", "2", "3"):
        errors.append(FieldError("priority", "Priority must be 1 (primary), 2 or 3"))
    start = _date(errors, "effective_from", "Effective date", form.effective_from)
    end = _date(errors, "effective_to", "End date", form.effective_to, required=False)
    if start and end and end < start:
        errors.append(FieldError("effective_to", "End date is before the effective date"))
    sub_first = form.subscriber_first_name.strip() or None
    sub_last = form.subscriber_last_name.strip() or None
    sub_dob = _date(
        errors, "subscriber_dob", "Subscriber's date of birth", form.subscriber_dob, required=False
    )
    if relationship != "18" and relationship in RELATIONSHIPS and not (sub_first and sub_last):
        errors.append(
            FieldError(
                "subscriber_last_name",
                "The patient is not the subscriber: enter the subscriber's name",
            )
        )
    sub_sex = None
    if relationship != "18" and relationship in RELATIONSHIPS:
        sub_sex = form.subscriber_sex.strip().upper()
        if sub_sex not in ("F", "M", "U"):
            errors.append(
                FieldError(
                    "subscriber_sex",
                    "Subscriber's sex: enter F, M, or U if not known",
                )
            )
    if errors or start is None or form.payer_id is None:
        return None, errors
    return CheckedCoverage(
        form.payer_id,
        member,
        form.group_no.strip() or None,
        relationship,
        int(priority_text),
        start,
        end,
        sub_first,
        sub_last,
        sub_dob,
        sub_sex,
    ), errors


@dataclass(frozen=True, slots=True)
class CheckedAuthorization:
    status: str
    codes: str
    visits_allowed: int | None
    start_date: date | None
    end_date: date | None
    number: str | None
    follow_up_on: date | None


def check_authorization(
    form: AuthorizationForm,
) -> tuple[CheckedAuthorization | None, list[FieldError]]:
    """Typed authorization, or the errors that stop it being saved."""
    errors: list[FieldError] = []
    status = form.status.strip().lower()
    if status not in AUTH_STATUSES:
        errors.append(FieldError("status", "Status must be pending, approved or denied"))
    codes = " ".join(form.codes.replace(",", " ").upper().split())
    if any(not re.fullmatch(r"[0-9]{4}[0-9FTU]|[A-V][0-9]{4}", c) for c in codes.split()):
        errors.append(FieldError("codes", "Codes must be CPT or HCPCS codes separated by spaces"))
    visits: int | None = None
    if form.visits_allowed.strip():
        if not form.visits_allowed.strip().isdigit() or int(form.visits_allowed) < 1:
            errors.append(FieldError("visits_allowed", "Visits must be a whole number above 0"))
        else:
            visits = int(form.visits_allowed)
    start = _date(errors, "start_date", "Start date", form.start_date, required=False)
    end = _date(errors, "end_date", "End date", form.end_date, required=False)
    if start and end and end < start:
        errors.append(FieldError("end_date", "End date is before the start date"))
    number = form.number.strip() or None
    if status == "approved" and not number:
        errors.append(FieldError("number", "An approved authorization needs the payer's number"))
    follow = _date(errors, "follow_up_on", "Follow-up date", form.follow_up_on, required=False)
    if errors:
        return None, errors
    return CheckedAuthorization(status, codes, visits, start, end, number, follow), errors
