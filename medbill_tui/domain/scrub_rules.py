"""Scrubber rules about the patient, coverage, providers, dates and authorization.

Each rule is a function of a `ScrubContext` yielding `Issue`s; `scrubber.RULES` registers them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from medbill_tui.domain.codes import clean_code, is_pos_format
from medbill_tui.domain.npi import npi_is_valid
from medbill_tui.domain.scrub_model import (
    Issue,
    LineEntry,
    ScrubContext,
    error,
    fmt_date,
    plural,
    show,
    warning,
)

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY "
    "AS GU MP PR VI AA AE AP"
)
US_STATES = frozenset(_STATE_CODES.split())
"""USPS codes: states, DC, territories and military post offices."""
ZIP_RE = re.compile(r"[0-9]{5}(?:-?[0-9]{4})?", re.ASCII)
SEX_CODES = frozenset({"M", "F", "U", "MALE", "FEMALE", "UNKNOWN"})
TIMELY_WARNING_DAYS = 30


def check_patient_name(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-NAME: first and last name present."""
    patient = ctx.enc.patient
    missing = [
        part
        for part, value in (("first", patient.first_name), ("last", patient.last_name))
        if not value.strip()
    ]
    if missing:
        yield error(
            "patient.name",
            f"Patient's {' and '.join(missing)} name is missing — enter it exactly as on "
            "the insurance card.",
        )


