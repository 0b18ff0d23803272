"""Inbound X12 files of any size: one streamed pass checks, a second streams transaction sets.

`scan_file` reads a file in chunks (never whole), hashes it, checks the envelope and tells its
kind; `stream_sets` yields its ST..SE sets one at a time for the parsers (`iter_999`,
`iter_277ca`), so memory is bounded by the largest set, not by the file; `stream_segments`
yields the sets' segments one at a time (the 835 reader, `x835_reader`, goes claim by claim).
`detect_file` reads only the head (up to the first ST) to tell the kind.

Both passes walk the segments through the same `EnvelopeWalk`: structural problems (a set
without SE, a group without GE, a file cut short) are errors; count and control-number
mismatches are warnings, in the words `check_envelope` uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medbill_tui.edi.detect import (
    TA1_ONLY,
    Detected,
    Interchange,
    Kind,
    TransactionSet,
    UnsupportedTransaction,
    check_isa_version,
    kind_of_group,
    require_kind,
)
from medbill_tui.edi.segments import CHUNK_BYTES, Delimiters, Segment, X12Stream, X12SyntaxError

MAX_WARNINGS = 20
MAX_TA1 = 1000
"""The most TA1 segments (one per interchange answered) a file may hold; all are kept."""


class FileChanged(X12SyntaxError):
    """The file's bytes differ from the pass that checked them (it is still being written?)."""


@dataclass(frozen=True, slots=True)
class Scan:
    """What the checking pass learned: hash, size, kind, envelope heads and warnings."""

    sha256: str
    size: int
    delimiters: Delimiters
    isa: Segment
    gs: Segment | None
    ak1: Segment | None
    detected: Detected
    warnings: tuple[str, ...]
    segments: int
    ta1s: tuple[Segment, ...] = ()

    def interchange(self) -> Interchange:
        """The envelope as the parsers want it (its sets come from `stream_sets`)."""
        return Interchange(self.isa, self.delimiters, self.detected, (), self.warnings)


class EnvelopeWalk:
    """Walks the segments of one interchange in order, checking ISA/GS/ST nesting and counts."""

    def __init__(self, expected: Kind | None = None) -> None:
        self.expected = expected
        self.isa: Segment | None = None
        self.gs_first: Segment | None = None
        self.ak1: Segment | None = None
        self.kind: Kind | None = None
        self.st_count = 0
        self.segments = 0
        self.warnings: list[str] = []
        self._dropped = 0
        self.ta1s: list[Segment] = []

    def _warn(self, words: str, number: int) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(f"segment {number}: {words}")
        else:
            self._dropped += 1

    def _group(self, gs: Segment) -> None:
        kind = kind_of_group(gs)
        if self.kind is None:
            self.kind, self.gs_first = kind, gs
            if self.expected is not None:
                require_kind(Detected(kind, gs.get(8), 1), self.expected)
        elif kind != self.kind:
            raise UnsupportedTransaction(
                f"the file mixes transaction types ({', '.join(sorted((kind, self.kind)))}); "
                "send one kind per file"
            )

    def walk(
        self, segments: Iterator[Segment], collect: bool, head_only: bool = False
    ) -> Iterator[TransactionSet]:
        """Check every segment; yield each ST..SE set when `collect` (else yield nothing).

        `head_only` stops at the first ST (enough to tell the kind)."""
        body: list[Segment] = []
        for gs, seg in self.walk_segments(segments, collect, head_only):
            body.append(seg)
            if seg.elements[0] == "SE":
                yield TransactionSet(gs, tuple(body))
                body = []

    def walk_segments(
        self, segments: Iterator[Segment], collect: bool, head_only: bool = False
    ) -> Iterator[tuple[Segment, Segment]]:
        """Check every segment; yield each segment of a set (ST to SE) with the GS of its group
        when `collect` (else yield nothing): nothing but the segment at hand is held."""
        gs: Segment | None = None
        st: Segment | None = None
        iea: Segment | None = None
        last: Segment | None = None
        groups = in_group = 0
        following = next(segments, None)
        while following is not None:
            seg = last = following
            following = next(segments, None)
            sid = seg.elements[0]
            if following is None and sid != "IEA":  # checked first: a cut file is truncated
                raise X12SyntaxError(
                    f"the file is truncated: it ends with {sid}, not IEA", seg.number
                )
            if st is not None:
                if sid == "SE":
                    count = seg.number - st.number + 1
                    if seg.get(1) != str(count) or seg.get(2) != st.get(2):
                        words = (
                            f"SE says {seg.get(1)} segments, control {seg.get(2)!r}; "
                            f"the set has {count}, control {st.get(2)!r}"
                        )
                        self._warn(words, seg.number)
                    st, in_group = None, in_group + 1
                elif sid == "AK1" and self.ak1 is None:
                    self.ak1 = seg
                elif sid in ("ST", "GS", "GE", "IEA"):
                    raise X12SyntaxError(
                        f"{sid} inside transaction set {st.get(2)!r}: its SE is missing", seg.number
                    )
                if collect:
                    assert gs is not None
                    yield gs, seg
                continue
            if iea is not None:
                raise X12SyntaxError(
                    f"{sid} after the IEA: a file must hold one interchange", seg.number
                )
            if sid == "ST":
                if gs is None:
                    raise X12SyntaxError(
                        "ST outside a functional group (no GS before it)", seg.number
                    )
                st, self.st_count = seg, self.st_count + 1
                if head_only:
                    return
                if collect:
                    yield gs, seg
            elif sid == "GS":
                if gs is not None:
                    raise X12SyntaxError("GS inside another group: the GE is missing", seg.number)
                self._group(seg)
                gs, in_group = seg, 0
            elif sid == "GE":
                if gs is None:
                    raise X12SyntaxError("GE without its GS", seg.number)
                if seg.get(1) != str(in_group) or seg.get(2) != gs.get(6):
                    self._warn(
                        f"GE says {seg.get(1)} set(s), control {seg.get(2)!r}; the group "
                        f"has {in_group}, control {gs.get(6)!r}",
                        seg.number,
                    )
                gs, groups = None, groups + 1
            elif sid == "IEA":
                iea = seg
            elif sid == "ISA" and self.isa is None:
                check_isa_version(seg)
                self.isa = seg
            elif sid == "TA1":
                if len(self.ta1s) == MAX_TA1:
                    raise X12SyntaxError(f"more than {MAX_TA1} TA1 segments", seg.number)
                self.ta1s.append(seg)
            else:
                raise X12SyntaxError(f"{sid} segment outside a transaction set", seg.number)
        if last is None or self.isa is None:
            raise X12SyntaxError("the file is empty")
        self.segments = last.number
        self._finish(last, iea, gs, st, groups)

    def _finish(
        self,
        last: Segment,
        iea: Segment | None,
        gs: Segment | None,
        st: Segment | None,
        n: int,
    ) -> None:
        assert self.isa is not None
        if iea is None:
            raise X12SyntaxError(
                f"the file is truncated: it ends with {last.id}, not IEA", last.number
            )
        if self.kind is None and not self.ta1s:
            raise X12SyntaxError("there is no GS (functional group) segment", last.number)
        if self.kind is not None and not self.st_count:
            assert self.gs_first is not None
            raise X12SyntaxError("there is no ST (transaction set) segment", self.gs_first.number)
        if st is not None:
            raise X12SyntaxError(f"the file is truncated: set {st.get(2)!r} has no SE", last.number)
        if gs is not None:
            raise X12SyntaxError(
                f"the file is truncated: group {gs.get(6)!r} has no GE", last.number
            )
        if iea.get(2) != self.isa.get(13):
            self._warn(
                f"IEA02 {iea.get(2)!r} does not match ISA13 {self.isa.get(13)!r}", iea.number
            )
        if iea.get(1) != str(n):
            self._warn(f"IEA01 says {iea.get(1)} group(s); there are {n}", iea.number)
        if self._dropped:
            self.warnings.append(f"… and {self._dropped} more envelope warning(s)")

    def detected(self) -> Detected:
        """The kind, the first group's GS08 and the number of sets seen (a file of TA1s only:
        `TA1_ONLY`)."""
        if self.kind is None and self.ta1s:
            if self.expected is not None:
                require_kind(TA1_ONLY, self.expected)
            return TA1_ONLY
        assert self.kind is not None and self.gs_first is not None
        return Detected(self.kind, self.gs_first.get(8), self.st_count)


