"""Opening balances as one CSV (`medbill balances import`): the open A/R a practice brings
from its old system, one row per balance (pure; accounts and payers are looked up later)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from medbill_tui.domain.encounter_form import parse_date
from medbill_tui.domain.patient_import import RowError

COLUMNS = ("account", "date_of_service", "responsibility", "amount", "original_claim_no")
REQUIRED = frozenset(COLUMNS) - {"original_claim_no"}
PATIENT = "PATIENT"
_CLAIM_NO = re.compile(r"^[A-Za-z0-9-]{1,38}$")


@dataclass(frozen=True, slots=True)
class OpeningBalanceRow:
    line: int
    account: str
    """Upper case, as the import matches it."""
    service_date: date
    payer_code: str | None
    """The payer that owes it (upper case); None: the patient."""
    amount: Decimal
    original_claim_no: str

    @property
    def memo(self) -> str:
        claim = f" (original claim {self.original_claim_no})" if self.original_claim_no else ""
        return f"opening balance{claim}"


def parse_balances(content: str, today: date) -> tuple[list[OpeningBalanceRow], list[RowError]]:
    """Every row of the file, or its errors by line and field (a wrong header: line 1)."""
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    errors = [RowError(1, h or "(blank)", "is not a column") for h in header if h not in COLUMNS]
    errors += [RowError(1, c, "column is missing") for c in sorted(REQUIRED - set(header))]
    if errors:
        return [], errors
    reader.fieldnames = header
    rows: list[OpeningBalanceRow] = []
    seen: dict[tuple[str, date, str | None, str], int] = {}
    line = 2
    for raw in reader:
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if any(values.values()):
            row = _row(line, values, today, errors)
            if row is not None:
                key = (row.account, row.service_date, row.payer_code, row.original_claim_no)
                if key in seen:
                    errors.append(RowError(line, "row", f"repeats line {seen[key]}"))
                else:
                    seen[key] = line
                    rows.append(row)
        line = reader.line_num + 1
    if not rows and not errors:
        errors.append(RowError(2, "row", "the file has no balances"))
    return rows, errors


def _row(
    line: int, values: dict[str, str], today: date, errors: list[RowError]
) -> OpeningBalanceRow | None:
    before = len(errors)
    account = values.get("account", "").upper()
    if not account:
        errors.append(RowError(line, "account", "is required"))
    dos = parse_date(values.get("date_of_service", ""))
    if dos is None:
        errors.append(RowError(line, "date_of_service", "is not a date (YYYY-MM-DD or MM/DD/YYYY)"))
    elif dos > today:
        errors.append(RowError(line, "date_of_service", "is in the future"))
    who = values.get("responsibility", "").upper()
    if not who:
        errors.append(RowError(line, "responsibility", "is required: a payer id or 'patient'"))
    amount = _amount(values.get("amount", ""))
    if amount is None:
        errors.append(RowError(line, "amount", "is not an amount over 0 with at most 2 decimals"))
    claim_no = values.get("original_claim_no", "")
    if claim_no and not _CLAIM_NO.match(claim_no):
        errors.append(RowError(line, "original_claim_no", "up to 38 letters, digits and -"))
    if len(errors) > before or dos is None or amount is None:
        return None
    return OpeningBalanceRow(line, account, dos, None if who == PATIENT else who, amount, claim_no)


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("$", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return value.quantize(Decimal("0.01"))
