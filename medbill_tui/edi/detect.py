"""What kind of X12 file is this? And the shared first step of every inbound parser.

`detect_transaction` reads only the ISA, GS and ST segments. `read_interchange` tokenizes a
whole file, checks that it is the kind the caller expects, splits it into transaction sets and
turns envelope mismatches (counts, control numbers) into warnings; a file cut short still fails.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from medbill_tui.edi.segments import (
    Delimiters,
    Segment,
    X12SyntaxError,
    clean_text,
    delimiters_from_isa,
    iter_segments,
)

Kind = Literal["837P", "999", "277CA", "835", "270", "271", "276", "277", "TA1"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")
"""The largest amount the ledger holds (numeric(12, 2)); a bigger one in a file is an error."""
MAX_UNITS = Decimal("99999.99")
"""The most service units a line holds (numeric(7, 2))."""


class UnsupportedTransaction(ValueError):
    """Well-formed X12 that medbill does not read (other version, other transaction type)."""


class MultipleTransactions(ValueError):
    """The file holds more than one acknowledgment/remittance; use the `*_all` function."""


@dataclass(frozen=True, slots=True)
class Detected:
    """The transaction type of a file, its GS08 version and how many ST sets it holds."""

    kind: Kind
    gs08: str
    st_count: int


TA1_ONLY = Detected(kind="TA1", gs08="", st_count=0)
"""An interchange holding only TA1 interchange acknowledgments (no functional group)."""

# (GS01, start of GS08) -> kind; checked in order
_KINDS: tuple[tuple[str, str, Kind], ...] = (
    ("HC", "005010X222", "837P"),
    ("FA", "005010X231", "999"),
    ("HN", "005010X214", "277CA"),
    ("HN", "005010X212", "277"),
    ("HP", "005010X221", "835"),
    ("HS", "005010X279", "270"),
    ("HB", "005010X279", "271"),
    ("HR", "005010X212", "276"),
)

_NOT_READ = {
    ("HC", "005010X223"): "837I institutional claims are not read; medbill reads 837P",
    ("HC", "005010X224"): "837D dental claims are not read; medbill reads 837P",
    ("FA", "005010X230"): "997 acknowledgments are not read; ask for a 999",
    ("FA", "005010"): "997 acknowledgments are not read; ask for a 999",
    ("BE", "005010"): "834 enrollment files are not imported",
    ("RA", "005010"): "820 premium payment files are not imported",
    ("HI", "005010"): "278 authorization files are not imported",
}

_WHAT = {
    "837P": "an 837P claim file",
    "999": "a 999 acknowledgment",
    "277CA": "a 277CA claim acknowledgment",
    "835": "an 835 remittance",
    "270": "a 270 eligibility request",
    "271": "a 271 eligibility response",
    "276": "a 276 claim status request",
    "277": "a 277 claim status response",
    "TA1": "a TA1 interchange acknowledgment",
}

_IGNORED = {
    "270": "270 eligibility files are not imported; medbill imports the payer's 271",
    "271": "import it with `medbill import`: it is read for eligibility answers",
    "276": "276 claim status requests are not imported; medbill imports the payer's 277",
    "277": "import it with `medbill import`: it is read for claim status answers",
}


def kind_of_group(gs: Segment) -> Kind:
    """The kind of a functional group from GS01/GS08; raise for versions and kinds not read."""
    gs01, gs08 = gs.get(1), gs.get(8)
    if gs08[:6] != "005010":
        found = gs08[:6] or "no version"
        raise UnsupportedTransaction(
            f"GS08 is {gs08!r}: this is a {found} file; medbill reads 005010 only"
        )
    for fid, version, kind in _KINDS:
        if gs01 == fid and gs08.startswith(version):
            return kind
    for (fid, version), words in _NOT_READ.items():
        if gs01 == fid and gs08.startswith(version):
            raise UnsupportedTransaction(words)
    raise UnsupportedTransaction(
        f"GS01 {gs01!r} with GS08 {gs08!r} is not a transaction medbill reads "
        "(837P, 999, 277CA, 835)"
    )


def check_isa_version(isa: Segment) -> None:
    """Raise `UnsupportedTransaction` unless ISA12 is 00501."""
    if isa.get(12) != "00501":
        version = {"00401": "004010", "00400": "004010"}.get(isa.get(12), isa.get(12))
        raise UnsupportedTransaction(
            f"ISA12 is {isa.get(12)!r}: this is a {version} file; medbill reads 005010 only"
        )


def _head(segments: list[Segment]) -> Detected:
    check_isa_version(segments[0])
    groups = [s for s in segments if s.elements[0] == "GS"]
    if not groups:
        if any(s.id == "TA1" for s in segments):
            return TA1_ONLY
        raise X12SyntaxError("there is no GS (functional group) segment", segments[-1].number)
    kinds = {kind_of_group(gs) for gs in groups}
    if len(kinds) > 1:
        raise UnsupportedTransaction(
            f"the file mixes transaction types ({', '.join(sorted(kinds))}); send one kind per file"
        )
    st_count = sum(1 for s in segments if s.elements[0] == "ST")
    if not st_count:
        raise X12SyntaxError("there is no ST (transaction set) segment", groups[0].number)
    return Detected(kind=kinds.pop(), gs08=groups[0].get(8), st_count=st_count)


def detect_transaction(text: str | bytes) -> Detected:
    """Tell the kind of an X12 file from ISA12, GS01/GS08 (and count its ST sets).

    Raises `X12SyntaxError` for text that is not X12 and `UnsupportedTransaction` for other
    versions (004010) or transactions medbill does not know.
    """
    return _head(list(iter_segments(clean_text(text))))


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One ST..SE set (inclusive) and the GS of its group."""

    gs: Segment
    segments: tuple[Segment, ...]

    @property
    def control(self) -> str:
        """ST02."""
        return self.segments[0].get(2)


