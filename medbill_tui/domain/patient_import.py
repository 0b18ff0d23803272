"""A practice's patients as one CSV (`medbill patients import`): the columns, each row checked
as the patient and coverage forms check them (pure; payers are looked up by the caller)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from medbill_tui.domain.patient_rules import (
    CheckedCoverage,
    CheckedPatient,
    check_coverage,
    check_patient,
)
from medbill_tui.records.forms import CoverageForm, PatientForm

PATIENT_COLUMNS = (
    "account_no",
    "last_name",
    "first_name",
    "dob",
    "sex",
    "address1",
    "city",
    "state",
    "zip",
    "phone",
)
REQUIRED_COLUMNS = frozenset(("last_name", "first_name", "dob", "sex", "address1", "city"))
REQUIRED_COLUMNS |= {"state", "zip"}
COVERAGE_FIELDS = (
    "payer_id",
    "member_id",
    "group_no",
    "relationship",
    "effective_from",
    "effective_to",
    "subscriber_last_name",
    "subscriber_first_name",
    "subscriber_dob",
    "subscriber_sex",
)
COVERAGE_COLUMNS = tuple(f"cov{n}_{field}" for n in (1, 2, 3) for field in COVERAGE_FIELDS)
ALL_COLUMNS = PATIENT_COLUMNS + COVERAGE_COLUMNS
_ACCOUNT = re.compile(r"^[A-Z0-9-]{1,20}$")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportedPatient:
    line: int
    account_no: str | None
    """The account number the old system used, kept (None: the next A-number)."""
    patient: CheckedPatient
    coverages: tuple[CheckedCoverage, ...]


def name_key(last: str, first: str, dob: date) -> tuple[str, str, date]:
    """What two patients share when they are likely the same: name (any case, no accents) + DOB."""

    def fold(name: str) -> str:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return plain.strip().lower()

    return fold(last), fold(first), dob


def read_rows(content: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The CSV's rows with their line numbers, or the header's errors (wrong columns)."""
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    errors = [RowError(1, h or "(blank)", "is not a column of the import") for h in header]
    errors = [e for e in errors if e.field not in ALL_COLUMNS]
    errors += [RowError(1, c, "column is missing") for c in sorted(REQUIRED_COLUMNS - set(header))]
    if len(set(header)) != len(header):
        errors.append(RowError(1, "header", "a column is named twice"))
    if errors:
        return [], errors
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    start = 2
    for row in reader:
        if None in row:
            errors.append(RowError(start, "row", "has more fields than the header"))
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(values.values()):
            rows.append((start, values))
        start = reader.line_num + 1
    return rows, errors


def check_rows(
    rows: list[tuple[int, dict[str, str]]], payers: dict[str, int], today: date
) -> tuple[list[ImportedPatient], list[RowError]]:
    """Each row as a patient with its coverages (payer ids looked up in `payers`, upper
    case), or its errors; also refuses a repeat of an earlier row (account, name + DOB)."""
    patients: list[ImportedPatient] = []
    errors: list[RowError] = []
    seen_names: dict[tuple[str, str, date], int] = {}
    seen_accounts: dict[str, int] = {}
    for line, values in rows:
        before = len(errors)
        account = values.get("account_no", "").upper() or None
        if account is not None and not _ACCOUNT.match(account):
            errors.append(RowError(line, "account_no", "up to 20 letters, digits and -"))
        elif account is not None and account in seen_accounts:
            errors.append(RowError(line, "account_no", f"repeats line {seen_accounts[account]}"))
        v = values.get
        form = PatientForm(
            v("first_name", ""),
            v("last_name", ""),
            v("dob", ""),
            v("sex", ""),
            v("address1", ""),
            v("city", ""),
            v("state", ""),
            v("zip", ""),
            v("phone", ""),
        )
        patient, problems = check_patient(form, today)
        errors += [RowError(line, p.field, p.message) for p in problems]
        coverages = _coverages(line, values, payers, errors)
        if patient is not None:
            key = name_key(patient.last_name, patient.first_name, patient.dob)
            if key in seen_names:
                errors.append(
                    RowError(line, "name", f"same name and date of birth as line {seen_names[key]}")
                )
            seen_names.setdefault(key, line)
        if account is not None:
            seen_accounts.setdefault(account, line)
        if len(errors) == before and patient is not None:
            patients.append(ImportedPatient(line, account, patient, tuple(coverages)))
    return patients, errors


def _coverages(
    line: int, values: dict[str, str], payers: dict[str, int], errors: list[RowError]
) -> list[CheckedCoverage]:
    found: list[CheckedCoverage] = []
    for n in (1, 2, 3):
        fields = {f: values.get(f"cov{n}_{f}", "") for f in COVERAGE_FIELDS}
        if not any(fields.values()):
            continue
        payer_code = fields["payer_id"].upper()
        payer_id = payers.get(payer_code)
        if not payer_code:
            errors.append(RowError(line, f"cov{n}_payer_id", "is required for a coverage"))
        elif payer_id is None:
            errors.append(RowError(line, f"cov{n}_payer_id", f"{payer_code} is not a known payer"))
        form = CoverageForm(
            0,
            payer_id if payer_id is not None else 0,
            fields["member_id"],
            fields["group_no"],
            fields["relationship"],
            str(n),
            fields["effective_from"],
            fields["effective_to"],
            fields["subscriber_first_name"],
            fields["subscriber_last_name"],
            fields["subscriber_dob"],
            fields["subscriber_sex"],
        )
        checked, problems = check_coverage(form)
        errors += [RowError(line, f"cov{n}_{p.field}", p.message) for p in problems]
        if checked is not None and payer_id is not None:
            found.append(checked)
    return found
