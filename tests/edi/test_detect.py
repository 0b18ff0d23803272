"""Telling X12 files apart; clear words for files medbill does not read."""

from __future__ import annotations

import pytest

from medbill_tui.edi.detect import (
    Detected,
    UnsupportedTransaction,
    detect_transaction,
    read_interchange,
)
from medbill_tui.edi.segments import X12SyntaxError, clean_text
from tests.conftest import X12_FIXTURES


def read(name: str) -> str:
    return clean_text((X12_FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("837p-stupidedi-commercial-health-insurance.x12", Detected("837P", "005010X222A1", 1)),
        ("837p-imsweb-many-claims-large.x12", Detected("837P", "005010X222A1", 1)),
        ("999-stupidedi-three-837s-partial.x12", Detected("999", "005010X231A1", 1)),
        ("999-imsweb-rejected.x12", Detected("999", "005010X231A1", 1)),
        ("999-imsweb-accepted-bad-iea.x12", Detected("999", "005010X231A1", 1)),
        ("277ca-imsweb-accepted.x12", Detected("277CA", "005010X214", 1)),
        ("277ca-imsweb-rejected.x12", Detected("277CA", "005010X214", 1)),
        ("835-pyx12-mult-loops.x12", Detected("835", "005010X221A1", 1)),
        ("835-stupidedi-secondary-payments.x12", Detected("835", "005010X221A1", 1)),
        ("270-x279a1-stupidedi-generic-request-clinic.x12", Detected("270", "005010X279A1", 1)),
        ("271-x279a1-stupidedi-error-response.x12", Detected("271", "005010X279A1", 1)),
        ("276-x212-stupidedi-claim-request.x12", Detected("276", "005010X212", 1)),
        ("277-x212-stupidedi-claim-response.x12", Detected("277", "005010X212", 1)),
    ],
)
def test_every_shared_fixture_is_detected(name: str, expected: Detected) -> None:
    assert detect_transaction(read(name)) == expected
    assert detect_transaction((X12_FIXTURES / name).read_bytes()) == expected  # bytes, BOM


def test_004010_files_are_refused_in_words() -> None:
    text = read("835-stupidedi-secondary-payments.x12")
    old = text.replace("*00501*", "*00401*", 1).replace("005010X221A1", "004010X091A1")
    with pytest.raises(UnsupportedTransaction, match="004010 file; medbill reads 005010 only"):
        detect_transaction(old)
    only_gs = text.replace("005010X221A1", "004010X091A1")
    with pytest.raises(UnsupportedTransaction, match="004010 file; medbill reads 005010 only"):
        detect_transaction(only_gs)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("GS*HC*", "GS*ZZ*", "GS01 'ZZ'"),
        ("005010X222A1", "005010X223A2", "837I institutional claims are not read"),
        ("GS*HC*", "GS*FA*", "997 acknowledgments"),
    ],
)
def test_unknown_transactions_are_refused_in_words(old: str, new: str, words: str) -> None:
    text = read("837p-stupidedi-commercial-health-insurance.x12").replace(old, new)
    with pytest.raises(UnsupportedTransaction, match=words):
        detect_transaction(text)


def test_wrong_kind_for_a_parser_names_both() -> None:
    with pytest.raises(UnsupportedTransaction, match="this is an 835 remittance, not a 999"):
        read_interchange(read("835-stupidedi-secondary-payments.x12"), "999")
    with pytest.raises(UnsupportedTransaction, match="270 eligibility files are not imported"):
        read_interchange(read("270-x279a1-stupidedi-generic-request-clinic.x12"), "835")


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("hello", "not an X12 file"), ("ISA*00*", "cut short")],
)
def test_not_x12_raises_syntax_error(text: str, words: str) -> None:
    with pytest.raises(X12SyntaxError, match=words):
        detect_transaction(text)


def test_no_group_and_no_set_are_syntax_errors() -> None:
    text = read("999-imsweb-rejected.x12")
    isa, iea = text.splitlines()[0], text.splitlines()[-1]
    with pytest.raises(X12SyntaxError, match="no GS"):
        detect_transaction(isa + iea)
    gs = text.splitlines()[1]
    with pytest.raises(X12SyntaxError, match="no ST"):
        detect_transaction(isa + gs + "GE*0*95832987~" + iea)


def test_envelope_mismatches_are_warnings_truncation_is_an_error() -> None:
    inter = read_interchange(read("999-imsweb-accepted-bad-iea.x12"), "999")
    assert inter.warnings == ("IEA02 '000000001' does not match ISA13 '000000286' (segment 10)",)
    text = read("835-stupidedi-secondary-payments.x12")
    with pytest.raises(X12SyntaxError, match="truncated: it ends with SVC"):
        read_interchange(text[: text.index("~DTM*472")], "835")
    with pytest.raises(X12SyntaxError, match="SE is missing"):
        read_interchange(text.replace("~SE*39*0001", ""), "835")
    with pytest.raises(X12SyntaxError, match="has no GE"):
        read_interchange(text.replace("~GE*1*20213", ""), "835")
