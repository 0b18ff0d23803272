"""The COB loops the 837P writer puts on a claim: balanced 2430s, one AMT*EAF per payer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medbill_tui.edi.segments import iter_segments
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_records import ClaimAdjudication, LineAdjudication
from medbill_tui.edi.x837p import Address, ClaimOut, LineOut, OtherPayer, Person, write_837p
from tests.edi.cob_reading import assert_balanced
from tests.edi.test_x837p import BILLING, ENV

SUB = Person(
    "DOE", "JOHN", date(1950, 5, 6), "M", Address("1 A ST", "SALEM", "OR", "97301"), "1EG4TE5MK73"
)


def _body(claim: ClaimOut) -> list[list[str]]:
    text = write_837p(ENV, BILLING, [claim]).text
    assert validate_x12(text).ok, validate_x12(text).issues
    return [s.split("*") for s in text.replace("\n", "").split("~") if s]


def test_secondary_claim_loops_carry_the_primary_adjudication() -> None:
    adjudicated = LineAdjudication(
        "99213",
        ("25",),
        Decimal("64.00"),
        Decimal(1),
        (
            ("CO", "45", Decimal("20.00")),
            ("PR", "2", Decimal("16.00")),
            ("OI", "23", Decimal("0.50")),
        ),
    )
    lines = (
        LineOut("99213", ("25",), Decimal("100.50"), Decimal(1), (1,), date(2026, 10, 1)),
        LineOut("36415", (), Decimal("20.00"), Decimal(1), (1,), date(2026, 10, 1)),
    )
    done = ClaimAdjudication(
        Decimal("44.00"),
        (("PR", "1", Decimal("20.00")),),
        date(2026, 10, 20),
        (adjudicated, None),
        "26001000123",
    )
    other = OtherPayer("MEDICARE", "04412", "1EG4TE5MK73", SUB, "P", "MB", adjudication=done)
    claim = ClaimOut(
        "C9",
        Decimal("120.50"),
        "11",
        "1",
        "BLUE PLAN",
        "62318",
        "CI",
        SUB,
        ("I10",),
        lines,
        "1234567893",
        "LEE",
        "ANN",
        payer_responsibility="S",
        other_payers=(other,),
    )
    body = _body(claim)
    assert ["SBR", "S", "18", "", "", "", "", "", "", "CI"] in body
    sbr = body.index(["SBR", "P", "18", "", "", "", "", "", "", "MB"])
    assert body[sbr + 1 : sbr + 5] == [
        ["CAS", "PR", "1", "20"],
        ["AMT", "D", "44"],
        ["AMT", "EAF", "36"],  # once, here: the claim's PR 20 and the line's PR 16
        ["OI", "", "", "Y", "", "", "Y"],
    ]
    svd = [i for i, s in enumerate(body) if s[0] == "SVD"]
    assert body[svd[0] : svd[0] + 5] == [
        ["SVD", "04412", "64", "HC:99213:25", "", "1"],
        ["CAS", "CO", "45", "20"],
        ["CAS", "OA", "23", "0.5"],
        ["CAS", "PR", "2", "16"],
        ["DTP", "573", "D8", "20261020"],
    ]
    # the line the payer sent no SVC for (bundled): paid 0, its whole charge CO-97
    assert body[svd[1] : svd[1] + 3] == [
        ["SVD", "04412", "0", "HC:36415", "", "1"],
        ["CAS", "CO", "97", "20"],
        ["DTP", "573", "D8", "20261020"],
    ]
    assert ["REF", "F8", "26001000123"] in body and [
        "NM1",
        "PR",
        "2",
        "MEDICARE",
        "",
        "",
        "",
        "",
        "PI",
        "04412",
    ] in body
    assert sum(1 for s in body if s[0] == "AMT" and s[1] == "EAF") == 1


def test_a_down_coded_line_goes_out_as_the_payer_adjudicated_it() -> None:
    """The issue's claim: 242.00, the payer paid 99213 for our 99214 (SVC06) and 140 in all."""
    lines = (
        LineOut("99214", (), Decimal("202.00"), Decimal(1), (1,), date(2026, 10, 1)),
        LineOut("36415", (), Decimal("40.00"), Decimal(1), (1,), date(2026, 10, 1)),
    )
    paid = (
        LineAdjudication(
            "99213",
            (),
            Decimal("110.00"),
            Decimal(1),
            (("CO", "45", Decimal("80.00")), ("PR", "2", Decimal("12.00"))),
        ),
        LineAdjudication(
            "36415",
            (),
            Decimal("30.00"),
            Decimal(1),
            (("CO", "45", Decimal("5.00")), ("PR", "2", Decimal("5.00"))),
        ),
    )
    done = ClaimAdjudication(Decimal("140.00"), (), date(2026, 10, 20), paid)
    other = OtherPayer("ACME", "P1", "M1", SUB, adjudication=done)
    claim = ClaimOut(
        "C10",
        Decimal("242.00"),
        "11",
        "1",
        "BLUE",
        "P2",
        "CI",
        SUB,
        ("I10",),
        lines,
        "1234567893",
        "LEE",
        "ANN",
        payer_responsibility="S",
        other_payers=(other,),
    )
    body = _body(claim)
    assert ["SVD", "P1", "110", "HC:99213", "", "1"] in body
    assert ["SV1", "HC:99214", "202", "UN", "1", "", "", "1"] in body
    assert ["AMT", "EAF", "17"] in body
    assert_balanced(claim, list(iter_segments(write_837p(ENV, BILLING, [claim]).text)))