@dataclass(frozen=True, slots=True)
class Interchange:
    """A tokenized file: its sets, delimiters, ISA, kind and envelope warnings."""

    isa: Segment
    delimiters: Delimiters
    detected: Detected
    sets: tuple[TransactionSet, ...]
    warnings: tuple[str, ...]

    @property
    def sender_id(self) -> str:
        """ISA06 without padding."""
        return self.isa.get(6).strip()

    @property
    def receiver_id(self) -> str:
        """ISA08 without padding."""
        return self.isa.get(8).strip()

    @property
    def control(self) -> str:
        """ISA13."""
        return self.isa.get(13)


def require_kind(detected: Detected, expected: Kind) -> None:
    """Raise `UnsupportedTransaction` with clear words when the file is not `expected`."""
    if detected.kind == expected:
        return
    extra = f" ({_IGNORED[detected.kind]})" if detected.kind in _IGNORED else ""
    raise UnsupportedTransaction(f"this is {_WHAT[detected.kind]}, not {_WHAT[expected]}{extra}")


def read_interchange(text: str | bytes, expected: Kind) -> Interchange:
    """Tokenize, check the kind, split into sets; envelope count/number mismatches -> warnings."""
    text = clean_text(text)
    delimiters = delimiters_from_isa(text)
    segments = list(iter_segments(text, delimiters))
    detected = _head(segments)
    require_kind(detected, expected)
    warnings: list[str] = []
    sets: list[TransactionSet] = []
    last = segments[-1]
    if last.id != "IEA":
        raise X12SyntaxError(f"the file is truncated: it ends with {last.id}, not IEA", last.number)
    isa = segments[0]
    if last.get(2) != isa.get(13):
        warnings.append(
            f"IEA02 {last.get(2)!r} does not match ISA13 {isa.get(13)!r} (segment {last.number})"
        )
    gs: Segment | None = None
    st_index: int | None = None
    groups = in_group = 0
    for index in range(1, len(segments) - 1):
        seg = segments[index]
        sid = seg.elements[0]
        if st_index is not None:
            if sid == "SE":
                start = segments[st_index]
                count = index - st_index + 1
                if seg.get(1) != str(count) or seg.get(2) != start.get(2):
                    warnings.append(
                        f"SE says {seg.get(1)} segments, control {seg.get(2)!r}; set "
                        f"{start.get(2)!r} has {count} (segment {seg.number})"
                    )
                assert gs is not None
                sets.append(TransactionSet(gs, tuple(segments[st_index : index + 1])))
                st_index, in_group = None, in_group + 1
            elif sid in ("ST", "GS", "GE", "IEA"):
                control = segments[st_index].get(2)
                raise X12SyntaxError(
                    f"{sid} inside transaction set {control!r}: its SE is missing", seg.number
                )
        elif sid == "ST":
            if gs is None:
                raise X12SyntaxError("ST outside a functional group (no GS before it)", seg.number)
            st_index = index
        elif sid == "GS":
            if gs is not None:
                raise X12SyntaxError("GS inside another group: the GE is missing", seg.number)
            gs, in_group = seg, 0
        elif sid == "GE":
            if gs is None:
                raise X12SyntaxError("GE without its GS", seg.number)
            if seg.get(1) != str(in_group) or seg.get(2) != gs.get(6):
                warnings.append(
                    f"GE says {seg.get(1)} set(s), control {seg.get(2)!r}; group {gs.get(6)!r} "
                    f"has {in_group} (segment {seg.number})"
                )
            gs, groups = None, groups + 1
        elif sid != "TA1":
            raise X12SyntaxError(f"{sid} segment outside a transaction set", seg.number)
    if st_index is not None:
        raise X12SyntaxError(
            f"the file is truncated: set {segments[st_index].get(2)!r} has no SE", last.number
        )
    if gs is not None:
        raise X12SyntaxError(f"the file is truncated: group {gs.get(6)!r} has no GE", last.number)
    if last.get(1) != str(groups):
        warnings.append(f"IEA01 says {last.get(1)} group(s); there are {groups}")
    return Interchange(isa, delimiters, detected, tuple(sets), tuple(warnings))


