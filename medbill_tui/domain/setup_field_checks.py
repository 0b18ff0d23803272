"""Checks of one practice-setup field's value (pure): NPI, EIN, ZIP, taxonomy and phone, and
the X12 code lists a setup's values come from. The setup file (domain/practice_setup.py) and
the setup screens' forms (domain/setup_forms.py) both check with these."""

from __future__ import annotations

import re

from medbill_tui.domain.npi import npi_is_valid

_SBR09 = "11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ"
_NO_EIN = "00 07 08 09 17 18 19 28 29 49 69 70 78 79 89"

CLAIM_FILING_INDICATORS = frozenset(_SBR09.split())
"""X12 837P SBR09 values (CI commercial, MB Medicare Part B, MC Medicaid, BL Blue Cross, …)."""

INVALID_EIN_PREFIXES = frozenset(_NO_EIN.split())
"""Two-digit prefixes the IRS does not issue employer identification numbers with."""

_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def npi_problem(value: str, entity_type: int) -> str | None:
    """Why `value` is not an NPI of that type (1 person, 2 organization), or None."""
    npi = value.strip()
    if not re.fullmatch(r"[0-9]{10}", npi):
        return "an NPI is 10 digits"
    if not npi_is_valid(npi):
        return f"{npi} fails the NPI check digit"
    if entity_type == 2 and npi[0] != "2":
        return "the billing provider's NPI is an organization's (type 2, it starts with 2)"
    if entity_type == 1 and npi[0] != "1":
        return "a rendering provider's NPI is a person's (type 1, it starts with 1)"
    return None


def tin_problem(value: str) -> str | None:
    """Why `value` is not an employer identification number (12-3456789), or None."""
    tin = digits(value)
    if not re.fullmatch(r"[0-9]{2}-?[0-9]{7}", value.strip()) or len(tin) != 9:
        return "a TIN is 9 digits (12-3456789)"
    if tin[:2] in INVALID_EIN_PREFIXES:
        return f"no EIN starts with {tin[:2]}"
    return None


def zip4_problem(value: str) -> str | None:
    """Why `value` is not a ZIP+4 (12345-6789), or None."""
    if not re.fullmatch(r"[0-9]{5}-?[0-9]{4}", value.strip()):
        return "the ZIP+4 is 9 digits (12345-6789)"
    return None


def zip_problem(value: str) -> str | None:
    """Why `value` is not a ZIP code (12345 or 12345-6789), or None."""
    if not re.fullmatch(r"[0-9]{5}(-?[0-9]{4})?", value.strip()):
        return "a ZIP code is 5 or 9 digits (12345 or 12345-6789)"
    return None


def taxonomy_problem(value: str) -> str | None:
    """Why `value` is not a provider taxonomy code (e.g. 207Q00000X), or None."""
    if not _TAXONOMY.match(value.strip().upper()):
        return "a taxonomy code is 10 characters ending in X (e.g. 207Q00000X)"
    return None


def phone_problem(value: str) -> str | None:
    if len(digits(value)) != 10:
        return "a phone number has 10 digits"
    return None