def test_a_primary_claim_names_the_secondary_coverage_without_money() -> None:
    later = OtherPayer("BLUE PLAN", "P2", "SEC77", SUB, "S", "CI", "18", "G5")
    lines = (LineOut("99213", (), Decimal("100"), Decimal(1), (1,), date(2026, 10, 1)),)
    claim = ClaimOut(
        "C11",
        Decimal("100"),
        "11",
        "1",
        "ACME",
        "P1",
        "CI",
        SUB,
        ("I10",),
        lines,
        "1234567893",
        "LEE",
        "ANN",
        other_payers=(later,),
    )
    body = _body(claim)
    sbr = body.index(["SBR", "S", "18", "G5", "", "", "", "", "", "CI"])
    assert body[sbr + 1 : sbr + 6] == [
        ["OI", "", "", "Y", "", "", "Y"],
        ["NM1", "IL", "1", "DOE", "JOHN", "", "", "", "MI", "SEC77"],
        ["N3", "1 A ST"],
        ["N4", "SALEM", "OR", "97301"],
        ["NM1", "PR", "2", "BLUE PLAN", "", "", "", "", "PI", "P2"],
    ]
    assert not [s for s in body if s[0] in ("SVD", "CAS") or s[:2] == ["AMT", "D"]]


def test_a_tertiary_claim_carries_both_payers_before_it_each_balanced() -> None:
    lines = (
        LineOut("99214", (), Decimal("150.00"), Decimal(1), (1,), date(2026, 10, 1)),
        LineOut("36415", (), Decimal("30.00"), Decimal(1), (1,), date(2026, 10, 1)),
    )
    primary = ClaimAdjudication(
        Decimal("100.00"),
        (),
        date(2026, 10, 10),
        (
            LineAdjudication(
                "99214",
                (),
                Decimal("100.00"),
                Decimal(1),
                (("CO", "45", Decimal("20.00")), ("PR", "1", Decimal("30.00"))),
            ),
            None,  # bundled
        ),
    )
    secondary = ClaimAdjudication(
        Decimal("20.00"),
        (),
        date(2026, 10, 30),
        (
            LineAdjudication(
                "99214",
                (),
                Decimal("20.00"),
                Decimal(1),
                (("OA", "23", Decimal("120.00")), ("PR", "2", Decimal("10.00"))),
            ),
            LineAdjudication(
                "36415", (), Decimal("0.00"), Decimal(1), (("OA", "23", Decimal("30.00")),)
            ),
        ),
    )
    others = (
        OtherPayer("ACME", "P1", "M1", SUB, "P", adjudication=primary),
        OtherPayer("BLUE", "P2", "M2", SUB, "S", adjudication=secondary),
    )
    claim = ClaimOut(
        "C12",
        Decimal("180.00"),
        "11",
        "1",
        "THIRD",
        "P3",
        "CI",
        SUB,
        ("I10",),
        lines,
        "1234567893",
        "LEE",
        "ANN",
        payer_responsibility="T",
        other_payers=others,
    )
    body = _body(claim)
    assert ["SBR", "T", "18", "", "", "", "", "", "", "CI"] in body
    assert [s[:3] for s in body if s[0] == "SVD"] == [
        ["SVD", "P1", "100"],
        ["SVD", "P2", "20"],
        ["SVD", "P1", "0"],
        ["SVD", "P2", "0"],
    ]
    assert [s for s in body if s[:2] == ["AMT", "EAF"]] == [
        ["AMT", "EAF", "30"],
        ["AMT", "EAF", "10"],
    ]
    assert_balanced(claim, list(iter_segments(write_837p(ENV, BILLING, [claim]).text)))


def test_amt_eaf_is_sent_when_the_patient_owes_nothing() -> None:
    """RFI 1515: a payer that left nothing to the patient still has its AMT*EAF (0)."""
    lines = (LineOut("99213", (), Decimal("100"), Decimal(1), (1,), date(2026, 10, 1)),)
    paid = LineAdjudication("99213", (), Decimal("80.00"), Decimal(1), (("CO", "45", Decimal(20)),))
    done = ClaimAdjudication(Decimal("80.00"), (), date(2026, 10, 20), (paid,))
    claim = ClaimOut(
        "C13",
        Decimal("100"),
        "11",
        "1",
        "BLUE",
        "P2",
        "CI",
        SUB,
        ("I10",),
        lines,
        "1234567893",
        "LEE",
        "ANN",
        payer_responsibility="S",
        other_payers=(OtherPayer("ACME", "P1", "M1", SUB, adjudication=done),),
    )
    body = _body(claim)
    assert [s for s in body if s[:2] == ["AMT", "EAF"]] == [["AMT", "EAF", "0"]]
