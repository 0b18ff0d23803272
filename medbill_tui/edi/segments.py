"""X12 syntax: delimiters from the ISA, splitting text into segments, writing segments.

Reading never trusts a file: the ISA must be exactly 106 characters with its delimiters at the
fixed positions, and every problem is an `X12SyntaxError` naming the segment number.
`X12Stream` reads a file of any size in chunks (bounded memory) and hashes it on the way.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

ISA_LENGTH = 106
CHUNK_BYTES = 1 << 20
MAX_SEGMENT_CHARS = 1 << 20  # far above any real segment; a missing terminator stops here
LENIENT = "medbill-latin1"


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Latin-1 (one character per byte)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(LENIENT, _latin1_fallback)


class X12SyntaxError(ValueError):
    """The text is not well-formed X12; `segment_no` is 1-based (ISA = 1), 0 when unknown."""

    def __init__(self, message: str, segment_no: int = 0) -> None:
        self.segment_no = segment_no
        where = f"segment {segment_no}: " if segment_no else ""
        super().__init__(f"{where}{message}")


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 separators (5010 defaults: * ^ : ~)."""

    element: str = "*"
    repetition: str = "^"
    component: str = ":"
    segment: str = "~"

    def all(self) -> frozenset[str]:
        return frozenset((self.element, self.repetition, self.component, self.segment))


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its id and elements (index 1 = the first element, like X12's XX01)."""

    number: int
    elements: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.elements[0]

    def get(self, position: int, default: str = "") -> str:
        """Element `position` (1-based), or `default` when absent."""
        return self.elements[position] if position < len(self.elements) else default

    def component(self, position: int, index: int, delimiters: Delimiters) -> str:
        """Component `index` (1-based) of composite element `position`."""
        parts = self.get(position).split(delimiters.component)
        return parts[index - 1] if index - 1 < len(parts) else ""


def clean_text(raw: bytes | str) -> str:
    """Decode bytes (UTF-8 with or without BOM, else Latin-1) and drop a leading BOM."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    else:
        text = raw
    return text.lstrip("\ufeff")


def delimiters_from_isa(text: str) -> Delimiters:
    """Read the delimiters from the fixed ISA positions; raise when it is not an ISA."""
    stripped = text.lstrip()
    if not stripped:
        raise X12SyntaxError("the file is empty")
    if not stripped.startswith("ISA"):
        raise X12SyntaxError("this is not an X12 file: it does not start with ISA", 1)
    if len(stripped) < ISA_LENGTH:
        raise X12SyntaxError(
            f"the ISA segment is cut short ({len(stripped)} of {ISA_LENGTH} characters)", 1
        )
    element = stripped[3]
    isa = stripped[:ISA_LENGTH]
    parts = isa.split(element)
    if len(parts) != 17 or len(isa[: ISA_LENGTH - 1].split(element)) != 17:
        raise X12SyntaxError(
            "the ISA segment must have 16 elements in exactly 106 characters "
            "(its fields are fixed width; a field may have lost its padding)",
            1,
        )
    segment = isa[105]
    if segment.isalnum():
        raise X12SyntaxError("the ISA has no segment terminator at character 106", 1)
    return Delimiters(element=element, repetition=isa[82], component=isa[104], segment=segment)


def iter_segments(text: str, delimiters: Delimiters | None = None) -> Iterator[Segment]:
    """Segments of an interchange in order; line breaks around terminators are ignored."""
    text = clean_text(text).lstrip()
    delims = delimiters or delimiters_from_isa(text)
    return split_segments((text,), delims)


def split_segments(texts: Iterable[str], delims: Delimiters) -> Iterator[Segment]:
    """Segments from consecutive pieces of one interchange's text (the first starts at ISA).

    A segment may straddle two pieces; only the unfinished tail of a piece is carried over, so
    memory stays bounded by the piece size (and `MAX_SEGMENT_CHARS`).
    """
    terminator, element = delims.segment, delims.element
    number = 0
    carry = ""
    first = True
    new = Segment.__new__
    for text in texts:
        nul = "\x00" in text or "\x00" in carry  # one scan per chunk; segments only if found
        pieces = text.split(terminator)
        if carry:
            pieces[0] = carry + pieces[0]
        del text
        carry = pieces.pop()
        if len(carry) > MAX_SEGMENT_CHARS:
            raise X12SyntaxError(
                f"no segment terminator {terminator!r} in {MAX_SEGMENT_CHARS:,} characters "
                "(the terminator is wrong or the file is not X12)",
                number + 1,
            )
        for piece in pieces:
            body = piece.strip("\r\n ")
            if not body:
                if piece == "" and not first:
                    raise X12SyntaxError("empty segment (two terminators in a row)", number + 1)
                first = False
                continue
            first = False
            number += 1
            elements = tuple(body.split(element))
            sid = elements[0]
            if len(sid) > 3 or not sid.isalnum():
                raise X12SyntaxError(f"{sid[:10]!r} is not a segment id", number)
            if nul and "\x00" in body:
                raise X12SyntaxError(_NUL_WORDS.format(sid), number)
            seg = new(Segment)
            object.__setattr__(seg, "number", number)
            object.__setattr__(seg, "elements", elements)
            yield seg
    body = carry.strip("\r\n ")
    if body:
        number += 1
        elements = tuple(body.split(element))
        if len(elements[0]) > 3 or not elements[0].isalnum():
            raise X12SyntaxError(f"{elements[0][:10]!r} is not a segment id", number)
        if "\x00" in body:
            raise X12SyntaxError(_NUL_WORDS.format(elements[0]), number)
        yield Segment(number, elements)


_NUL_WORDS = "the {} segment holds a NUL byte (0x00), which X12 text cannot contain"


class X12Stream:
    """An X12 file read in chunks: delimiters from its head, then its segments in order.

    Memory stays bounded whatever the file's size (one chunk plus one segment). The bytes are
    hashed as they are read (`sha256`, `size` are complete once `segments()` is exhausted).
    UTF-8 with or without BOM; bytes that are not UTF-8 are read as Latin-1.
    """

    def __init__(self, source: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> None:
        self._source = source
        self._chunk_bytes = chunk_bytes
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors=LENIENT)
        self.hash = hashlib.sha256()
        self.size = 0
        self._eof = False
        head = ""
        while len(head.lstrip()) < ISA_LENGTH and not self._eof:
            head += self._read()
        self._head = head.lstrip().lstrip("\ufeff").lstrip()
        self.delimiters = delimiters_from_isa(self._head)

    def _read(self) -> str:
        data = self._source.read(self._chunk_bytes)
        if not data:
            self._eof = True
            return self._decoder.decode(b"", final=True)
        self.hash.update(data)
        self.size += len(data)
        return self._decoder.decode(data)

    def _texts(self) -> Iterator[str]:
        yield self._head
        self._head = ""
        while not self._eof:
            text = self._read()
            if text:
                yield text

    def segments(self) -> Iterator[Segment]:
        """Every segment of the file, numbered from the ISA (= 1)."""
        return split_segments(self._texts(), self.delimiters)

    def drain(self) -> None:
        """Hash the rest of the file without reading its segments."""
        while not self._eof:
            data = self._source.read(self._chunk_bytes)
            if not data:
                self._eof = True
            self.hash.update(data)
            self.size += len(data)

    @property
    def sha256(self) -> str:
        """Hex digest of the bytes read so far (the whole file once segments are exhausted)."""
        return self.hash.hexdigest()


def check_envelope(segments: list[Segment]) -> None:
    """ISA/IEA, GS/GE and ST/SE must pair up with matching control numbers and counts."""
    if not segments or segments[0].id != "ISA":
        raise X12SyntaxError("the file does not start with an ISA segment", 1)
    if segments[-1].id != "IEA":
        raise X12SyntaxError("the file is truncated: it does not end with IEA", segments[-1].number)
    isa13 = segments[0].get(13)
    if segments[-1].get(2) != isa13:
        raise X12SyntaxError(
            f"IEA02 {segments[-1].get(2)!r} does not match ISA13 {isa13!r}", segments[-1].number
        )
    open_gs: Segment | None = None
    open_st: Segment | None = None
    groups = sets = 0
    for seg in segments[1:-1]:
        if seg.id == "GS":
            if open_gs is not None:
                raise X12SyntaxError("GS inside another group (missing GE)", seg.number)
            open_gs, sets = seg, 0
        elif seg.id == "GE":
            if open_gs is None or open_st is not None:
                raise X12SyntaxError("GE without its GS (or inside a transaction set)", seg.number)
            if seg.get(2) != open_gs.get(6) or seg.get(1) != str(sets):
                raise X12SyntaxError(
                    f"GE says {seg.get(1)} set(s), control {seg.get(2)!r}; the group has "
                    f"{sets}, control {open_gs.get(6)!r}",
                    seg.number,
                )
            groups, open_gs = groups + 1, None
        elif seg.id == "ST":
            if open_gs is None or open_st is not None:
                raise X12SyntaxError("ST outside a group or inside another set", seg.number)
            open_st = seg
        elif seg.id == "SE":
            if open_st is None:
                raise X12SyntaxError("SE without its ST", seg.number)
            count = seg.number - open_st.number + 1
            if seg.get(1) != str(count) or seg.get(2) != open_st.get(2):
                raise X12SyntaxError(
                    f"SE says {seg.get(1)} segments, control {seg.get(2)!r}; the set has {count}, "
                    f"control {open_st.get(2)!r}",
                    seg.number,
                )
            sets, open_st = sets + 1, None
        elif open_st is None:
            raise X12SyntaxError(f"{seg.id} segment outside a transaction set", seg.number)
    if open_gs is not None or open_st is not None:
        raise X12SyntaxError(
            "the file is truncated: a group or set is not closed", segments[-1].number
        )
    if segments[-1].get(1) != str(groups):
        raise X12SyntaxError(
            f"IEA01 says {segments[-1].get(1)} group(s); there are {groups}", segments[-1].number
        )


class SegmentWriter:
    """Builds X12 text; refuses data that contains a delimiter (it would corrupt the file)."""

    def __init__(self, delimiters: Delimiters | None = None, newline: bool = True) -> None:
        delimiters = delimiters or Delimiters()
        self.delimiters = delimiters
        self.terminator = delimiters.segment + ("\n" if newline else "")
        self.parts: list[str] = []
        self.count = 0
        self._seen: dict[str, str] = {}
        self._blank = str.maketrans({ch: " " for ch in delimiters.all() | {"\r", "\n"}})

    def clean(self, value: object) -> str:
        """Upper-case ASCII with delimiters blanked and runs of spaces folded (hot path)."""
        text = value if type(value) is str else ("" if value is None else str(value))
        cached = self._seen.get(text)
        if cached is not None:
            return cached
        raw = text
        if not text.isascii():
            text = _ascii(text)
        text = text.translate(self._blank)
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        text = text.upper()
        if len(self._seen) < 50_000:
            self._seen[raw] = text
        return text

    def add(self, seg_id: str, *elements: object) -> None:
        values = [
            self.clean(e) if not isinstance(e, Composite) else e.render(self) for e in elements
        ]
        while values and values[-1] == "":
            values.pop()
        self.parts.append(self.delimiters.element.join([seg_id, *values]) + self.terminator)
        self.count += 1

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True, slots=True)
class Composite:
    """A composite element (joined with the component separator)."""

    components: tuple[object, ...]

    def render(self, writer: SegmentWriter) -> str:
        values = [writer.clean(c) for c in self.components]
        while values and values[-1] == "":
            values.pop()
        return writer.delimiters.component.join(values)


def composite(*components: object) -> Composite:
    return Composite(tuple(components))


def amount(value: Decimal) -> str:
    """X12 decimal: no trailing zeros, no exponent (40.00 -> 40, 40.50 -> 40.5)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def segments_text(segments: Iterable[Segment], delimiters: Delimiters) -> list[str]:
    """Segments back as text lines (for the raw EDI view)."""
    return [delimiters.element.join(s.elements) + delimiters.segment for s in segments]
