"""Read a 999 implementation acknowledgment (005010X231A1) into plain, frozen records.

One 999 set answers one functional group of ours (AK1 = our GS06) and, per transaction set
(AK2 = our ST02), says accepted or rejected (IK5) with the segment (IK3) and element (IK4)
errors. Envelope mismatches in the 999 itself are reported in `warnings`, not raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from medbill_tui.edi.codelists import ack_error_words
from medbill_tui.edi.detect import (
    Interchange,
    MultipleTransactions,
    TransactionSet,
    read_interchange,
)
from medbill_tui.edi.segments import Delimiters, Segment, X12SyntaxError

GROUP_REJECTED = frozenset({"R", "M", "W", "X"})
"""AK901 codes that reject the whole functional group (E is "accepted, errors noted")."""


@dataclass(frozen=True, slots=True)
class AckError:
    """One reported error: the segment (IK3) and, when given, the element (IK4)."""

    segment_id: str
    segment_position: int | None
    loop: str
    segment_code: str
    element_position: int | None
    component_position: int | None
    element_ref: str
    element_code: str
    bad_value: str
    context: tuple[str, ...]
    claim_pcn: str | None
    words: str


@dataclass(frozen=True, slots=True)
class AckSet:
    """The answer for one of our transaction sets (AK2 .. IK5)."""

    transaction_id: str
    control: str
    version: str
    status: str
    status_words: str
    set_codes: tuple[str, ...]
    errors: tuple[AckError, ...]
    words: str

    @property
    def accepted(self) -> bool:
        """IK501 A (accepted) or E (accepted, errors noted)."""
        return self.status in ("A", "E")


@dataclass(frozen=True, slots=True)
class Ack999:
    """A 999: the answer for one of our functional groups (AK1 .. AK9)."""

    functional_id: str
    group_control: str
    version: str
    group_status: str
    group_status_words: str
    group_codes: tuple[str, ...]
    sets_included: int | None
    sets_received: int | None
    sets_accepted: int | None
    sets: tuple[AckSet, ...]
    interchange_control: str
    sender_id: str
    receiver_id: str
    ack_control: str
    warnings: tuple[str, ...]
    loose_set_statuses: tuple[str, ...] = ()
    """IK501 of IK5 segments sent without an AK2 (no set named to tie them to)."""

    @property
    def accepted(self) -> bool:
        """AK901 A or E: the whole group went through."""
        return self.group_status in ("A", "E")

    @property
    def rejects_group(self) -> bool:
        """The whole group was rejected, every set in it: AK901 R, M, W or X ("a rejection of
        a functional group is a rejection of all transaction sets in that functional group"),
        or no set accepted (AK904 0) while every IK5 it holds says rejected."""
        if self.group_status in GROUP_REJECTED:
            return True
        statuses = [*(s.status for s in self.sets), *self.loose_set_statuses]
        return (
            self.sets_accepted == 0
            and bool(statuses)
            and all(status not in ("A", "E") for status in statuses)
        )

    @property
    def group_words(self) -> str:
        """Why the group was rejected, in words (AK901 and AK905-AK909)."""
        words = f"the whole group {self.group_control} was {self.group_status_words}"
        if self.group_codes:
            words += " (" + "; ".join(ack_error_words("group", c) for c in self.group_codes) + ")"
        return words


def parse_999(text: str | bytes) -> Ack999:
    """Parse a 999 holding one acknowledgment (raise `MultipleTransactions` if there are more)."""
    acks = parse_999_all(text)
    if len(acks) > 1:
        raise MultipleTransactions(
            f"this 999 acknowledges {len(acks)} functional groups; use parse_999_all"
        )
    return acks[0]


def parse_999_all(text: str | bytes) -> tuple[Ack999, ...]:
    """Parse every acknowledgment (AK1..AK9) of a 999 file, in order."""
    inter = read_interchange(text, "999")
    return tuple(iter_999(inter, inter.sets))


def iter_999(inter: Interchange, sets: Iterable[TransactionSet]) -> Iterator[Ack999]:
    """Acknowledgments of streamed 999 sets, one set at a time."""
    found = False
    for tset in sets:
        for ack in _parse_set(tset, inter):
            found = True
            yield ack
    if not found:
        raise X12SyntaxError("the 999 has no AK1 (functional group response) segment")


@dataclass(slots=True)
class _Ik3:
    seg: Segment
    contexts: list[Segment] = field(default_factory=list)
    elements: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class _Ak2:
    seg: Segment
    ik3s: list[_Ik3] = field(default_factory=list)


def _parse_set(tset: TransactionSet, inter: Interchange) -> list[Ack999]:
    delims, warnings = inter.delimiters, inter.warnings
    out: list[Ack999] = []
    ak1: Segment | None = None
    ak2: _Ak2 | None = None
    ik3: _Ik3 | None = None
    sets: list[AckSet] = []
    loose: list[str] = []
    for seg in tset.segments[1:-1]:
        sid = seg.id
        if sid == "AK1":
            ak1, sets, loose = seg, [], []
        elif ak1 is None:
            raise X12SyntaxError(f"{sid} before the AK1 segment", seg.number)
        elif sid == "AK2":
            ak2, ik3 = _Ak2(seg), None
        elif sid == "IK3":
            if ak2 is None:
                raise X12SyntaxError("IK3 without an AK2 before it", seg.number)
            ik3 = _Ik3(seg)
            ak2.ik3s.append(ik3)
        elif sid == "IK4":
            if ik3 is None:
                raise X12SyntaxError("IK4 without an IK3 before it", seg.number)
            ik3.elements.append(seg)
        elif sid == "CTX":
            if ik3 is not None:
                ik3.contexts.append(seg)
        elif sid == "IK5":
            if ak2 is None:
                # some senders leave out AK2; no set is named, only the status counts
                loose.append(seg.get(1))
                continue
            sets.append(_ack_set(ak2, seg, delims))
            ak2 = ik3 = None
        elif sid == "AK9":
            if ak2 is not None:
                raise X12SyntaxError(
                    f"AK2 for set {ak2.seg.get(2)!r} has no IK5 before AK9", seg.number
                )
            status = seg.get(1)
            out.append(
                Ack999(
                    functional_id=ak1.get(1),
                    group_control=ak1.get(2),
                    version=ak1.get(3),
                    group_status=status,
                    group_status_words=ack_error_words("status", status),
                    group_codes=tuple(c for c in seg.elements[5:10] if c),
                    sets_included=_int(seg, 2),
                    sets_received=_int(seg, 3),
                    sets_accepted=_int(seg, 4),
                    sets=tuple(sets),
                    interchange_control=inter.control,
                    sender_id=inter.sender_id,
                    receiver_id=inter.receiver_id,
                    ack_control=tset.control,
                    warnings=warnings,
                    loose_set_statuses=tuple(loose),
                )
            )
            ak1 = None
    if ak1 is not None:
        raise X12SyntaxError(f"AK1 for group {ak1.get(2)!r} has no AK9", tset.segments[-1].number)
    return out


def _int(seg: Segment, position: int) -> int | None:
    raw = seg.get(position)
    if not raw:
        return None
    if not raw.isdigit():
        raise X12SyntaxError(f"{seg.id}{position:02d} {raw!r} is not a number", seg.number)
    return int(raw)


def _ack_set(ak2: _Ak2, ik5: Segment, delims: Delimiters) -> AckSet:
    status = ik5.get(1)
    codes = tuple(c for c in ik5.elements[2:7] if c)
    errors = tuple(e for ik3 in ak2.ik3s for e in _errors(ik3, delims))
    control = ak2.seg.get(2)
    words = f"{ak2.seg.get(1)} set {control}: {ack_error_words('status', status)}"
    if codes:
        words += " (" + "; ".join(ack_error_words("set", c) for c in codes) + ")"
    return AckSet(
        transaction_id=ak2.seg.get(1),
        control=control,
        version=ak2.seg.get(3),
        status=status,
        status_words=ack_error_words("status", status),
        set_codes=codes,
        errors=errors,
        words=words,
    )


def _context(ctx: Segment, delims: Delimiters) -> tuple[str, str | None]:
    """CTX in words, and the claim's patient control number when it is a CLM01 context."""
    name, _, reference = ctx.get(1).partition(delims.component)
    if name == "CLM01":
        return f"claim {reference}", reference
    if reference:
        return f"{name.lower()} {reference}", None
    where = ctx.get(2) + (f" at position {ctx.get(3)}" if ctx.get(3) else "")
    element = ctx.get(5).replace(delims.component, ".")
    return f"{name.lower()}: {where}" + (f" element {element}" if element else ""), None


def _errors(ik3: _Ik3, delims: Delimiters) -> list[AckError]:
    seg = ik3.seg
    seg_id, code, loop = seg.get(1), seg.get(4), seg.get(3)
    position = _int(seg, 2)
    contexts = [_context(c, delims) for c in ik3.contexts]
    context = tuple(words for words, _ in contexts)
    pcn = next((p for _, p in contexts if p), None)
    head = f"{seg_id} segment" + (f" #{position}" if position is not None else "")
    head += f" (loop {loop})" if loop else ""
    if code:
        head += f": {ack_error_words('segment', code)}"
    if pcn:
        head += f" [claim {pcn}]"
    if not ik3.elements:
        return [AckError(seg_id, position, loop, code, None, None, "", "", "", context, pcn, head)]
    out: list[AckError] = []
    for ik4 in ik3.elements:
        parts = ik4.get(1).split(delims.component)
        elem = int(parts[0]) if parts[0].isdigit() else None
        comp = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        ref, ecode, bad = ik4.get(2), ik4.get(3), ik4.get(4)
        name = f"{seg_id}{elem:02d}" if elem is not None else f"{seg_id} element"
        if comp is not None:
            name += f"-{comp}"
        words = f"{head}; {name}" + (f" (data element {ref})" if ref else "")
        words += f": {ack_error_words('element', ecode)}" if ecode else ""
        words += f" (value {bad!r})" if bad else ""
        out.append(
            AckError(seg_id, position, loop, code, elem, comp, ref, ecode, bad, context, pcn, words)
        )
    return out
