"""999 acknowledgments: the three shared samples, read exactly; broken inputs in words."""

from __future__ import annotations

import pytest

from medbill_tui.edi.detect import MultipleTransactions, UnsupportedTransaction
from medbill_tui.edi.segments import X12SyntaxError, clean_text
from medbill_tui.edi.x999 import AckError, parse_999, parse_999_all
from tests.conftest import X12_FIXTURES


def read(name: str) -> str:
    return clean_text((X12_FIXTURES / name).read_bytes())


def test_three_837s_partly_accepted_with_bom() -> None:
    ack = parse_999((X12_FIXTURES / "999-stupidedi-three-837s-partial.x12").read_bytes())
    assert (ack.functional_id, ack.group_control, ack.version) == ("HC", "17456", "005010X222A2")
    assert ack.group_status == "P" and not ack.accepted
    assert (ack.sets_included, ack.sets_received, ack.sets_accepted) == (3, 3, 1)
    assert ack.group_status_words.startswith("partly accepted")
    assert (ack.interchange_control, ack.ack_control) == ("000010216", "2870001")
    assert ack.warnings == ()
    assert [(s.control, s.status, s.set_codes) for s in ack.sets] == [
        ("0001", "A", ()),
        ("0002", "R", ("5",)),
        ("0003", "R", ("5",)),
    ]
    assert ack.sets[0].accepted and not ack.sets[1].accepted
    assert ack.sets[0].errors == ()
    assert ack.sets[1].errors == (
        AckError(
            segment_id="CLM",
            segment_position=22,
            loop="",
            segment_code="8",
            element_position=2,
            component_position=None,
            element_ref="782",
            element_code="1",
            bad_value="",
            context=("claim 123456789",),
            claim_pcn="123456789",
            words="CLM segment #22: the segment has element errors [claim 123456789]; "
            "CLM02 (data element 782): a required element is missing",
        ),
    )
    (ref_error,) = ack.sets[2].errors
    assert (ref_error.segment_id, ref_error.segment_position, ref_error.segment_code) == (
        "REF",
        57,
        "3",
    )
    assert ref_error.element_position is None and ref_error.claim_pcn == "987654321"
    assert ref_error.context == ("situational trigger: CLM at position 43 element 5.3",
                                 "claim 987654321")  # fmt: skip
    assert ref_error.words == "REF segment #57: a required segment is missing [claim 987654321]"
    assert ack.sets[1].words == "837 set 0002: rejected (one or more segments have errors)"


def test_rejected_with_pipe_component_separator() -> None:
    ack = parse_999(read("999-imsweb-rejected.x12"))
    assert (ack.functional_id, ack.group_control, ack.version, ack.group_status) == (
        "HC",
        "28",
        "005010X223A2",
        "R",
    )
    (one,) = ack.sets
    assert (one.transaction_id, one.control, one.version, one.status) == ("837", "0028", "", "R")
    (error,) = one.errors
    assert (error.segment_id, error.segment_position, error.segment_code) == ("NM", 17, "1")
    assert error.words == "NM segment #17: the segment id is not recognized"
    assert (ack.sender_id, ack.receiver_id) == ("EMEDNYBAT", "ETIN")


def test_bad_iea_is_read_with_a_warning() -> None:
    ack = parse_999(read("999-imsweb-accepted-bad-iea.x12"))
    assert ack.accepted and ack.group_control == "17456" and ack.version == "005010X223A2"
    assert [(s.control, s.status) for s in ack.sets] == [("0001", "A")]
    assert ack.warnings == ("IEA02 '000000001' does not match ISA13 '000000286' (segment 10)",)


def test_ik4_composite_position_and_bad_value() -> None:
    text = (
        read("999-imsweb-rejected.x12")
        .replace("IK3*NM*17**1~", "IK3*CLM*17*2300*8~CTX*CLM01|PCN1~IK4*5|3*1325*7*9~")
        .replace("SE*7*", "SE*9*")
    )
    (error,) = parse_999(text).sets[0].errors
    assert (error.element_position, error.component_position, error.element_ref) == (5, 3, "1325")
    assert (error.element_code, error.bad_value, error.loop, error.claim_pcn) == (
        "7",
        "9",
        "2300",
        "PCN1",
    )
    assert error.words == (
        "CLM segment #17 (loop 2300): the segment has element errors [claim PCN1]; "
        "CLM05-3 (data element 1325): the code is not a valid value here (value '9')"
    )


def test_two_groups_need_parse_999_all() -> None:
    text = read("999-imsweb-accepted-bad-iea.x12")
    body = text[text.index("AK1*") : text.index("SE*")]
    second = body.replace("AK1*HC*17456*", "AK1*HC*17457*")
    doubled = text.replace(body, body + second).replace("SE*6*0001", "SE*10*0001")
    acks = parse_999_all(doubled)
    assert [a.group_control for a in acks] == ["17456", "17457"]
    with pytest.raises(MultipleTransactions, match="use parse_999_all"):
        parse_999(doubled)


def test_bad_inputs_raise_clear_errors() -> None:
    good = read("999-imsweb-rejected.x12")
    with pytest.raises(X12SyntaxError, match="empty"):
        parse_999("")
    with pytest.raises(X12SyntaxError, match="not an X12 file"):
        parse_999("this is not x12")
    with pytest.raises(X12SyntaxError, match="truncated"):
        parse_999(good[: good.index("AK9")])
    with pytest.raises(UnsupportedTransaction, match="004010 file"):
        parse_999(good.replace("*00501*", "*00401*").replace("005010X231A1", "004010"))
    with pytest.raises(UnsupportedTransaction, match="this is an 835 remittance, not a 999"):
        parse_999(read("835-stupidedi-secondary-payments.x12"))
    with pytest.raises(X12SyntaxError, match="IK4 without an IK3"):
        parse_999(good.replace("IK3*NM*17**1~", "IK4*1**1~"))
    with pytest.raises(X12SyntaxError, match="has no IK5 before AK9"):
        parse_999(good.replace("IK5*R*5~", "CTX*X~"))
    with pytest.raises(X12SyntaxError, match="AK902 'x' is not a number"):
        parse_999(good.replace("AK9*R*1*1*0", "AK9*R*x*1*0"))


def test_a_999_written_by_pyx12_reads_back() -> None:
    """pyx12 answers the wheelchair sample (PWK02 = AD) with its own 999 (GS08 005010X231)."""
    import io
    import logging

    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    out = io.StringIO()
    source = io.StringIO(read("837p-stupidedi-wheelchair-pwk-error.x12"))
    pyx12.x12n_document.x12n_document(pyx12.params.params(), source, out, None)
    ack = parse_999(out.getvalue())
    assert (ack.group_control, ack.group_status, ack.sets_accepted) == ("20213", "R", 0)
    (one,) = ack.sets
    (error,) = one.errors
    assert (one.control, error.segment_id, error.segment_position, error.bad_value) == (
        "112233",
        "PWK",
        24,
        "AD",
    )
    assert error.words.endswith(
        "PWK02 (data element 756): the code is not a valid value here (value 'AD')"
    )
