"""The front-end edits of an 837P, each on a claim that passes and one that fails it."""

from __future__ import annotations

import pytest

from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_edits import RULES, EditFailure, edit_837p
from tests.edi.x837_samples import (
    DOWN_CODED,
    LINE_1,
    OTHER_PAYER,
    PRIMARY,
    SECONDARY,
    SUBSCRIBER,
    x837,
)

REPLACEMENT = PRIMARY.replace("11:B:1", "11:B:7")
DEPENDENT = SUBSCRIBER.replace("*22*0~", "*22*1~") + (
    "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*DOE*JIM~\nDMG*D8*20150101*M~\n"
)
NO_AMT_D = SECONDARY.replace("AMT*D*60~\n", "")


def rules(claim: str, subscriber: str = SUBSCRIBER) -> list[tuple[str, str]]:
    return [(f.rule, f.loop) for f in edit_837p(x837(claim, subscriber))]


@pytest.mark.parametrize(
    ("passing", "failing", "expected"),
    [
        pytest.param(
            PRIMARY,
            PRIMARY.replace("PCN1*100", "PCN1*101"),
            [("CLAIM-TOTAL", "2300 claim")],
            id="CLAIM-TOTAL",
        ),
        pytest.param(
            SECONDARY,
            DOWN_CODED,
            [
                ("COB-CLAIM-BALANCE", "2320 of ACME HEALTH (P1)"),
                ("COB-PAID-LINES", "2320 of ACME HEALTH (P1)"),
                ("COB-LINE-MISSING", "2430 of line 2"),
                ("COB-DATE", "2330B of ACME HEALTH (P1)"),
            ],
            id="COB-CLAIM-BALANCE",
        ),
        pytest.param(
            SECONDARY,
            SECONDARY.replace("CO*45*20", "CO*45*25").replace("CO*45*10", "CO*45*5"),
            [
                ("COB-LINE-BALANCE", "2430 of line 1 (payer P1)"),
                ("COB-LINE-BALANCE", "2430 of line 2 (payer P1)"),
            ],
            id="COB-LINE-BALANCE",
        ),
        pytest.param(
            SECONDARY,
            NO_AMT_D,
            [("COB-PAID-LINES", "2320 of ACME HEALTH (P1)")],
            id="COB-PAID-LINES",
        ),
        pytest.param(
            SECONDARY,
            SECONDARY.replace("SVD*P1*20", "SVD*P9*20"),
            [
                ("COB-CLAIM-BALANCE", "2320 of ACME HEALTH (P1)"),
                ("COB-PAID-LINES", "2320 of ACME HEALTH (P1)"),
                ("COB-LINE-MISSING", "2430 of line 2"),
                ("COB-LINE-MISSING", "2430 of line 2"),
                ("COB-DATE", "2330B of ACME HEALTH (P1)"),
            ],
            id="COB-LINE-MISSING",
        ),
        pytest.param(
            SECONDARY,
            SECONDARY.replace("CO*45*10~\nDTP*573*D8*20261110~\n", "CO*45*10~\n"),
            [
                ("COB-DATE", "2430 of line 2 (payer P1)"),
                ("COB-DATE", "2330B of ACME HEALTH (P1)"),
            ],
            id="COB-DATE",
        ),
        pytest.param(
            SECONDARY,
            SECONDARY.replace("AMT*D*60~\n", "AMT*D*60~\nAMT*EAF*10~\n"),
            [("COB-REMAINING-ONCE", "2320 of ACME HEALTH (P1)")],
            id="COB-REMAINING-ONCE",
        ),
        pytest.param(
            REPLACEMENT.replace("HI*", "REF*F8*PAYER123~\nHI*"),
            REPLACEMENT,
            [("ORIGINAL-REF", "2300 claim")],
            id="ORIGINAL-REF",
        ),
        pytest.param(
            PRIMARY,
            PRIMARY.replace("***1:2~", "***1:3~"),
            [("DX-POINTER", "2400 line 1")],
            id="DX-POINTER",
        ),
    ],
)
def test_an_edit_passes_a_good_claim_and_names_a_bad_one(
    passing: str, failing: str, expected: list[tuple[str, str]]
) -> None:
    assert rules(passing) == []
    assert rules(failing) == expected