def scan_file(path: Path, expected: Kind | None = None, chunk_bytes: int = CHUNK_BYTES) -> Scan:
    """Read the whole file once in chunks: hash, envelope check, kind. Raises on bad input."""
    with path.open("rb") as handle:
        stream = X12Stream(handle, chunk_bytes)
        walk = EnvelopeWalk(expected)
        for _ in walk.walk(stream.segments(), collect=False):
            pass
    assert walk.isa is not None
    return Scan(
        stream.sha256,
        stream.size,
        stream.delimiters,
        walk.isa,
        walk.gs_first,
        walk.ak1,
        walk.detected(),
        tuple(walk.warnings),
        walk.segments,
        tuple(walk.ta1s),
    )


def stream_sets(path: Path, scan: Scan, chunk_bytes: int = CHUNK_BYTES) -> Iterator[TransactionSet]:
    """The file's transaction sets one at a time; raises `FileChanged` if its bytes changed."""
    with path.open("rb") as handle:
        stream = X12Stream(handle, chunk_bytes)
        walk = EnvelopeWalk(scan.detected.kind)
        yield from walk.walk(stream.segments(), collect=True)
        if stream.sha256 != scan.sha256:
            raise FileChanged("the file changed while it was being imported; try again")


def stream_segments(
    path: Path, scan: Scan, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[Segment, Segment]]:
    """Each segment of the file's sets (ST to SE) with its group's GS, one at a time, for a
    reader that must not hold a whole set (an 835 of 300,000 claims in one ST set); raises
    `FileChanged` if the file's bytes changed."""
    with path.open("rb") as handle:
        stream = X12Stream(handle, chunk_bytes)
        walk = EnvelopeWalk(scan.detected.kind)
        yield from walk.walk_segments(stream.segments(), collect=True)
        if stream.sha256 != scan.sha256:
            raise FileChanged("the file changed while it was being imported; try again")


def detect_file(path: Path) -> tuple[Detected, str]:
    """Kind of a file from its head (up to its first ST), and the SHA-256 of all its bytes.

    The rest of the file is hashed, not parsed (its errors show when it is imported), so the
    returned `st_count` is 1.
    """
    with path.open("rb") as handle:
        stream = X12Stream(handle)
        walk = EnvelopeWalk()
        for _ in walk.walk(stream.segments(), collect=False, head_only=True):
            pass
        stream.drain()
    return walk.detected(), stream.sha256
