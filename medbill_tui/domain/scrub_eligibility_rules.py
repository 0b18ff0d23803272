"""Scrubber rule about eligibility not verified for the date of service (ELIG-UNVERIFIED).

ELIG-INACTIVE (`scrub_rules.check_eligibility`) reads what the payer's last answer said; this
one warns when there is no answer that speaks for the visit: never asked, asked and still
waiting, or the last "active" came more than `FRESH_DAYS` before the date of service. It warns
only once the practice has asked the payer about anyone (`payer_checks_eligibility`): a
practice that does not check eligibility electronically with a payer gets no noise from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from medbill_tui.domain.scrub_model import Issue, ScrubContext, fmt_date, warning

FRESH_DAYS = 30
"""An answer this many days before the date of service (or later) verifies the visit."""

FIX = "check eligibility (ctrl+l or F5) before billing"


def check_eligibility_verified(ctx: ScrubContext) -> Iterator[Issue]:
    """ELIG-UNVERIFIED: an answer from the payer verifies the coverage for the visit."""
    coverage, dos = ctx.enc.coverage, ctx.enc.dos
    if coverage is None or dos is None or not coverage.payer_checks_eligibility:
        return
    said, on = coverage.eligibility, coverage.eligibility_on
    if said and said != "active":
        return  # ELIG-INACTIVE says what the payer answered
    if said and on is not None and on >= dos - timedelta(days=FRESH_DAYS):
        return
    if said and on is not None:
        why = f"last verified {fmt_date(on)}, more than {FRESH_DAYS} days before the visit"
    elif coverage.eligibility_asked_on is not None:
        why = f"asked {fmt_date(coverage.eligibility_asked_on)}, no answer yet"
    else:
        why = "never checked"
    yield warning("coverage", f"{ctx.payer} eligibility is unverified ({why}) — {FIX}.")
