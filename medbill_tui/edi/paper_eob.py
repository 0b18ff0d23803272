"""A paper EOB keyed by hand, read into the same records as an 835 payment.

A keyed batch is a CSV file with a header row and one row per service line (or one claim-level
row for a claim the payer answered without lines):

    payer,check_no,check_date,check_amount,claim,code,charge,allowed,paid,adjustments,...
    ACME HEALTH,100234,10/15/2026,76.80,C100001,99213,150.00,96.00,76.80,CO-45:54.00 PR-2:19.20

(the remaining columns: patient_resp, remarks, payer_claim_no).

`adjustments` is space-separated GROUP-CARC:AMOUNT; `remarks` space-separated RARCs;
`patient_resp` (optional) must equal the line's PR adjustments; `payer_claim_no` (optional)
is the payer's number for the claim. A row with no `code` is a
claim-level row (its `charge` is the claim's). Rows of one check (payer + check number) make
one `Remit835` whose trace number is the check number, so a check posts exactly once, like an
835. Nothing here reads the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from medbill_tui.edi.x835_records import (
    Adjustment,
    ClaimPay,
    Remit835,
    ServicePay,
    claim_balance_errors,
    claim_sign_errors,
    payment_sign_error,
    remit_balance_error,
)

COLUMNS = (
    "payer",
    "check_no",
    "check_date",
    "check_amount",
    "claim",
    "code",
    "charge",
    "allowed",
    "paid",
    "adjustments",
    "patient_resp",
    "remarks",
    "payer_claim_no",
)
REQUIRED = ("payer", "check_no", "check_date", "check_amount", "claim", "charge", "paid")
GROUPS = frozenset({"CO", "PR", "OA", "PI", "CR"})
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class EobUnreadable(ValueError):
    """The keyed batch cannot be read; the message names the row and the column."""


@dataclass(frozen=True, slots=True)
class KeyedLine:
    """One keyed row of the EOB: a service line, or the claim itself when `code` is blank."""

    row: int
    code: str
    charge: Decimal
    allowed: Decimal | None
    paid: Decimal
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]


@dataclass(slots=True)
class KeyedClaim:
    """One claim on the check, with its keyed rows in order."""

    claim_no: str
    payer_claim_no: str = ""
    lines: list[KeyedLine] = field(default_factory=list)

    def to_claim_pay(self) -> ClaimPay:
        """The claim as an 835 CLP: denied (CLP02 = 4) when nothing was paid or left to the
        patient, else processed (1); the posting reads the claim's own payer order."""
        services = tuple(_service(x) for x in self.lines if x.code)
        level = [x for x in self.lines if not x.code]
        claim_adj = tuple(a for x in level for a in x.adjustments)
        charge = sum((x.charge for x in self.lines), ZERO)
        paid = sum((x.paid for x in self.lines), ZERO)
        every = claim_adj + tuple(a for s in services for a in s.adjustments)
        patient = sum((a.amount for a in every if a.group == "PR"), ZERO)
        status = "4" if not paid and not patient else "1"
        remarks = tuple(r for x in level for r in x.remarks)
        pcc = self.payer_claim_no
        return ClaimPay(
            self.claim_no, status, charge, paid, patient, "", pcc, "", "1", claim_adj,
            services, remarks, "", "", "", "", None, None, None,
        )  # fmt: skip


@dataclass(slots=True)
class KeyedCheck:
    """One paper check: payer (name or payer code), number, date, amount, and its claims."""

    payer: str
    check_no: str
    check_date: date
    amount: Decimal
    claims: dict[str, KeyedClaim] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.payer.upper(), self.check_no)

    def to_remit(self) -> Remit835:
        """The check as one 835 payment (trace number = check number, method CHK)."""
        return Remit835(
            self.payer, self.payer, "", "", "", "", self.check_no, "C", "C", "CHK",
            self.amount, self.check_date, None, "", "", (),
            claims=tuple(c.to_claim_pay() for c in self.claims.values()),
        )  # fmt: skip

    def problems(self) -> list[str]:
        """Why the check may not be posted: wrong signs, a line or claim that does not
        balance, or claims paid that do not add up to the check (empty: it may)."""
        remit = self.to_remit()
        out = [w for w in (payment_sign_error(remit),) if w]
        for claim in self.claims.values():
            if any(x.code for x in claim.lines) and any(not x.code for x in claim.lines):
                out.append(
                    f"claim {claim.claim_no}: key its adjustments on its lines or on one "
                    f"claim-level row, not both"
                )
        for cp in remit.claims:
            out += claim_sign_errors(cp)
            out += claim_balance_errors(cp)
        total = remit_balance_error(remit)
        if total:
            paid = sum((c.paid for c in remit.claims), ZERO)
            out.append(
                f"check {self.check_no}: the claims paid {paid}, the check is {self.amount} "
                f"(off by {self.amount - paid})"
            )
        return out

    @property
    def paid(self) -> Decimal:
        """What the keyed claims paid so far (the running total against the check)."""
        return sum((x.paid for c in self.claims.values() for x in c.lines), ZERO)


def _service(line: KeyedLine) -> ServicePay:
    return ServicePay(
        line.code, "HC", (), line.charge, line.paid, Decimal(1), None, None,
        line.adjustments, line.remarks, line.allowed, "",
    )  # fmt: skip