def check_dob(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-DOB: date of birth present and not after the visit or today."""
    dob, dos, today = ctx.enc.patient.dob, ctx.enc.dos, ctx.enc.today
    if dob is None:
        yield error(
            "patient.dob",
            "Patient's date of birth is missing — enter it from the registration form "
            "or insurance card.",
        )
    elif dob > today:
        yield error(
            "patient.dob",
            f"Patient's date of birth {fmt_date(dob)} is in the future — correct it.",
        )
    elif dos is not None and dob > dos:
        yield error(
            "patient.dob",
            f"Patient's date of birth {fmt_date(dob)} is after the date of service "
            f"{fmt_date(dos)} — correct the birth date or the date of service.",
        )


def check_sex(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-SEX: sex is M, F or U."""
    sex = ctx.enc.patient.sex
    if clean_code(sex) not in SEX_CODES:
        what = "missing" if not sex.strip() else f"'{show(sex)}', not M, F or U"
        yield error("patient.sex", f"Patient's sex is {what} — set it to M, F or U (unknown).")


def check_address(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-ADDRESS: street, city, 2-letter state and 5- or 9-digit ZIP."""
    patient = ctx.enc.patient
    problems: list[str] = []
    if not patient.address1.strip():
        problems.append("no street address")
    if not patient.city.strip():
        problems.append("no city")
    state = clean_code(patient.state)
    if not state:
        problems.append("no state")
    elif state not in US_STATES:
        problems.append(f"state '{show(patient.state)}' is not a 2-letter US state code (e.g. OH)")
    zip_code = patient.zip.strip()
    if not zip_code:
        problems.append("no ZIP code")
    elif not ZIP_RE.fullmatch(zip_code):
        problems.append(f"ZIP '{show(zip_code)}' must be 5 or 9 digits")
    if problems:
        yield error(
            "patient.address",
            f"Patient address is incomplete: {'; '.join(problems)} — complete it from the "
            "registration form.",
        )


def check_member_id(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-MEMBER-ID: an insured encounter has the subscriber's member ID."""
    coverage = ctx.enc.coverage
    if coverage is not None and not coverage.member_id.strip():
        yield error(
            "coverage.member_id",
            f"Member ID for {ctx.payer} is missing — copy it from the patient's insurance card.",
        )


_NPI_FIELDS = (
    ("provider.npi", "Rendering provider", "the provider's setup"),
    ("billing.npi", "Billing (practice)", "practice setup"),
)


def _npis(ctx: ScrubContext) -> Iterator[tuple[str, str, str, str]]:
    values = (ctx.enc.provider_npi, ctx.enc.billing_npi)
    for (path, who, where), value in zip(_NPI_FIELDS, values, strict=True):
        yield path, who, where, value.strip()


def check_npi_present(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-NPI: rendering and billing NPIs present."""
    for path, who, where, value in _npis(ctx):
        if not value:
            yield error(path, f"{who} NPI is missing — enter it in {where}.")


def check_npi_valid(ctx: ScrubContext) -> Iterator[Issue]:
    """NPI-CHECK: each NPI is 10 digits with a correct check digit."""
    for path, who, where, value in _npis(ctx):
        if not value or npi_is_valid(value):
            continue
        if len(value) != 10 or not value.isascii() or not value.isdigit():
            why = "an NPI is exactly 10 digits"
        else:
            why = "its last (check) digit does not match — a digit is probably mistyped"
        yield error(
            path,
            f"{who} NPI {show(value)} is not valid: {why}. Check it against the NPPES "
            f"registry and correct it in {where}.",
        )


def check_dos_present(ctx: ScrubContext) -> Iterator[Issue]:
    """REQ-DOS: date of service present."""
    if ctx.enc.dos is None:
        yield error("dos", "Date of service is missing — enter the date the patient was seen.")


def check_dos_future(ctx: ScrubContext) -> Iterator[Issue]:
    """DOS-FUTURE: date of service is not after today."""
    dos = ctx.enc.dos
    if dos is not None and dos > ctx.enc.today:
        yield error(
            "dos",
            f"Date of service {fmt_date(dos)} is in the future — correct the date, or bill "
            "after the visit has happened.",
        )


def check_eligibility(ctx: ScrubContext) -> Iterator[Issue]:
    """ELIG-INACTIVE: the payer's last eligibility answer does not say the coverage is active
    on the date of service (a warning: the biller checks again or picks another coverage)."""
    coverage, dos = ctx.enc.coverage, ctx.enc.dos
    if coverage is None or dos is None or not coverage.eligibility:
        return
    said, end = coverage.eligibility, coverage.eligibility_to
    ended = end is not None and dos > end
    if said == "active" and not ended:
        return
    when = fmt_date(coverage.eligibility_on) if coverage.eligibility_on else "lately"
    what = f"plan ended {fmt_date(end)}" if end is not None and ended else said
    yield warning(
        "coverage",
        f"{ctx.payer} answered eligibility on {when}: {what} — check eligibility again "
        "(ctrl+l or F5) or pick the coverage in effect that day.",
    )


def check_dos_coverage(ctx: ScrubContext) -> Iterator[Issue]:
    """DOS-COVERAGE: date of service is inside the coverage's effective dates."""
    coverage, dos = ctx.enc.coverage, ctx.enc.dos
    if coverage is None or dos is None:
        return
    fix = "check the date, or pick the coverage that was in effect that day"
    if dos < coverage.effective_from:
        yield error(
            "coverage",
            f"Date of service {fmt_date(dos)} is before {ctx.payer} coverage starts "
            f"({fmt_date(coverage.effective_from)}) — {fix}.",
        )
    elif coverage.effective_to is not None and dos > coverage.effective_to:
        yield error(
            "coverage",
            f"Date of service {fmt_date(dos)} is after {ctx.payer} coverage ended "
            f"({fmt_date(coverage.effective_to)}) — {fix}.",
        )


def _plus_days(day: date, days: int) -> str:
    try:
        return fmt_date(day + timedelta(days=days))
    except OverflowError:
        return "unknown"


def check_timely_filing(ctx: ScrubContext) -> Iterator[Issue]:
    """TIMELY-FILING: error past the payer's filing limit, warning within 30 days of it."""
    coverage, dos, today = ctx.enc.coverage, ctx.enc.dos, ctx.enc.today
    if coverage is None or dos is None or dos > today or coverage.timely_filing_days <= 0:
        return
    limit = coverage.timely_filing_days
    elapsed = (today - dos).days
    left = limit - elapsed
    deadline = _plus_days(dos, limit)
    if left < 0:
        yield error(
            "dos",
            f"Past timely filing: {ctx.payer} allows {plural(limit, 'day')} from the date of "
            f"service and {elapsed} have passed (deadline was {deadline}). Bill only with "
            "proof of timely filing (an earlier submission or acceptance report); otherwise "
            "follow the write-off policy.",
        )
    elif left <= TIMELY_WARNING_DAYS:
        when = "today is the last day" if left == 0 else f"{plural(left, 'day')} left"
        yield warning(
            "dos",
            f"Timely filing: {when} to file with {ctx.payer} (deadline {deadline}) — "
            "submit this claim now.",
        )


def _lines_needing_auth(ctx: ScrubContext) -> list[LineEntry]:
    coverage = ctx.enc.coverage
    if coverage is None or not coverage.auth_required_codes:
        return []
    required = {clean_code(code) for code in coverage.auth_required_codes}
    return [entry for entry in ctx.lines if entry.code and entry.code in required]


def _describe(entries: list[LineEntry], word: str = "Line") -> str:
    numbers = ", ".join(str(entry.number) for entry in entries)
    codes = ", ".join(dict.fromkeys(show(entry.code) for entry in entries))
    return f"{word if len(entries) == 1 else word + 's'} {numbers} ({codes})"


def check_auth_missing(ctx: ScrubContext) -> Iterator[Issue]:
    """AUTH-MISSING: a code the payer wants pre-approved has no approved authorization."""
    needing = _lines_needing_auth(ctx)
    if not needing:
        return
    auth = ctx.enc.authorization
    need = f"{_describe(needing)} need{'s' if len(needing) == 1 else ''} prior authorization"
    if auth is None:
        yield error(
            "auth",
            f"{need} from {ctx.payer} and none is on file — get the authorization number "
            "from the payer and attach it before billing.",
        )
        return
    status = auth.status.strip().lower()
    number = (auth.number or "").strip()
    if status != "approved":
        which = f"authorization {show(number, 20)}" if number else "the authorization"
        state = f"is {show(status)}" if status else "has no status"
        fix = {
            "pending": "wait for the payer's approval before billing",
            "denied": "appeal the denial or get a new authorization before billing",
        }.get(status, "get it approved before billing")
        yield error("auth", f"{need}, but {which} {state}, not approved — {fix}.")
    elif not number:
        yield error(
            "auth",
            f"{need}: the authorization is approved but has no number — enter the number "
            f"{ctx.payer} gave (it goes on the claim).",
        )


def check_auth_usable(ctx: ScrubContext) -> Iterator[Issue]:
    """AUTH-EXHAUSTED: the approved authorization covers the date, visits and codes."""
    needing = _lines_needing_auth(ctx)
    auth, dos = ctx.enc.authorization, ctx.enc.dos
    if not needing or auth is None or auth.status.strip().lower() != "approved":
        return
    number = (auth.number or "").strip()
    name = f"Authorization {show(number, 20)}" if number else "The authorization"
    if dos is not None and (
        (auth.start is not None and dos < auth.start) or (auth.end is not None and dos > auth.end)
    ):
        start = fmt_date(auth.start) if auth.start else "the start"
        end = fmt_date(auth.end) if auth.end else "open end"
        yield error(
            "auth",
            f"{name} covers {start} to {end}; the date of service {fmt_date(dos)} is outside "
            f"it — ask {ctx.payer} for an extension or a new authorization.",
        )
    if auth.visits_allowed is not None and auth.visits_used >= auth.visits_allowed:
        yield error(
            "auth",
            f"{name} is used up: {auth.visits_used} of "
            f"{plural(auth.visits_allowed, 'approved visit')} already used — ask {ctx.payer} "
            "for more visits before billing.",
        )
    if auth.codes:
        covered = {clean_code(code) for code in auth.codes}
        outside = [entry for entry in needing if entry.code not in covered]
        if outside:
            yield error(
                "auth",
                f"{name} does not cover {_describe(outside, 'line')} — ask {ctx.payer} to add "
                "the code to it, or get a separate authorization.",
            )


def check_pos(ctx: ScrubContext) -> Iterator[Issue]:
    """POS-VALID: place of service is a known 2-digit code."""
    pos = ctx.enc.pos.strip()
    if not pos:
        yield error("pos", "Place of service is missing — enter the 2-digit code (11 = office).")
    elif not is_pos_format(pos):
        yield error(
            "pos",
            f"Place of service '{show(pos)}' is not a 2-digit code — use one such as 11 "
            "(office) or 10 (telehealth in the patient's home).",
        )
    elif ctx.codes.pos(pos) is None:
        yield error(
            "pos",
            f"Place of service {pos} is not a known code — pick one from the list (11 = office).",
        )
