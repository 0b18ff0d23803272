"""A practice's setup as data (pure): the billing provider, rendering providers, clearinghouses
and payers, checked field by field (domain/setup_field_checks.py), read from and written to
plain dicts (TOML, JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from medbill_tui.domain.scrub_rules import US_STATES
from medbill_tui.domain.setup_field_checks import (
    CLAIM_FILING_INDICATORS,
    digits,
    npi_problem,
    phone_problem,
    taxonomy_problem,
    tin_problem,
    zip4_problem,
    zip_problem,
)

_X12_ID = re.compile(r"^[A-Za-z0-9 ]{2,15}$")
_PAYER_ID = re.compile(r"^[A-Za-z0-9-]{2,80}$")
USAGES = {"test": "T", "production": "P"}


@dataclass(frozen=True, slots=True)
class SetupError:
    """A field that stops the setup being saved; `field` is its path (`payers[2].payer_id`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class BillingProviderSetup:
    name: str
    npi: str
    tin: str
    taxonomy: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str


@dataclass(frozen=True, slots=True)
class RenderingProviderSetup:
    npi: str
    first_name: str
    last_name: str
    taxonomy: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class ClearinghouseSetup:
    name: str
    receiver_id: str
    submitter_id: str
    submitter_name: str
    contact_name: str
    contact_phone: str
    usage: str
    """T (test) or P (production): ISA15 of the files sent there."""
    is_default: bool


@dataclass(frozen=True, slots=True)
class PayerSetup:
    payer_id: str
    name: str
    claim_filing_indicator: str
    clearinghouse: str | None
    """The clearinghouse's name (None: the default one)."""
    timely_filing_days: int
    appeal_days: int
    payment_timer_days: int | None
    auth_required_codes: str = ""
    address: tuple[str, str, str, str, str] = ("", "", "", "", "")
    """Line 1, line 2, city, state, ZIP (digits): where paper claims and appeals go."""
    paper: bool = False
    """Claims are printed (CMS-1500), not sent as 837P."""
    secondary_electronic: bool = True
    """The payer takes secondary claims electronically."""


@dataclass(frozen=True, slots=True)
class PracticeSetup:
    practice: BillingProviderSetup
    providers: tuple[RenderingProviderSetup, ...]
    clearinghouses: tuple[ClearinghouseSetup, ...]
    payers: tuple[PayerSetup, ...]


class _Fields:
    """Reads one table of the setup, collecting errors under its path."""

    def __init__(self, data: object, path: str, errors: list[SetupError]) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.path = path
        self.errors = errors
        if not isinstance(data, dict):
            self.fail("", "must be a table")

    def fail(self, key: str, message: str) -> None:
        self.errors.append(SetupError(f"{self.path}.{key}" if key else self.path, message))

    def text(self, key: str, max_len: int, *, required: bool = True) -> str:
        value = self.data.get(key, "")
        if not isinstance(value, str):
            self.fail(key, "must be text")
            return ""
        found = str(value).strip()
        if required and not found:
            self.fail(key, "is required")
        elif len(found) > max_len:
            self.fail(key, f"is longer than {max_len} characters")
        return found

    def checked(self, key: str, problem: str | None) -> None:
        if problem is not None and not any(e.field == f"{self.path}.{key}" for e in self.errors):
            self.fail(key, problem)

    def days(self, key: str, default: int | None) -> int | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
            self.fail(key, "must be a whole number of days from 1 to 3650")
            return default
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return default
        return value


def _practice(data: object, errors: list[SetupError]) -> BillingProviderSetup:
    f = _Fields(data, "practice", errors)
    name = f.text("name", 60)
    npi = f.text("npi", 10)
    f.checked("npi", npi_problem(npi, 2) if npi else None)
    tin = f.text("tin", 10)
    f.checked("tin", tin_problem(tin) if tin else None)
    taxonomy = f.text("taxonomy", 10).upper()
    f.checked("taxonomy", taxonomy_problem(taxonomy) if taxonomy else None)
    address1 = f.text("address1", 55)
    city = f.text("city", 30)
    state = f.text("state", 2).upper()
    f.checked("state", None if state in US_STATES or not state else f"{state!r} is not a state")
    zip_code = f.text("zip", 10)
    f.checked("zip", zip4_problem(zip_code) if zip_code else None)
    phone = f.text("phone", 20)
    f.checked("phone", phone_problem(phone) if phone else None)
    return BillingProviderSetup(
        name, npi, digits(tin), taxonomy, address1, city, state, digits(zip_code), digits(phone)
    )


def _provider(data: object, path: str, errors: list[SetupError]) -> RenderingProviderSetup:
    f = _Fields(data, path, errors)
    npi = f.text("npi", 10)
    f.checked("npi", npi_problem(npi, 1) if npi else None)
    first = f.text("first_name", 35)
    last = f.text("last_name", 60)
    taxonomy = f.text("taxonomy", 10).upper()
    f.checked("taxonomy", taxonomy_problem(taxonomy) if taxonomy else None)
    return RenderingProviderSetup(npi, first, last, taxonomy, f.flag("active", True))


def _clearinghouse(data: object, path: str, errors: list[SetupError]) -> ClearinghouseSetup:
    f = _Fields(data, path, errors)
    name = f.text("name", 60)
    ids = {key: f.text(key, 15) for key in ("receiver_id", "submitter_id")}
    for key, value in ids.items():
        f.checked(key, None if not value or _X12_ID.match(value) else "2 to 15 letters or digits")
    submitter_name = f.text("submitter_name", 60)
    contact = f.text("contact_name", 60)
    phone = f.text("contact_phone", 20)
    f.checked("contact_phone", phone_problem(phone) if phone else None)
    usage = f.text("usage", 10).lower()
    f.checked("usage", None if usage in USAGES or not usage else "is test or production")
    return ClearinghouseSetup(
        name,
        ids["receiver_id"],
        ids["submitter_id"],
        submitter_name,
        contact,
        digits(phone),
        USAGES.get(usage, "T"),
        f.flag("default", False),
    )


def _payer(data: object, path: str, errors: list[SetupError]) -> PayerSetup:
    f = _Fields(data, path, errors)
    payer_id = f.text("payer_id", 80)
    bad_id = payer_id and not _PAYER_ID.match(payer_id)
    f.checked("payer_id", "2 to 80 letters, digits and -" if bad_id else None)
    name = f.text("name", 60)
    cfi = f.text("claim_filing_indicator", 2).upper()
    f.checked(
        "claim_filing_indicator",
        None if cfi in CLAIM_FILING_INDICATORS or not cfi else f"{cfi!r} is not an SBR09 code",
    )
    clearinghouse = f.text("clearinghouse", 60, required=False) or None
    codes = f.text("auth_required_codes", 2000, required=False)
    line1 = f.text("address_line1", 55, required=False)
    line2 = f.text("address_line2", 55, required=False)
    city = f.text("city", 30, required=False)
    state = f.text("state", 2, required=False).upper()
    f.checked("state", None if state in US_STATES or not state else f"{state!r} is not a state")
    zip_code = f.text("zip", 10, required=False)
    f.checked("zip", zip_problem(zip_code) if zip_code else None)
    if any((line1, line2, city, state, zip_code)) and not (line1 and city and state and zip_code):
        f.fail("address_line1", "an address needs address_line1, city, state and zip")
    return PayerSetup(
        payer_id,
        name,
        cfi,
        clearinghouse,
        f.days("timely_filing_days", 365) or 365,
        f.days("appeal_days", 180) or 180,
        f.days("payment_timer_days", None),
        " ".join(codes.split()),
        (line1, line2, city, state, digits(zip_code)),
        f.flag("paper", False),
        f.flag("secondary_electronic", True),
    )


def _tables(data: dict[str, Any], key: str, errors: list[SetupError]) -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        errors.append(SetupError(key, "must be a list of tables ([[" + key + "]])"))
        return []
    return value


def parse_setup(data: dict[str, Any]) -> tuple[PracticeSetup | None, list[SetupError]]:
    """The setup in `data` (as read from TOML or JSON), or every error that stops it."""
    errors: list[SetupError] = []
    unknown = sorted(set(data) - {"practice", "providers", "clearinghouses", "payers"})
    errors += [SetupError(key, "is not part of a practice's setup") for key in unknown]
    practice = _practice(data.get("practice"), errors)
    providers = [
        _provider(p, f"providers[{i}]", errors)
        for i, p in enumerate(_tables(data, "providers", errors), 1)
    ]
    houses = [
        _clearinghouse(c, f"clearinghouses[{i}]", errors)
        for i, c in enumerate(_tables(data, "clearinghouses", errors), 1)
    ]
    payers = [
        _payer(p, f"payers[{i}]", errors) for i, p in enumerate(_tables(data, "payers", errors), 1)
    ]
    for key, rows in (("providers", providers), ("clearinghouses", houses), ("payers", payers)):
        if not rows:
            errors.append(SetupError(key, "at least one is required"))
    _no_repeats(errors, "providers", "npi", [p.npi for p in providers])
    _no_repeats(errors, "payers", "payer_id", [p.payer_id.upper() for p in payers])
    _no_repeats(errors, "clearinghouses", "name", [c.name for c in houses])
    names = {c.name for c in houses}
    for i, payer in enumerate(payers, 1):
        if payer.clearinghouse is not None and payer.clearinghouse not in names:
            errors.append(
                SetupError(
                    f"payers[{i}].clearinghouse",
                    f"no clearinghouse is named {payer.clearinghouse!r}",
                )
            )
    if sum(c.is_default for c in houses) > 1:
        errors.append(SetupError("clearinghouses", "only one may be the default"))
    elif houses and not any(c.is_default for c in houses):
        houses[0] = _as_default(houses[0])
    if errors:
        return None, errors
    return PracticeSetup(practice, tuple(providers), tuple(houses), tuple(payers)), errors


def _as_default(house: ClearinghouseSetup) -> ClearinghouseSetup:
    return ClearinghouseSetup(
        house.name,
        house.receiver_id,
        house.submitter_id,
        house.submitter_name,
        house.contact_name,
        house.contact_phone,
        house.usage,
        True,
    )


def _no_repeats(errors: list[SetupError], table: str, key: str, values: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(values, 1):
        if value and value in seen:
            errors.append(
                SetupError(f"{table}[{i}].{key}", f"{value} is already {table}[{seen[value]}]'s")
            )
        seen.setdefault(value, i)


def setup_as_dict(setup: PracticeSetup) -> dict[str, Any]:
    """The setup as `parse_setup` reads it back (what `medbill practice show` prints)."""
    p = setup.practice
    return {
        "practice": {
            "name": p.name,
            "npi": p.npi,
            "tin": f"{p.tin[:2]}-{p.tin[2:]}",
            "taxonomy": p.taxonomy,
            "address1": p.address1,
            "city": p.city,
            "state": p.state,
            "zip": f"{p.zip[:5]}-{p.zip[5:]}",
            "phone": p.phone,
        },
        "providers": [
            {
                "npi": r.npi,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "taxonomy": r.taxonomy,
                "active": r.active,
            }
            for r in setup.providers
        ],
        "clearinghouses": [
            {
                "name": c.name,
                "receiver_id": c.receiver_id,
                "submitter_id": c.submitter_id,
                "submitter_name": c.submitter_name,
                "contact_name": c.contact_name,
                "contact_phone": c.contact_phone,
                "usage": "production" if c.usage == "P" else "test",
                "default": c.is_default,
            }
            for c in setup.clearinghouses
        ],
        "payers": [_payer_dict(py) for py in setup.payers],
    }


def _payer_dict(payer: PayerSetup) -> dict[str, Any]:
    out: dict[str, Any] = {
        "payer_id": payer.payer_id,
        "name": payer.name,
        "claim_filing_indicator": payer.claim_filing_indicator,
    }
    if payer.clearinghouse is not None:
        out["clearinghouse"] = payer.clearinghouse
    out["timely_filing_days"] = payer.timely_filing_days
    out["appeal_days"] = payer.appeal_days
    if payer.payment_timer_days is not None:
        out["payment_timer_days"] = payer.payment_timer_days
    if payer.auth_required_codes:
        out["auth_required_codes"] = payer.auth_required_codes
    line1, line2, city, state, zip_code = payer.address
    if line1:
        out["address_line1"] = line1
        if line2:
            out["address_line2"] = line2
        out["city"] = city
        out["state"] = state
        out["zip"] = zip_code if len(zip_code) != 9 else f"{zip_code[:5]}-{zip_code[5:]}"
    out["paper"] = payer.paper
    out["secondary_electronic"] = payer.secondary_electronic
    return out


def read_clearinghouse(data: dict[str, Any]) -> tuple[ClearinghouseSetup, list[SetupError]]:
    """One clearinghouse as a setup screen gives it (the TOML's field names), checked."""
    errors: list[SetupError] = []
    return _clearinghouse(data, "clearinghouse", errors), errors
