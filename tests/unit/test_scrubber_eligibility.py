"""ELIG-UNVERIFIED: once the practice asks a payer about eligibility, a visit whose coverage
has no answer that speaks for its date of service warns (never blocks)."""

from __future__ import annotations

from datetime import date

import pytest

from medbill_tui.domain.scrubber import scrub
from tests.unit.test_scrubber_support import BOOK, coverage, enc

DOS = date(2026, 10, 20)


@pytest.mark.parametrize(
    ("answer", "verified_on", "asked_on", "words"),
    [
        ("", None, None, "never checked"),
        ("", None, date(2026, 10, 25), "asked 10/25/2026, no answer yet"),
        ("active", date(2026, 9, 19), None, "last verified 09/19/2026"),
        ("active", date(2026, 9, 20), None, ""),
        ("active", date(2026, 10, 30), None, ""),
    ],
)
def test_unverified_coverage_warns_once_the_payer_is_asked(
    answer: str, verified_on: date | None, asked_on: date | None, words: str
) -> None:
    cov = coverage(
        eligibility=answer,
        eligibility_on=verified_on,
        eligibility_asked_on=asked_on,
        payer_checks_eligibility=True,
    )
    findings = scrub(enc(dos=DOS, coverage=cov), BOOK)
    if not words:
        assert findings == ()
        return
    assert [(f.rule_id, f.severity.value, f.field) for f in findings] == [
        ("ELIG-UNVERIFIED", "warning", "coverage")
    ]
    assert words in findings[0].message and "ctrl+l" in findings[0].message


def test_a_payer_never_asked_gives_no_unverified_warning() -> None:
    assert scrub(enc(dos=DOS, coverage=coverage()), BOOK) == ()


def test_an_inactive_answer_warns_once_as_inactive_not_also_unverified() -> None:
    cov = coverage(
        eligibility="inactive", eligibility_on=date(2026, 1, 5), payer_checks_eligibility=True
    )
    findings = scrub(enc(dos=DOS, coverage=cov), BOOK)
    assert [f.rule_id for f in findings] == ["ELIG-INACTIVE"]
