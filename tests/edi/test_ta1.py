"""TA1 interchange acknowledgments: told apart from other files and read into words."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill_tui.edi.detect import UnsupportedTransaction, detect_transaction
from medbill_tui.edi.segments import X12SyntaxError
from medbill_tui.edi.stream import detect_file, scan_file
from medbill_tui.edi.ta1 import parse_ta1, read_ta1s
from medbill_tui.edi.x999 import parse_999
from tests.conftest import X12_FIXTURES
from tests.services.test_envelope_acks import group_999, isa, ta1


def test_a_file_of_ta1s_is_a_ta1_file(tmp_path: Path) -> None:
    text = isa(5) + "TA1*000000042*261207*1159*R*006~TA1*000000043*261207*1159*A*000~IEA*0*5~"
    assert detect_transaction(text).kind == "TA1"
    path = tmp_path / "x.ta1"
    path.write_text(text, encoding="ascii")
    scan = scan_file(path)
    assert scan.detected.kind == "TA1" and detect_file(path)[0].kind == "TA1"
    first, second = read_ta1s(scan.ta1s, scan.isa)
    assert first.rejected and not second.rejected
    assert first.words == "interchange 000000042 rejected: the sender ID is not valid (TA105 006)"
    assert second.words == "interchange 000000043 accepted"
    assert first.reason == "TA1 006: the sender ID is not valid (interchange 000000042 rejected)"
    assert second.reason == "TA1: interchange 000000043 accepted"
    assert parse_ta1(text) == (first, second)


def test_a_ta1_is_not_taken_for_another_kind() -> None:
    with pytest.raises(UnsupportedTransaction, match="999 acknowledgment, not a TA1"):
        parse_ta1((X12_FIXTURES / "999-imsweb-rejected.x12").read_text())


@pytest.mark.parametrize(
    ("segment", "words"),
    [
        ("TA1*000000042*261207*1159*Q*006", "TA104 'Q' is not A, E or R"),
        ("TA1*ABC*261207*1159*R*006", "TA101 'ABC' is not an interchange control number"),
        ("TA1*000000042*261207*1159*R*", "TA105 '' is not an interchange note code"),
    ],
)
def test_a_malformed_ta1_is_refused_with_words(segment: str, words: str) -> None:
    with pytest.raises(X12SyntaxError, match=words):
        parse_ta1(isa(5) + segment + "~IEA*0*5~")


def test_a_file_cut_short_is_refused() -> None:
    with pytest.raises(X12SyntaxError, match="truncated"):
        parse_ta1(ta1("000000042", "R", "006").removesuffix("IEA*0*000000902~"))


@pytest.mark.parametrize(
    ("body", "rejects"),
    [
        ("AK9*R*1*1*0*5", True),
        ("AK9*W*1*1*0", True),
        ("AK9*E*1*1*1", False),
        ("AK9*A*1*1*1", False),
        ("IK5*R*5~AK9*P*1*1*0", True),
        ("AK2*837*0001~IK5*A~AK9*P*2*2*1", False),
    ],
)
def test_which_999_groups_are_rejected_whole(body: str, rejects: bool) -> None:
    assert parse_999(group_999("12", body)).rejects_group is rejects
