"""Read a 277CA claim acknowledgment (005010X214) into plain, frozen records.

Levels: 2000A payer (HL 20), 2000B receiver = us (HL 21), 2000C billing provider (HL 19),
2000D patient (HL PT) with one 2200D loop per claim: TRN02 is our patient control number,
STC the claim's status, REF*1K the payer's claim number; 2220D service lines may follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from medbill_tui.edi.codelists import (
    claim_status_category_words,
    claim_status_words,
    entity_words,
)
from medbill_tui.edi.detect import (
    Interchange,
    TransactionSet,
    gc_paused,
    money,
    quantity,
    range_end,
    read_interchange,
    x12_date,
)
from medbill_tui.edi.segments import Delimiters, Segment, X12SyntaxError

ACCEPTED_CATEGORIES = frozenset({"A1", "A2"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})


@dataclass(frozen=True, slots=True)
class Status:
    """One STC composite: category (507), status (508), entity, in words."""

    category: str
    code: str
    entity: str
    words: str

    @property
    def accepted(self) -> bool | None:
        """True for A1/A2, False for A3/A4/A6/A7/A8, else None."""
        if self.category in ACCEPTED_CATEGORIES:
            return True
        if self.category in REJECTED_CATEGORIES:
            return False
        return None


@dataclass(frozen=True, slots=True)
class LineAck:
    """A service line status (2220D)."""

    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    statuses: tuple[Status, ...]
    line_control_no: str
    service_date: date | None


@dataclass(frozen=True, slots=True)
class ClaimAck:
    """The payer's or clearinghouse's answer for one claim (2200D)."""

    patient_control_no: str
    payer_claim_no: str
    clearinghouse_trace_no: str
    status_category: str
    status_code: str
    entity: str
    accepted: bool | None
    total_charge: Decimal
    effective_date: date | None
    words: str
    statuses: tuple[Status, ...]
    patient_name: str
    member_id: str
    billing_provider_id: str
    service_from: date | None
    service_to: date | None
    lines: tuple[LineAck, ...]


@dataclass(frozen=True, slots=True)
class Ack277CA:
    """A 277CA set: who answered, batch totals and one `ClaimAck` per claim."""

    payer_name: str
    payer_id: str
    trace_no: str
    received_on: date | None
    processed_on: date | None
    receiver_name: str
    receiver_id: str
    batch_no: str
    batch_statuses: tuple[Status, ...]
    accepted_count: int | None
    rejected_count: int | None
    accepted_amount: Decimal | None
    rejected_amount: Decimal | None
    claims: tuple[ClaimAck, ...]
    interchange_control: str
    group_control: str
    warnings: tuple[str, ...]


def parse_277ca(text: str | bytes) -> Ack277CA:
    """Parse a 277CA; with several ST sets their claims are put together (first set's header)."""
    acks = parse_277ca_all(text)
    if len(acks) == 1:
        return acks[0]
    return replace(acks[0], claims=tuple(c for a in acks for c in a.claims))


def parse_277ca_all(text: str | bytes) -> tuple[Ack277CA, ...]:
    """Parse every ST set of a 277CA file, in order."""
    with gc_paused():
        inter = read_interchange(text, "277CA")
        return tuple(_parse_set(tset, inter) for tset in inter.sets)


def iter_277ca(inter: Interchange, sets: Iterable[TransactionSet]) -> Iterator[Ack277CA]:
    """Parse streamed 277CA sets one at a time."""
    for tset in sets:
        with gc_paused():
            ack = _parse_set(tset, inter)
        yield ack


def _statuses(seg: Segment, delims: Delimiters) -> tuple[Status, ...]:
    out: list[Status] = []
    for position in (1, 10, 11):
        raw = seg.get(position)
        if not raw:
            continue
        parts = [*raw.split(delims.component), "", "", ""]
        category, code, entity = parts[0], parts[1], parts[2]
        detail = claim_status_words(code)
        if entity and detail.startswith("The entity"):
            detail = entity_words(entity) + detail[len("The entity") :]
        elif entity:
            detail = f"{detail[:1].lower()}{detail[1:]} ({entity_words(entity)})"
        else:
            detail = detail[:1].lower() + detail[1:]
        words = f"{claim_status_category_words(category)} — {detail}"
        out.append(Status(category, code, entity, words))
    if not out:
        raise X12SyntaxError("STC01 (the status) is empty", seg.number)
    return tuple(out)


def _decide(statuses: list[Status]) -> tuple[Status | None, bool | None]:
    """The status that decides the claim and the accepted flag."""
    for status in statuses:
        if status.accepted is False:
            return status, False
    for status in statuses:
        if status.accepted:
            return status, True
    return (statuses[0] if statuses else None), None


def _name(seg: Segment) -> str:
    last, first = seg.get(3), seg.get(4)
    return f"{last}, {first}" if first else last


@dataclass(slots=True)
class _Line:
    seg: Segment
    statuses: list[Status] = field(default_factory=list)
    control: str = ""
    served: date | None = None


@dataclass(slots=True)
class _Claim:
    pcn: str
    patient: str
    member: str
    provider: str
    statuses: list[Status] = field(default_factory=list)
    stc: Segment | None = None
    payer_claim_no: str = ""
    trace: str = ""
    service_from: date | None = None
    service_to: date | None = None
    lines: list[_Line] = field(default_factory=list)


def _freeze(claim: _Claim, delims: Delimiters) -> ClaimAck:
    if claim.stc is None:
        raise X12SyntaxError(f"claim {claim.pcn!r} has no STC status segment")
    decider, accepted = _decide(claim.statuses)
    assert decider is not None
    lines = []
    for line in claim.lines:
        svc = line.seg
        parts = svc.get(1).split(delims.component)
        lines.append(
            LineAck(
                code=parts[1] if len(parts) > 1 else parts[0],
                modifiers=tuple(m for m in parts[2:6] if m),
                charge=money(svc, 2),
                statuses=tuple(line.statuses),
                line_control_no=line.control,
                service_date=line.served,
            )
        )
    return ClaimAck(
        patient_control_no=claim.pcn,
        payer_claim_no=claim.payer_claim_no,
        clearinghouse_trace_no=claim.trace,
        status_category=decider.category,
        status_code=decider.code,
        entity=decider.entity,
        accepted=accepted,
        total_charge=money(claim.stc, 4),
        effective_date=x12_date(claim.stc, 2),
        words="; ".join(s.words for s in claim.statuses),
        statuses=tuple(claim.statuses),
        patient_name=claim.patient,
        member_id=claim.member,
        billing_provider_id=claim.provider,
        service_from=claim.service_from,
        service_to=claim.service_to,
        lines=tuple(lines),
    )


def _parse_set(tset: TransactionSet, inter: Interchange) -> Ack277CA:
    delims = inter.delimiters
    head: dict[str, str] = {}
    dates: dict[str, date | None] = {"050": None, "009": None}
    batch: list[Status] = []
    counts: dict[str, int | None] = {"90": None, "AA": None}
    amounts: dict[str, Decimal | None] = {"YU": None, "YY": None}
    claims: list[ClaimAck] = []
    level = ""
    provider = patient = member = ""
    claim: _Claim | None = None
    line: _Line | None = None
    for seg in tset.segments[1:-1]:
        sid = seg.id
        if sid == "HL":
            if claim is not None:
                claims.append(_freeze(claim, delims))
            claim = line = None
            level = seg.get(3)
        elif sid == "NM1":
            if level == "20":
                head["payer_name"], head["payer_id"] = seg.get(3), seg.get(9)
            elif level == "21":
                head["receiver_name"], head["receiver_id"] = seg.get(3), seg.get(9)
            elif level == "19":
                provider = seg.get(9)
            elif level == "PT":
                patient, member = _name(seg), seg.get(9)
        elif sid == "TRN":
            if level == "PT":
                if claim is not None:
                    claims.append(_freeze(claim, delims))
                claim, line = _Claim(seg.get(2), patient, member, provider), None
            elif level == "20":
                head["trace_no"] = seg.get(2)
            elif level == "21":
                head["batch_no"] = seg.get(2)
        elif sid == "STC":
            statuses = _statuses(seg, delims)
            if line is not None:
                line.statuses.extend(statuses)
            elif claim is not None:
                claim.statuses.extend(statuses)
                claim.stc = claim.stc or seg
            elif level == "21":
                batch.extend(statuses)
        elif sid == "REF" and claim is not None and line is None:
            if seg.get(1) == "1K":
                claim.payer_claim_no = seg.get(2)
            elif seg.get(1) == "D9":
                claim.trace = seg.get(2)
        elif sid == "REF" and line is not None and seg.get(1) == "FJ":
            line.control = seg.get(2)
        elif sid == "DTP":
            if line is not None and seg.get(1) == "472":
                line.served = x12_date(seg, 3)
            elif claim is not None and seg.get(1) == "472":
                claim.service_from, claim.service_to = x12_date(seg, 3), range_end(seg, 3)
            elif level == "20" and seg.get(1) in dates:
                dates[seg.get(1)] = x12_date(seg, 3)
        elif sid == "SVC" and claim is not None:
            line = _Line(seg)
            claim.lines.append(line)
        elif sid == "QTY" and level == "21" and seg.get(1) in counts:
            value = quantity(seg, 2)
            counts[seg.get(1)] = int(value) if value is not None else None
        elif sid == "AMT" and level == "21" and seg.get(1) in amounts:
            amounts[seg.get(1)] = money(seg, 2)
    if claim is not None:
        claims.append(_freeze(claim, delims))
    return Ack277CA(
        payer_name=head.get("payer_name", ""),
        payer_id=head.get("payer_id", ""),
        trace_no=head.get("trace_no", ""),
        received_on=dates["050"],
        processed_on=dates["009"],
        receiver_name=head.get("receiver_name", ""),
        receiver_id=head.get("receiver_id", ""),
        batch_no=head.get("batch_no", ""),
        batch_statuses=tuple(batch),
        accepted_count=counts["90"],
        rejected_count=counts["AA"],
        accepted_amount=amounts["YU"],
        rejected_amount=amounts["YY"],
        claims=tuple(claims),
        interchange_control=inter.control,
        group_control=tset.gs.get(6),
        warnings=inter.warnings,
    )
