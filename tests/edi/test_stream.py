"""Streaming X12: chunked reading gives the same segments, bounded memory, clear errors."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest

from medbill_tui.edi.detect import UnsupportedTransaction, read_interchange
from medbill_tui.edi.segments import (
    MAX_SEGMENT_CHARS,
    X12Stream,
    X12SyntaxError,
    clean_text,
    iter_segments,
)
from medbill_tui.edi.stream import (
    FileChanged,
    detect_file,
    scan_file,
    stream_segments,
    stream_sets,
)
from medbill_tui.edi.x835 import iter_835, parse_835_all, parse_835_set, read_835_sets
from medbill_tui.edi.x999 import iter_999, parse_999_all
from tests.conftest import X12_FIXTURES
from tests.edi.large_x12 import write_835

FIXTURES = sorted(X12_FIXTURES.glob("*.x12"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_chunked_reading_gives_the_segments_of_the_whole_text(path: Path) -> None:
    content = path.read_bytes()
    try:
        whole: object = list(iter_segments(clean_text(content)))
    except X12SyntaxError as exc:
        whole = str(exc)
    for chunk in (5, 106, 4096):
        try:
            stream = X12Stream(io.BytesIO(content), chunk)
            streamed: object = list(stream.segments())
            assert stream.sha256 == hashlib.sha256(content).hexdigest()
        except X12SyntaxError as exc:
            streamed = str(exc)
        assert streamed == whole


def test_a_utf8_letter_split_across_chunks_is_read_whole(tmp_path: Path) -> None:
    good = (X12_FIXTURES / "835-stupidedi-secondary-payments.x12").read_text()
    content = good.replace("NM1*QC*1*", "NM1*QC*1*MÜLLER", 1).encode("utf-8")
    for chunk in range(1, 12):
        segments = list(X12Stream(io.BytesIO(content), chunk).segments())
        assert any("MÜLLER" in s.get(3) for s in segments)
    latin1 = good.replace("NM1*QC*1*", "NM1*QC*1*MÜLLER", 1).encode("latin-1")
    assert any("MÜLLER" in s.get(3) for s in X12Stream(io.BytesIO(latin1), 7).segments())


def test_streamed_parsers_read_what_the_whole_text_parsers_read(tmp_path: Path) -> None:
    for name in ("835-stupidedi-secondary-payments.x12", "835-pyx12-mult-loops.x12"):
        path = X12_FIXTURES / name
        scan = scan_file(path, "835", chunk_bytes=64)
        streamed = tuple(iter_835(scan.interchange(), stream_sets(path, scan, chunk_bytes=64)))
        assert streamed == parse_835_all(path.read_bytes())
    path = X12_FIXTURES / "999-stupidedi-three-837s-partial.x12"
    scan = scan_file(path, "999")
    assert tuple(iter_999(scan.interchange(), stream_sets(path, scan))) == parse_999_all(
        path.read_bytes()
    )
    generated = tmp_path / "gen.835"
    write_835(generated, payments=3, claims=40)
    scan = scan_file(generated, chunk_bytes=333)
    assert (scan.detected.kind, scan.detected.st_count, scan.warnings) == ("835", 3, ())
    remits = tuple(iter_835(scan.interchange(), stream_sets(generated, scan, chunk_bytes=333)))
    assert remits == parse_835_all(generated.read_text())
    assert [len(r.claims) for r in remits] == [40, 40, 40]


def test_memory_stays_bounded_while_a_large_835_is_read(tmp_path: Path) -> None:
    """35 MB in 60 payments: reading, checking and parsing holds a chunk and one payment.

    Long claim-level REF segments make the file big with few segments, so the test is quick
    even under tracemalloc; the reader never sees the whole file either way."""
    path = tmp_path / "large.835"
    size = write_835(path, payments=60, claims=12, memo=48_000)
    assert size > 30_000_000
    tracemalloc.start()
    try:
        scan = scan_file(path)
        claims = 0
        for tset in stream_sets(path, scan):
            claims += len(parse_835_set(tset, scan.interchange()).claims)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert claims == 60 * 12 and scan.size == size
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_the_claim_by_claim_reader_reads_what_the_whole_set_parser_reads(tmp_path: Path) -> None:
    generated = tmp_path / "gen.835"
    write_835(generated, payments=3, claims=7)
    paths = [
        X12_FIXTURES / "835-stupidedi-secondary-payments.x12",
        X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12",
        X12_FIXTURES / "835-pyx12-mult-loops.x12",
        generated,
    ]
    for path in paths:
        scan = scan_file(path, "835", chunk_bytes=64)
        inter = scan.interchange()
        remits, raws = [], []
        for reader in read_835_sets(inter, stream_segments(path, scan, 64), keep_raw=True):
            parts = [reader.take_raw() or b""]
            claims = []
            for claim in reader.claims():
                claims.append(claim)
                parts.append(reader.take_raw() or b"")
            parts.append(reader.take_raw() or b"")
            remits.append(reader.head.with_claims(tuple(claims), tuple(reader.plb)))
            raws.append(b"".join(parts))
        assert tuple(remits) == parse_835_all(path.read_bytes())
        whole = read_interchange(path.read_bytes(), "835")
        element, end = whole.delimiters.element, whole.delimiters.segment + "\n"
        assert raws == [
            "".join(element.join(seg.elements) + end for seg in tset.segments).encode()
            for tset in whole.sets
        ]


def test_a_set_left_unread_is_skipped_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "gen.835"
    write_835(path, payments=3, claims=5)
    scan = scan_file(path)
    readers = read_835_sets(scan.interchange(), stream_segments(path, scan, 100))
    heads = []
    for number, reader in enumerate(readers):
        heads.append(reader.head.trace_no)
        if number == 1:
            assert next(reader.claims()).pcn == "LARGE00002X00001"  # then left half read
        assert reader.take_raw() is None
    assert heads == ["LARGE0000001", "LARGE0000002", "LARGE0000003"]


def test_memory_stays_bounded_while_one_set_of_many_claims_is_read(tmp_path: Path) -> None:
    """One ST set of 1,500 claims (~36 MB): read claim by claim, with its raw segments taken
    every 20 claims, it holds a chunk of the file and 20 claims' segments, not the set."""
    path = tmp_path / "one-set.835"
    size = write_835(path, payments=1, claims=1_500, memo=24_000)
    assert size > 36_000_000
    tracemalloc.start()
    try:
        scan = scan_file(path)
        reader = next(read_835_sets(scan.interchange(), stream_segments(path, scan), True))
        claims = raw = 0
        for claims, _ in enumerate(reader.claims(), start=1):
            if claims % 20 == 0:
                raw += len(reader.take_raw() or b"")
        raw += len(reader.take_raw() or b"")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert claims == 1_500 and raw > size * 0.99
    assert peak < size / 5, f"peak {peak:,} bytes for a {size:,}-byte set"


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda t: b"", "empty"),
        (lambda t: b"%PDF-1.4 not x12" * 20, "not an X12 file"),
        (lambda t: t[:60], "cut short"),
        (lambda t: t.replace(b"*ZZ*PAYER01        *", b"*ZZ*PAYER01*", 1), "106 characters"),
        (lambda t: t[: t.index(b"SVC*")], "truncated: it ends with REF, not IEA"),
        (lambda t: t[: t.index(b"GS*") + 20], "truncated: it ends with GS"),
        (lambda t: t.replace(b"~\nSE*", b"~~\nSE*", 1), "empty segment"),
        (lambda t: t.replace(b"\nSE*", b"\nXE*", 1), "ST inside transaction set '0001'"),
        (lambda t: t.replace(b"~\nGE*", b"~\nLX*1~\nGE*", 1), "LX segment outside"),
        (lambda t: t + b"GS*HP*X~\nIEA*1*000000777~", "GS after the IEA"),
    ],
)
def test_bad_files_fail_the_scan_with_words(tmp_path: Path, mutate: object, words: str) -> None:
    good = tmp_path / "good.835"
    write_835(good, payments=2, claims=2, memo=10)
    bad = tmp_path / "bad.835"
    bad.write_bytes(mutate(good.read_bytes()))  # type: ignore[operator]
    with pytest.raises(X12SyntaxError, match=words):
        scan_file(bad)


