"""X12 tokenizing and envelope checks, on the shared real-world fixtures and broken copies."""

from __future__ import annotations

import pytest

from medbill_tui.edi.segments import (
    Delimiters,
    SegmentWriter,
    X12SyntaxError,
    check_envelope,
    clean_text,
    composite,
    delimiters_from_isa,
    iter_segments,
)
from tests.conftest import X12_FIXTURES

FIXTURES = X12_FIXTURES
GOOD = FIXTURES / "837p-stupidedi-commercial-health-insurance.x12"


def read(name: str) -> str:
    return clean_text((FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    "name",
    [
        "837p-stupidedi-commercial-health-insurance.x12",
        "835-stupidedi-multiple-claims-single-check.x12",
        "999-imsweb-rejected.x12",
        "999-stupidedi-three-837s-partial.x12",
        "277ca-imsweb-rejected.x12",
    ],
)
def test_real_files_tokenize_with_their_own_delimiters(name: str) -> None:
    segments = list(iter_segments(read(name)))
    check_envelope(segments)
    assert segments[0].id == "ISA" and segments[-1].id == "IEA"


def test_pipe_component_separator_is_read_from_the_isa() -> None:
    assert delimiters_from_isa(read("999-imsweb-rejected.x12")).component == "|"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("837p-imsweb-segment-errors.x12", "SE says 25 segments"),
        ("999-imsweb-accepted-bad-iea.x12", "IEA02"),
    ],
)
def test_known_envelope_errors_are_reported(name: str, words: str) -> None:
    with pytest.raises(X12SyntaxError, match=words):
        check_envelope(list(iter_segments(read(name))))


def test_broken_inputs_get_clear_errors() -> None:
    good = GOOD.read_text()
    cases = {
        "": "empty",
        "hello world": "not an X12 file",
        good[:60]: "cut short",
        good.replace("*ZZ*123456789012345*", "*ZZ*1234*", 1): "106 characters",
        good[: good.index("SE*")]: "truncated",
        good.replace("~N3*", "~~N3*", 1): "empty segment",
    }
    for text, words in cases.items():
        with pytest.raises(X12SyntaxError, match=words):
            check_envelope(list(iter_segments(text)))


def test_writer_pads_nothing_and_cleans_delimiters_from_data() -> None:
    writer = SegmentWriter(Delimiters(), newline=False)
    writer.add("NM1", "IL", "1", "O*Brien~", "Zoë", "", "", "", "MI", "X1")
    writer.add("SV1", composite("HC", "99213", "25", ""), "40", "UN", "1", "", "", composite(1, 2))
    assert writer.text() == "NM1*IL*1*O BRIEN*ZOE****MI*X1~SV1*HC:99213:25*40*UN*1***1:2~"
    assert writer.count == 2
