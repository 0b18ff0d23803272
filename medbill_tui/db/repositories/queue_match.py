"""What a queue filter's text matches: a patient (account number or name prefixes), or a
claim by its claim number or the payer's claim number.

Each is an index look-up: `ix_patient_account_no_prefix` and `ix_patient_last_name_lower`
(prefixes, `text_pattern_ops`), the unique index on `claim.claim_no` and the partial
`ix_claim_payer_claim_no` (exact numbers). The matching ids are gathered first (a UNION of
look-ups), so the queue's own rows are narrowed by id, not scanned for the text.
"""

from __future__ import annotations

import re
from typing import Any

from medbill_tui.records.queues import QueueFilter

_DIGITS = re.compile(r"^\d+$")


def like_prefix(value: str) -> str:
    """`value` LIKE-escaped, with a trailing % (a prefix pattern)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def claim_number(words: str) -> str:
    """Our claim number as typed: 'c100027' → 'C100027'; bare digits get the 'C'."""
    compact = words.strip().upper()
    return f"C{compact}" if _DIGITS.match(compact) else compact


def patients_sql(words: str, params: dict[str, Any]) -> str:
    """A SELECT of the ids of patients whose account number starts with `words`, or whose
    last name (or "last, first") starts with it."""
    last, _, first = (part.strip() for part in words.partition(","))
    params["acct_prefix"] = like_prefix(words.upper())
    params["last_prefix"] = like_prefix(last.lower())
    name_sql = "lower(last_name) LIKE :last_prefix"
    if first:
        params["first_prefix"] = like_prefix(first.lower())
        name_sql += " AND lower(first_name) LIKE :first_prefix"
    return f"SELECT id FROM patient WHERE upper(account_no) LIKE :acct_prefix OR ({name_sql})"


def patient_match_sql(filt: QueueFilter, params: dict[str, Any], column: str) -> str:
    """SQL condition restricting `column` (a patient id) to patients the filter text matches.

    The text matches an account number prefix, a last-name prefix, or "last, first" prefixes.
    """
    words = filt.text.strip()
    if not words:
        return ""
    return f" AND {column} IN ({patients_sql(words, params)})"


def _claims_by_number(column: str, params: dict[str, Any], words: str) -> str:
    """SELECTs of `column` from the claims numbered `words` (ours or the payer's)."""
    params["claim_no"] = claim_number(words)
    params["payer_claim_no"] = words.strip()
    params["payer_claim_no_upper"] = words.strip().upper()
    return (
        f"SELECT {column} FROM claim WHERE claim_no = :claim_no "
        f"UNION ALL SELECT {column} FROM claim "
        "WHERE payer_claim_no IN (:payer_claim_no, :payer_claim_no_upper)"
    )


def claim_match_sql(filt: QueueFilter, params: dict[str, Any], claim_column: str) -> str:
    """SQL condition keeping rows whose claim (`claim_column`, a claim id) has the filter text
    as its claim or payer claim number, or belongs to a patient the text matches.

    One IN over a UNION of index look-ups: the planner can start from the few matching
    claims (an OR with another table's column made it test every pair of rows)."""
    words = filt.text.strip()
    if not words:
        return ""
    return (
        f" AND {claim_column} IN ({_claims_by_number('id', params, words)} "
        f"UNION ALL SELECT id FROM claim WHERE patient_id IN ({patients_sql(words, params)}))"
    )


def item_match_sql(
    filt: QueueFilter, params: dict[str, Any], claim_column: str, patient_column: str
) -> str:
    """As `claim_match_sql` for work items that may have no claim (an account's follow-up):
    the item's claim has the number, or its patient (`patient_column`) matches the text."""
    words = filt.text.strip()
    if not words:
        return ""
    return (
        f" AND ({claim_column} IN ({_claims_by_number('id', params, words)})"
        f" OR {patient_column} IN ({patients_sql(words, params)}))"
    )


def account_match_sql(filt: QueueFilter, params: dict[str, Any], patient_column: str) -> str:
    """SQL condition keeping accounts (`patient_column`) the filter text matches, or that
    hold the claim numbered by it (ours or the payer's)."""
    words = filt.text.strip()
    if not words:
        return ""
    return (
        f" AND {patient_column} IN ({patients_sql(words, params)} "
        f"UNION ALL {_claims_by_number('patient_id', params, words)})"
    )