def read_keyed_eob(text: str) -> list[KeyedCheck]:
    """The checks of a keyed batch in file order; `EobUnreadable` names the first bad cell."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise EobUnreadable(f"the header lacks {', '.join(missing)} (columns: {','.join(COLUMNS)})")
    reader.fieldnames = header
    checks: dict[tuple[str, str], KeyedCheck] = {}
    for number, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        check = _check_of(row, number)
        prior = checks.setdefault(check.key, check)
        if (prior.amount, prior.check_date) != (check.amount, check.check_date):
            raise EobUnreadable(
                f"row {number}: check {check.check_no} has another amount or date than on an "
                f"earlier row"
            )
        claim_no = _required(row, "claim", number).upper()
        claim = prior.claims.setdefault(claim_no, KeyedClaim(claim_no))
        claim.payer_claim_no = claim.payer_claim_no or row.get("payer_claim_no", "")
        claim.lines.append(keyed_line(row, number))
    if not checks:
        raise EobUnreadable("the file has no rows under its header")
    return list(checks.values())


def _check_of(row: dict[str, str], number: int) -> KeyedCheck:
    return KeyedCheck(
        _required(row, "payer", number),
        _required(row, "check_no", number),
        parse_day(_required(row, "check_date", number), f"row {number}: check_date"),
        parse_amount(_required(row, "check_amount", number), f"row {number}: check_amount"),
    )


def keyed_line(row: dict[str, str], number: int, where: str = "") -> KeyedLine:
    """One service (or claim-level) row: its money, adjustments and remarks (`where` names it
    in a refusal; by default "row N")."""
    where = where or f"row {number}"
    adjustments = parse_adjustments(row.get("adjustments", ""), where)
    allowed_raw = row.get("allowed", "")
    allowed = parse_amount(allowed_raw, f"{where}: allowed") if allowed_raw else None
    line = KeyedLine(
        number,
        row.get("code", "").upper(),
        parse_amount(_required(row, "charge", where), f"{where}: charge"),
        allowed,
        parse_amount(_required(row, "paid", where), f"{where}: paid"),
        adjustments,
        tuple(r.upper() for r in row.get("remarks", "").split()),
    )
    resp_raw = row.get("patient_resp", "")
    if resp_raw:
        resp = parse_amount(resp_raw, f"{where}: patient_resp")
        keyed_pr = sum((a.amount for a in adjustments if a.group == "PR"), ZERO)
        if resp != keyed_pr:
            raise EobUnreadable(
                f"{where}: patient_resp {resp} is not the PR adjustments ({keyed_pr})"
            )
    return line


def parse_adjustments(text: str, where: str) -> tuple[Adjustment, ...]:
    """`CO-45:54.00 PR-2:19.20` as adjustments (group, CARC, amount)."""
    out: list[Adjustment] = []
    for item in text.replace(",", " ").split():
        code, _, amount = item.partition(":")
        group, _, carc = code.upper().partition("-")
        if group not in GROUPS or not carc or not amount:
            raise EobUnreadable(
                f"{where}: adjustment {item!r} is not GROUP-CARC:AMOUNT "
                f"(group one of {', '.join(sorted(GROUPS))}), e.g. CO-45:54.00"
            )
        out.append(Adjustment(group, carc, parse_amount(amount, f"{where}: adjustment {item}")))
    return tuple(out)


def parse_amount(text: str, where: str) -> Decimal:
    """Dollars and cents (`1,234.50`, `$40`), at most two decimals."""
    try:
        value = Decimal(text.replace("$", "").replace(",", ""))
    except InvalidOperation:
        raise EobUnreadable(f"{where}: {text!r} is not an amount") from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise EobUnreadable(f"{where}: {text!r} is not dollars and cents")
    return value.quantize(CENT)


def parse_day(text: str, where: str) -> date:
    """MM/DD/YYYY or YYYY-MM-DD."""
    for pattern in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise EobUnreadable(f"{where}: {text!r} is not a date (MM/DD/YYYY)")


def _required(row: dict[str, str], column: str, number: int | str) -> str:
    value = row.get(column, "")
    if not value:
        where = number if isinstance(number, str) else f"row {number}"
        raise EobUnreadable(f"{where}: {column} is empty")
    return value


def check_date_problems(check: KeyedCheck, today: date, dos: Mapping[str, date]) -> list[str]:
    """Why the check's date cannot be right: after today (a check not yet written), or before
    the date of service of a claim on it (`dos`, by claim number: a payer pays for a visit only
    after it happened). Empty when it can."""
    day = f"{check.check_date:%m/%d/%Y}"
    if check.check_date > today:
        return [f"check {check.check_no}: the check date {day} is after today ({today:%m/%d/%Y})"]
    return [
        f"check {check.check_no}: the check date {day} is before claim {claim_no}'s date of "
        f"service ({dos[claim_no]:%m/%d/%Y})"
        for claim_no in check.claims
        if claim_no in dos and check.check_date < dos[claim_no]
    ]


def every_problem(checks: Iterable[KeyedCheck]) -> list[str]:
    """The problems of every check in the batch."""
    return [p for c in checks for p in c.problems()]