@lru_cache(maxsize=8192)
def _cents(raw: str) -> Decimal | None:
    try:  # quantize raises too: "1e999999" parses but has no value in cents
        value = Decimal(raw)
        return value.quantize(CENT, ROUND_HALF_UP) if value.is_finite() else None
    except InvalidOperation:
        return None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big file becomes many small objects.

    The parsers make no reference cycles; without the pause Python rescans every segment
    object over and over while a large 835 is read (about a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def money(seg: Segment, position: int, *, required: bool = False) -> Decimal:
    """Element `position` as a Decimal rounded to cents; empty -> 0.00 (or an error)."""
    elements = seg.elements
    raw = elements[position] if position < len(elements) else ""
    if not raw:
        if required:
            raise X12SyntaxError(f"{seg.id}{position:02d} (an amount) is empty", seg.number)
        return ZERO
    value = _cents(raw)
    if value is None:
        raise X12SyntaxError(f"{seg.id}{position:02d} {raw!r} is not an amount", seg.number)
    if abs(value) > MAX_AMOUNT:
        raise X12SyntaxError(
            f"{seg.id}{position:02d} {raw!r} is larger than any amount medbill holds "
            f"({MAX_AMOUNT:,})",
            seg.number,
        )
    return value


def quantity(seg: Segment, position: int, limit: Decimal | None = None) -> Decimal | None:
    """Element `position` as a Decimal quantity, None when empty; at most `limit` when given."""
    raw = seg.get(position)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise X12SyntaxError(f"{seg.id}{position:02d} {raw!r} is not a number", seg.number)
    if limit is not None and abs(value) > limit:
        raise X12SyntaxError(
            f"{seg.id}{position:02d} {raw!r} is more than medbill holds ({limit:,})", seg.number
        )
    return value


def x12_date(seg: Segment, position: int, raw: str | None = None) -> date | None:
    """A CCYYMMDD element (or the first date of a CCYYMMDD-CCYYMMDD range); None when empty."""
    value = seg.get(position) if raw is None else raw
    if not value:
        return None
    head = value[:8]
    try:
        if len(head) != 8 or not head.isdigit():
            raise ValueError
        return date(int(head[:4]), int(head[4:6]), int(head[6:8]))
    except ValueError:
        raise X12SyntaxError(
            f"{seg.id}{position:02d} {value!r} is not a date (CCYYMMDD)", seg.number
        ) from None


def range_end(seg: Segment, position: int) -> date | None:
    """The second date of a CCYYMMDD-CCYYMMDD range element, None when it is a single date."""
    value = seg.get(position)
    if len(value) == 17 and value[8] == "-":
        return x12_date(seg, position, value[9:])
    return None
