"""The 837P writer: whatever claim the app can produce, pyx12 validates the file clean."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill_tui.edi.segments import check_envelope, iter_segments
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837p import (
    Address,
    BillingProvider,
    ClaimOut,
    Envelope,
    LineAdjudication,
    LineOut,
    OtherPayer,
    Person,
    amount,
    write_837p,
)
from tests.edi.x12sdk_837 import assert_x12sdk_reads_837p

ENV = Envelope("ACME BILLING", "ACMEBILL01", "JANE DOE", "5035550100", "SANDBOX CH",
               "SANDBOXCH", 7, 8, 9, datetime(2026, 11, 2, 10, 30))  # fmt: skip
BILLING = BillingProvider("FAMILY MEDICINE", "1234567893", "123456789", "207Q00000X",
                          Address("1 MAIN ST", "SALEM", "OR", "973011234"))  # fmt: skip

# What the patient form accepts: letters (accented ones fold to ASCII), spaces, - ' . and
# delimiter characters, which the writer blanks out; at least two letters.
names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyzéñüÅ -'.*~:^", min_size=2,
                max_size=30).filter(lambda s: sum(ch.isalpha() for ch in s) >= 2)  # fmt: skip
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
# CAS groups as an 835 has them (OI is not an 837 group: the writer sends it as OA)
adjustment = st.tuples(
    st.sampled_from(["CO", "PR", "OA", "PI", "OI"]),
    st.sampled_from(["1", "2", "3", "45", "253", "23", "97"]),
    money,
)
icd = st.sampled_from(["E11.9", "I10", "J06.9", "Z00.00", "M54.50", "S72.001A", "U07.1"])
cpt = st.sampled_from(["99213", "99214", "36415", "G0439", "J1885", "0001U", "1036F"])
mods = st.lists(st.sampled_from(["25", "59", "LT", "RT", "XS", "GT", "95"]), max_size=4,
                unique=True)  # fmt: skip
address = st.builds(Address, names, names, st.sampled_from(["OR", "NY", "TX"]),
                    st.sampled_from(["97301", "100011234"]))  # fmt: skip
person = st.builds(Person, names, names, st.dates(date(1920, 1, 1), date(2025, 1, 1)),
                   st.sampled_from(["M", "F", "U"]), address,
                   st.from_regex(r"[A-Z0-9]{2,20}", fullmatch=True))  # fmt: skip


@st.composite
def claims(draw: st.DrawFn) -> ClaimOut:
    dx = tuple(draw(st.lists(icd, min_size=1, max_size=12, unique=True)))
    lines = tuple(
        LineOut(draw(cpt), tuple(draw(mods)), draw(money), Decimal(draw(st.integers(1, 99))),
                tuple(draw(st.lists(st.integers(1, len(dx)), min_size=1, max_size=4,
                                    unique=True))),
                date(2026, 10, 1))
        for _ in range(draw(st.integers(1, 8)))
    )  # fmt: skip
    dependent = draw(st.booleans())
    other = None
    if draw(st.booleans()):
        paid = draw(money)
        claim_cas = tuple(draw(st.lists(adjustment, max_size=3)))
        other = OtherPayer("MEDICARE", "04412", "1EG4TE5MK73", draw(person), paid, claim_cas,
                           draw(st.sampled_from(["MB", "CI", "16"])),
                           draw(st.sampled_from(["18", "01", "19", "G8"])),
                           draw(st.sampled_from(["", "GRP7"])),
                           draw(st.none() | money), draw(st.sampled_from(["", "26001000123"])),
                           date(2026, 10, 20))  # fmt: skip
        lines = tuple(
            replace(line, adjudication=LineAdjudication(
                draw(money), line.units, tuple(draw(st.lists(adjustment, max_size=8))),
                date(2026, 10, 20)) if draw(st.booleans()) else None)
            for line in lines
        )  # fmt: skip
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    return ClaimOut(
        pcn=draw(st.from_regex(r"C[0-9]{6}", fullmatch=True)),
        total=sum((line.charge for line in lines), Decimal("0.00")), pos=draw(
            st.sampled_from(["11", "02", "22", "10"])), frequency=frequency,
        payer_name=draw(names), payer_id="62318", filing_indicator=draw(
            st.sampled_from(["CI", "MB", "MC", "BL", "HM"])),
        subscriber=draw(person), diagnoses=dx, lines=lines, rendering_npi="1234567893",
        rendering_last=draw(names), rendering_first=draw(names),
        payer_responsibility="S" if other else "P", group_no=draw(st.sampled_from(["", "G1"])),
        patient=draw(person) if dependent else None, relationship="19" if dependent else "18",
        prior_auth=draw(st.sampled_from(["", "AUTH-1"])),
        original_claim_no="PAYER9" if frequency != "1" else "", other_payer=other,
    )  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims(), min_size=1, max_size=4, unique_by=lambda c: c.pcn))
def test_generated_claims_validate_clean(batch: list[ClaimOut]) -> None:
    written = write_837p(ENV, BILLING, batch)
    result = validate_x12(written.text)
    assert result.ok, [str(i) for i in result.issues]
    unknown = {"2010BA"} if any(c.subscriber.sex == "U" for c in batch) else set()
    if any(c.patient is not None and c.patient.sex == "U" for c in batch):
        unknown.add("2010CA")
    assert_x12sdk_reads_837p(written.text, unknown_sex_at=unknown)
    segments = list(iter_segments(written.text))
    check_envelope(segments)
    assert set(written.claim_segments) == {c.pcn for c in batch}
    for pcn, (first, last) in written.claim_segments.items():
        assert segments[first - 1].id == "HL"
        assert any(s.id == "CLM" and s.get(1) == pcn for s in segments[first - 1 : last])
    by_pcn = {c.pcn: c for c in batch}
    for pcn, (first, last) in written.claim_segments.items():
        claim, ids = by_pcn[pcn], [s.id for s in segments[first - 1 : last]]
        adjudicated = [line for line in claim.lines if line.adjudication]
        assert ids.count("SVD") == (len(adjudicated) if claim.other_payer else 0)
        assert ids.count("OI") == (1 if claim.other_payer else 0)


def test_secondary_claim_loops_carry_the_primary_adjudication() -> None:
    sub = Person("DOE", "JOHN", date(1950, 5, 6), "M", Address("1 A ST", "SALEM", "OR", "97301"),
                 "1EG4TE5MK73")  # fmt: skip
    adjudicated = LineAdjudication(Decimal("64.00"), Decimal(1),
                                   (("CO", "45", Decimal("20.00")), ("PR", "2", Decimal("16.00")),
                                    ("OI", "23", Decimal("0.50"))), date(2026, 10, 20))  # fmt: skip
    lines = (
        LineOut("99213", ("25",), Decimal("100.50"), Decimal(1), (1,), date(2026, 10, 1),
                adjudicated),
        LineOut("36415", (), Decimal("20.00"), Decimal(1), (1,), date(2026, 10, 1)),
    )  # fmt: skip
    other = OtherPayer("MEDICARE", "04412", "1EG4TE5MK73", sub, Decimal("64.00"),
                       (("PR", "1", Decimal("20.00")),), "MB", "18", "", Decimal("36.00"),
                       "26001000123", date(2026, 10, 20))  # fmt: skip
    claim = ClaimOut("C9", Decimal("120.50"), "11", "1", "BLUE PLAN", "62318", "CI", sub,
                     ("I10",), lines, "1234567893", "LEE", "ANN", payer_responsibility="S",
                     other_payer=other)  # fmt: skip
    text = write_837p(ENV, BILLING, [claim]).text
    assert validate_x12(text).ok
    assert_x12sdk_reads_837p(text)
    body = [s.split("*") for s in text.replace("\n", "").split("~") if s]
    assert ["SBR", "S", "18", "", "", "", "", "", "", "CI"] in body
    sbr = body.index(["SBR", "P", "18", "", "", "", "", "", "", "MB"])
    assert body[sbr + 1 : sbr + 5] == [
        ["CAS", "PR", "1", "20"],
        ["AMT", "D", "64"],
        ["AMT", "EAF", "36"],
        ["OI", "", "", "Y", "", "", "Y"],
    ]
    svd = next(i for i, s in enumerate(body) if s[0] == "SVD")
    assert body[svd : svd + 6] == [
        ["SVD", "04412", "64", "HC:99213:25", "", "1"],
        ["CAS", "CO", "45", "20"], ["CAS", "OA", "23", "0.5"],
        ["CAS", "PR", "2", "16"], ["DTP", "573", "D8", "20261020"], ["AMT", "EAF", "16"],
    ]  # fmt: skip
    assert ["REF", "F8", "26001000123"] in body and ["NM1", "PR", "2", "MEDICARE", "", "", "",
                                                     "", "PI", "04412"] in body  # fmt: skip
    assert sum(1 for s in body if s[0] == "SVD") == 1 and ["DTP", "573", "D8", "20261020"] in body


def test_amounts_are_plain_decimals() -> None:
    assert [amount(Decimal(v)) for v in ("40.00", "40.50", "0.05", "1234.5")] == [
        "40",
        "40.5",
        "0.05",
        "1234.5",
    ]


def test_isa_is_exactly_106_characters() -> None:
    claim = ClaimOut("C1", Decimal("10"), "11", "1", "P", "1", "CI",
                     Person("A", "B", date(1980, 1, 1), "F", None, "M1"), ("I10",),
                     (LineOut("99213", (), Decimal("10"), Decimal(1), (1,), date(2026, 1, 1)),),
                     "1234567893", "L", "F")  # fmt: skip
    text = write_837p(ENV, BILLING, [claim]).text
    assert text.index("~") == 105