@pytest.mark.parametrize(
    ("subscriber", "expected"),
    [
        (SUBSCRIBER, []),
        (SUBSCRIBER.replace("*19800101*F~", "*19800101*U~"), []),
        (SUBSCRIBER.replace("*19800101*F~", "*19800101*X~"), [("SEX-CODE", "2010BA subscriber")]),
        (DEPENDENT, []),
        (DEPENDENT.replace("*20150101*M~", "*20150101*~"), [("SEX-CODE", "2010CA patient")]),
    ],
)
def test_sex_codes_of_subscriber_and_patient(subscriber: str, expected: list[object]) -> None:
    assert rules(PRIMARY, subscriber) == expected


def test_every_rule_is_tested_here() -> None:
    assert len(RULES) == 10


def test_the_samples_are_valid_x12_so_only_the_edits_find_fault() -> None:
    for claim in (PRIMARY, SECONDARY, DOWN_CODED, REPLACEMENT):
        assert validate_x12(x837(claim)).ok


def test_a_failure_names_claim_loop_and_rule_in_words() -> None:
    failures = edit_837p(x837(DOWN_CODED))
    assert str(failures[0]) == (
        "claim PCN1, 2320 of ACME HEALTH (P1): the claim total 242.00 is not what ACME HEALTH "
        "(P1) paid (140.00) plus its claim adjustments (0.00) and line adjustments (17.00), "
        "which make 157.00 (edit COB-CLAIM-BALANCE)"
    )
    assert "line 2 does not say how ACME HEALTH (P1) adjudicated it" in str(failures[2])


def test_claim_level_adjustments_count_in_both_balances() -> None:
    """AMT*D = sum of SVD02 - sum of 2320 CAS (RFI 524): 5 taken back at claim level."""
    claim = SECONDARY.replace("AMT*D*60~\n", "CAS*OA*23*5~\nAMT*D*55~\n")
    assert rules(claim) == []
    assert rules(claim.replace("AMT*D*55", "AMT*D*60")) == [
        ("COB-CLAIM-BALANCE", "2320 of ACME HEALTH (P1)"),
        ("COB-PAID-LINES", "2320 of ACME HEALTH (P1)"),
    ]


def test_an_unbundled_line_balances_over_its_2430_loops() -> None:
    """RFI 1551: a line's 2430 loops of one payer are added together to balance to SV102."""
    split = LINE_1.replace(
        "CAS*PR*2*10~\n", "CAS*PR*2*10~\nDTP*573*D8*20261110~\nSVD*P1*0*HC:99211**1~\n"
    )
    assert rules(SECONDARY.replace(LINE_1, split)) == []


def test_the_remaining_liability_at_claim_level_only_passes() -> None:
    """RFI 1517: claim level when the payer reported no lines (or the provider cannot)."""
    claim_level = SECONDARY.replace("AMT*EAF*10~\n", "").replace(
        "AMT*D*60~\n", "AMT*D*60~\nAMT*EAF*10~\n"
    )
    assert rules(claim_level) == []


def test_a_primary_claim_naming_an_unadjudicated_payer_needs_no_balancing() -> None:
    """A 2320 without AMT*D (another coverage the payer has not yet seen) has nothing to add up."""
    pending = OTHER_PAYER.replace("AMT*D*60~\n", "").replace("SBR*P*", "SBR*S*")
    claim = PRIMARY.replace("HI*ABK:J069*ABF:R05~\n", "HI*ABK:J069*ABF:R05~\n" + pending)
    assert rules(claim) == []


def test_failures_are_in_claim_order_for_every_claim_of_a_file() -> None:
    second = DOWN_CODED.replace("PCN1", "PCN2")
    failures = edit_837p(x837(SECONDARY + second + PRIMARY.replace("PCN1*100", "PCN3*1")))
    assert {f.claim for f in failures} == {"PCN2", "PCN3"}
    assert [f.claim for f in failures] == sorted(f.claim for f in failures)
    assert all(isinstance(f, EditFailure) for f in failures)
