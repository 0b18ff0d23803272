"""What the scrubber needs to know about a coverage's eligibility: the payer's last answer, an
ask still waiting, and whether the practice asks that payer at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

_STATES = """
SELECT cv.id, ans.outcome, ans.verified_on, ans.plan_to, ask.asked_on,
       cv.payer_id IN (SELECT c2.payer_id FROM eligibility_check x
                       JOIN coverage c2 ON c2.id = x.coverage_id) AS payer_checks
FROM coverage cv
LEFT JOIN LATERAL (
    SELECT outcome, verified_on, plan_to FROM eligibility_check
    WHERE coverage_id = cv.id AND verified_on IS NOT NULL
    ORDER BY verified_on DESC, id DESC LIMIT 1) ans ON TRUE
LEFT JOIN LATERAL (
    SELECT max(requested_at)::date AS asked_on FROM eligibility_check
    WHERE coverage_id = cv.id AND verified_on IS NULL) ask ON TRUE
WHERE cv.id = ANY(:ids)
"""


@dataclass(frozen=True, slots=True)
class EligibilityState:
    outcome: str
    """The last answer (active, inactive, other-payer, rejected, unknown; "": none)."""
    verified_on: date | None
    plan_to: date | None
    asked_on: date | None
    """The latest ask still waiting for its 271."""
    payer_checks: bool
    """Some coverage of this payer has been asked about."""


def eligibility_states(
    conn: Connection, coverage_ids: Sequence[int]
) -> dict[int, EligibilityState]:
    """Each coverage's eligibility state, keyed by coverage id."""
    if not coverage_ids:
        return {}
    rows = conn.execute(text(_STATES), {"ids": sorted(set(coverage_ids))})
    return {
        r.id: EligibilityState(
            r.outcome or "", r.verified_on, r.plan_to, r.asked_on, bool(r.payer_checks)
        )
        for r in rows
    }


def eligibility_fields(state: EligibilityState | None) -> dict[str, Any]:
    """The `CoverageInfo` keyword arguments for `state` (none for a coverage never asked)."""
    if state is None:
        return {}
    return {
        "eligibility": state.outcome,
        "eligibility_on": state.verified_on,
        "eligibility_to": state.plan_to,
        "eligibility_asked_on": state.asked_on,
        "payer_checks_eligibility": state.payer_checks,
    }
