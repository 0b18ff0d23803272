"""x12sdk on 837Ps: the helper the loop tests call, and where x12sdk is stricter than the guide."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from medbill_tui.edi.validate import validate_x12
from tests.edi.x12sdk_837 import assert_x12sdk_reads_837p, unknown_sex_loop, x12sdk_errors
from tests.edi.x837_samples import PRIMARY, SECONDARY, SUBSCRIBER, x837

DEPENDENT = SUBSCRIBER.replace("*22*0~", "*22*1~") + (
    "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*DOE*JIM~\nN3*1 MAIN ST~\nN4*TOWN*NY*12345~\n"
    "DMG*D8*20150101*M~\n"
)


def test_x12sdk_reads_a_primary_and_a_secondary_claim() -> None:
    assert x12sdk_errors(x837(PRIMARY)) == []
    assert x12sdk_errors(x837(SECONDARY)) == []
    assert_x12sdk_reads_837p(x837(SECONDARY, DEPENDENT))


def test_the_helper_fails_the_test_with_x12sdks_words() -> None:
    broken = x837(PRIMARY.replace("SV1*HC:99213*70*UN*1***1:2~", "SV1*HC:99213*70*UN*1~"))
    with pytest.raises(pytest.fail.Exception, match=r"loop_2400.*sv1_segment"):
        assert_x12sdk_reads_837p(broken)


def test_an_expected_unknown_sex_must_be_there_and_be_the_only_error() -> None:
    unknown = x837(PRIMARY, DEPENDENT.replace("*19800101*F~", "*19800101*U~"))
    assert_x12sdk_reads_837p(unknown, unknown_sex_at={"2010BA"})
    with pytest.raises(AssertionError, match="drop unknown_sex_at"):
        assert_x12sdk_reads_837p(x837(PRIMARY, DEPENDENT), unknown_sex_at={"2010BA"})
    with pytest.raises(AssertionError, match=r"in \['2010BA'\], the test expected none"):
        assert_x12sdk_reads_837p(unknown)


def test_x12sdk_takes_only_f_or_m_where_the_guide_allows_u() -> None:
    """Pinned exception (x12sdk 2.2.0): DMG03 must be F or M for it.

    005010X222A1, 2010BA Subscriber Demographic Information and 2010CA Patient Demographic
    Information, DMG03 Administrative Gender Code (1068): "F Female, M Male, U Unknown". pyx12's
    X222A1 map lists the same three codes. Our output keeps U where the sex is unknown; tests
    name the loops where they expect it (`unknown_sex_at`).
    """
    assert version("x12sdk") == "2.2.0"
    text = x837(PRIMARY, DEPENDENT.replace("*F~", "*U~").replace("*M~", "*U~"))
    assert validate_x12(text).ok
    errors = x12sdk_errors(text)
    assert sorted(str(unknown_sex_loop(e)) for e in errors) == ["2010BA", "2010CA"]
