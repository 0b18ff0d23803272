"""X12 code lists in plain words: CARC, RARC, claim status (277), 999 error codes.

The tables live in `medbill_tui/data/*.csv`, written in our own words; each is read once.
Every lookup answers something: an unknown code comes back as "unknown CARC 123", never dropped.
CARC and RARC words from a loaded official list (the database's `carc` / `rarc` tables) are
passed in by the caller and win over ours.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

ACK_KINDS = ("segment", "element", "status", "set", "group", "interchange")
"""Kinds of `ack_error_codes.csv`: IK304, IK403, IK501/AK901, IK502-6, AK905-9, TA105."""


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("medbill_tui").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _table(name: str) -> dict[str, str]:
    return {row["code"].strip(): row["description"].strip() for row in _read(name)}


@cache
def _ack_table() -> dict[tuple[str, str], str]:
    return {(r["kind"], r["code"]): r["description"] for r in _read("ack_error_codes.csv")}


def _norm(code: str) -> str:
    return (code or "").strip().upper()


def carc_words(code: str, official: str | None = None) -> str:
    """Claim Adjustment Reason Code (CAS02) in words, or "unknown CARC <code>".

    `official` is the code's words from a loaded official list (the `carc` table, see
    `medbill codes load --set carc`); when given they win over the words we ship.
    """
    code = _norm(code)
    return (official or "").strip() or _table("carc.csv").get(code) or f"unknown CARC {code}"


def rarc_words(code: str, official: str | None = None) -> str:
    """Remittance Advice Remark Code (LQ02, MOA, MIA) in words, or "unknown RARC <code>";
    `official` (from the `rarc` table) wins over the shipped words, as for `carc_words`."""
    code = _norm(code)
    return (official or "").strip() or _table("rarc.csv").get(code) or f"unknown RARC {code}"


def claim_status_category_words(code: str) -> str:
    """277 claim status category (STC01-1, code source 507) in words."""
    code = _norm(code)
    return _table("claim_status_category.csv").get(code) or f"unknown status category {code}"


def claim_status_words(code: str) -> str:
    """277 claim status code (STC01-2, code source 508) in words."""
    code = _norm(code)
    return _table("claim_status.csv").get(code) or f"unknown claim status {code}"


def entity_words(code: str) -> str:
    """Entity identifier (STC01-3, NM101) in words, e.g. 85 -> "the billing provider"."""
    code = _norm(code)
    return _table("entity_codes.csv").get(code) or f"entity {code}"


def ack_error_words(kind: str, code: str) -> str:
    """999/TA1 code in words. `kind` is one of `ACK_KINDS`."""
    if kind not in ACK_KINDS:
        raise ValueError(f"unknown acknowledgment code kind {kind!r}; use one of {ACK_KINDS}")
    code = _norm(code)
    return _ack_table().get((kind, code)) or f"unknown {kind} error code {code}"


CLAIM_PAYMENT_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of an earlier payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination pricing only, no payment",
}
"""835 CLP02 claim status in words."""


def claim_payment_status_words(code: str) -> str:
    """835 CLP02 (1 primary, 2 secondary, 4 denied, 22 reversal ...) in words."""
    code = _norm(code)
    return CLAIM_PAYMENT_STATUS.get(code) or f"unknown claim payment status {code}"


def carc_table() -> dict[str, str]:
    """All CARCs we describe: code -> words (a copy)."""
    return dict(_table("carc.csv"))


def rarc_table() -> dict[str, str]:
    """All RARCs we describe: code -> words (a copy)."""
    return dict(_table("rarc.csv"))


def claim_status_table() -> dict[str, str]:
    """All 277 status codes we describe: code -> words (a copy)."""
    return dict(_table("claim_status.csv"))
