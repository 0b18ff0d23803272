"""The 837P writer: whatever claim the app can produce, pyx12 validates the file clean."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill_tui.edi.segments import Segment, check_envelope, iter_segments
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_edits import edit_837p
from medbill_tui.edi.x837_records import ClaimAdjudication, LineAdjudication
from medbill_tui.edi.x837p import (
    Address,
    BillingProvider,
    ClaimOut,
    Envelope,
    LineOut,
    OtherPayer,
    Person,
    ReferringProvider,
    amount,
    write_837p,
)
from tests.edi.cob_reading import assert_balanced
from tests.edi.x12sdk_837 import (
    assert_both_parsers_read_837p,
    assert_x12sdk_reads_837p,
    x12sdk_referring,
)

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
referring = st.none() | st.builds(ReferringProvider, st.just("DN"), names, names,
                                  st.sampled_from(["1588667786", "1234567893"]))  # fmt: skip
person = st.builds(Person, names, names, st.dates(date(1920, 1, 1), date(2025, 1, 1)),
                   st.sampled_from(["M", "F", "U"]), address,
                   st.from_regex(r"[A-Z0-9]{2,20}", fullmatch=True))  # fmt: skip


def _adjudication(draw: st.DrawFn, lines: tuple[LineOut, ...]) -> ClaimAdjudication:
    """What a payer's 835 may say: any amounts (the writer balances them), down-coded and
    bundled (no SVC) lines."""
    decided = tuple(
        None
        if draw(st.integers(0, 5)) == 0
        else LineAdjudication(
            draw(st.sampled_from([line.code, "99212"])),
            line.modifiers,
            draw(money),
            line.units,
            tuple(draw(st.lists(adjustment, max_size=6))),
        )
        for line in lines
    )
    return ClaimAdjudication(
        draw(money),
        tuple(draw(st.lists(adjustment, max_size=3))),
        date(2026, 10, 20),
        decided,
        draw(st.sampled_from(["", "26001000123"])),
    )


@st.composite
def claims(draw: st.DrawFn) -> ClaimOut:
    dx = tuple(draw(st.lists(icd, min_size=1, max_size=12, unique=True)))
    lines = tuple(
        LineOut(
            draw(cpt),
            tuple(draw(mods)),
            draw(money),
            Decimal(draw(st.integers(1, 99))),
            tuple(draw(st.lists(st.integers(1, len(dx)), min_size=1, max_size=4, unique=True))),
            date(2026, 10, 1),
        )
        for _ in range(draw(st.integers(1, 8)))
    )
    dependent = draw(st.booleans())
    decided = draw(st.integers(0, 2))  # payers before this one: P, then S
    others = [
        OtherPayer(
            f"PAYER {n}",
            f"0441{n}",
            "1EG4TE5MK73",
            draw(person),
            "PST"[n],
            draw(st.sampled_from(["MB", "CI", "16"])),
            draw(st.sampled_from(["18", "01", "19", "G8"])),
            draw(st.sampled_from(["", "GRP7"])),
            _adjudication(draw, lines),
        )
        for n in range(decided)
    ]
    if decided < 2 and draw(st.booleans()):  # a payer after this one, not yet asked
        others.append(OtherPayer("LATER PLAN", "77001", "LP1", draw(person), "PST"[decided + 1]))
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    return ClaimOut(
        pcn=draw(st.from_regex(r"C[0-9]{6}", fullmatch=True)),
        total=sum((line.charge for line in lines), Decimal("0.00")),
        pos=draw(st.sampled_from(["11", "02", "22", "10"])),
        frequency=frequency,
        payer_name=draw(names),
        payer_id="62318",
        filing_indicator=draw(st.sampled_from(["CI", "MB", "MC", "BL", "HM"])),
        subscriber=draw(person),
        diagnoses=dx,
        lines=lines,
        rendering_npi="1234567893",
        rendering_last=draw(names),
        rendering_first=draw(names),
        payer_responsibility="PST"[decided],
        group_no=draw(st.sampled_from(["", "G1"])),
        patient=draw(person) if dependent else None,
        relationship="19" if dependent else "18",
        prior_auth=draw(st.sampled_from(["", "AUTH-1"])),
        original_claim_no="PAYER9" if frequency != "1" else "",
        other_payers=tuple(others),
        referring=draw(referring),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims(), min_size=1, max_size=4, unique_by=lambda c: c.pcn))
def test_generated_claims_validate_clean_and_balance(batch: list[ClaimOut]) -> None:
    written = write_837p(ENV, BILLING, batch)
    result = validate_x12(written.text)
    assert result.ok, [str(i) for i in result.issues]
    unknown = {"2010BA"} if any(c.subscriber.sex == "U" for c in batch) else set()
    if any(c.patient is not None and c.patient.sex == "U" for c in batch):
        unknown.add("2010CA")
    segments = list(iter_segments(written.text))
    if not _a_line_with_two_2430s(segments):
        assert_x12sdk_reads_837p(written.text, unknown_sex_at=unknown)
        if not unknown:
            referred = {c.pcn: c.referring.npi for c in batch if c.referring is not None}
            read = {pcn: ref[3] for pcn, ref in x12sdk_referring(written.text).items()}
            assert read == referred
    else:
        # Pinned (x12sdk 2.2.0): a line adjudicated by two payers (a tertiary claim), or unbundled
        # by one, carries two 2430 loops; the guide gives Loop 2430 LINE ADJUDICATION
        # INFORMATION "Repeat: 15". x12sdk sometimes keeps only one 2430 of such a line, then
        # counts fewer segments than SE01 and refuses the set: that, and only that, is allowed.
        try:
            assert_x12sdk_reads_837p(written.text, unknown_sex_at=unknown)
        except pytest.fail.Exception as exc:
            assert "SE segment count" in str(exc)
    assert edit_837p(written.text) == []  # our front-end edits, independent of the writer
    check_envelope(segments)
    assert set(written.claim_segments) == {c.pcn for c in batch}
    for pcn, (first, last) in written.claim_segments.items():
        assert segments[first - 1].id == "HL"
        assert any(s.id == "CLM" and s.get(1) == pcn for s in segments[first - 1 : last])
    by_pcn = {c.pcn: c for c in batch}
    for pcn, (first, last) in written.claim_segments.items():
        claim, mine = by_pcn[pcn], segments[first - 1 : last]
        ids = [s.id for s in mine]
        decided = [o for o in claim.other_payers if o.adjudication]
        assert ids.count("SVD") == len(claim.lines) * len(decided)
        assert ids.count("OI") == len(claim.other_payers)
        assert_balanced(claim, mine)


def test_the_referring_provider_is_loop_2310a_after_ref_and_hi_before_the_rendering() -> None:
    patient = Person("DOE", "JIM", date(2015, 1, 1), "M", BILLING.address)
    subscriber = Person("DOE", "JANE", date(1980, 1, 1), "F", BILLING.address, "M1")
    claim = ClaimOut("C1", Decimal("10"), "11", "1", "P", "62318", "CI", subscriber, ("I10",),
                     (LineOut("99213", (), Decimal("10"), Decimal(1), (1,), date(2026, 1, 1)),),
                     "1234567893", "STONE", "EVE", patient=patient, relationship="19",
                     prior_auth="AUTH-1",
                     referring=ReferringProvider("DN", "MOSS", "RAY", "1588667786"))  # fmt: skip
    text = write_837p(ENV, BILLING, [claim]).text
    assert_both_parsers_read_837p(text)
    assert x12sdk_referring(text) == {"C1": ("DN", "MOSS", "RAY", "1588667786")}
    order = ["*".join(s.elements) for s in iter_segments(text) if s.id in ("REF", "HI", "NM1")]
    assert order[-4:] == ["REF*G1*AUTH-1", "HI*ABK:I10", "NM1*DN*1*MOSS*RAY****XX*1588667786",
                     "NM1*82*1*STONE*EVE****XX*1234567893"]  # fmt: skip
    unreferred = write_837p(ENV, BILLING, [replace(claim, referring=None)]).text
    assert "NM1*DN" not in unreferred and x12sdk_referring(unreferred) == {}


def _a_line_with_two_2430s(segments: list[Segment]) -> bool:
    svds = 0
    for segment in segments:
        tag = segment.id
        if tag in ("LX", "HL", "SE"):
            svds = 0
        elif tag == "SVD":
            svds += 1
            if svds > 1:
                return True
    return False


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