def test_other_versions_and_kinds_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.835"
    write_835(path, payments=1, claims=1)
    good = path.read_bytes()
    path.write_bytes(good.replace(b"*00501*", b"*00401*", 1))
    with pytest.raises(UnsupportedTransaction, match="004010 file"):
        scan_file(path)
    path.write_bytes(good)
    with pytest.raises(UnsupportedTransaction, match="this is an 835 remittance, not a 999"):
        scan_file(path, "999")
    mixed = good.replace(
        b"GE*1*777~\n",
        b"GE*1*777~\n"
        + good[good.index(b"GS*") : good.index(b"GE*")]
        .replace(b"GS*HP*", b"GS*FA*")
        .replace(b"X221A1", b"X231A1")
        + b"GE*1*777~\n",
    )
    path.write_bytes(mixed)  # fmt: skip
    with pytest.raises(UnsupportedTransaction, match="mixes transaction types"):
        scan_file(path)


def test_a_missing_terminator_stops_at_the_segment_limit(tmp_path: Path) -> None:
    path = tmp_path / "no-terminator.x12"
    head = (X12_FIXTURES / "999-imsweb-rejected.x12").read_bytes()[:107]
    with path.open("wb") as out:
        out.write(head + b"GS*FA" + b"*X" * (MAX_SEGMENT_CHARS // 2 + 10))
    with pytest.raises(X12SyntaxError, match="no segment terminator"):
        scan_file(path)


def test_detection_reads_the_head_and_hashes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "head.835"
    write_835(path, payments=1, claims=1)
    content = path.read_bytes() + b"\x00 anything after the head is hashed, not parsed"
    path.write_bytes(content)
    detected, sha = detect_file(path)
    assert (detected.kind, detected.gs08) == ("835", "005010X221A1")
    assert sha == hashlib.sha256(content).hexdigest()
    path.write_bytes(content[:60])
    with pytest.raises(X12SyntaxError, match="cut short"):
        detect_file(path)


def test_a_file_that_changes_between_the_passes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "changing.835"
    write_835(path, payments=2, claims=2)
    scan = scan_file(path)
    path.write_bytes(path.read_bytes().replace(b"JANE", b"JOHN"))
    with pytest.raises(FileChanged, match="changed while"):
        list(stream_sets(path, scan))
