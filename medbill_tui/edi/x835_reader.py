"""Read one 835 transaction set claim by claim, never the whole set at once.

`Remit835Reader` takes the segments of one set as they stream by: the head (BPR, TRN, N1
loops, up to the first CLP) at once, then `claims()` yields one `ClaimPay` at a time with its
SVC/CAS/DTM/... lines, then `plb` holds the provider adjustments. `read_835_sets` makes one
reader per set of a streamed file (`edi.stream.stream_segments`), so an 835 of any number of
claims in one ST set is read in the memory of one claim. `x835.parse_835_set` reads a whole
set through the same reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain

from medbill_tui.edi.detect import MAX_UNITS, Interchange, money, quantity, x12_date
from medbill_tui.edi.segments import Segment, X12SyntaxError
from medbill_tui.edi.x835_records import (
    Adjustment,
    ClaimPay,
    ProviderAdjustment,
    RemitHead,
    ServicePay,
)


def _cas(seg: Segment) -> list[Adjustment]:
    elements = seg.elements
    size = len(elements)
    group = elements[1] if size > 1 else ""
    if len(group) > 2:  # CAS01 is an ID of one or two characters (CO, OA, PI, PR)
        raise X12SyntaxError(f"CAS01 {group[:10]!r} is not an adjustment group code", seg.number)
    out: list[Adjustment] = []
    for start in range(2, min(size, 20), 3):
        reason = elements[start]
        if not reason:
            if start + 1 < size and elements[start + 1]:
                raise X12SyntaxError(f"CAS{start + 1:02d} has an amount but no reason", seg.number)
            continue
        count = quantity(seg, start + 2) if start + 2 < size else None
        out.append(Adjustment(group, reason, money(seg, start + 1, required=True), count))
    return out


@dataclass(slots=True)
class _Svc:
    seg: Segment
    served: date | None = None
    end: date | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    allowed: Decimal | None = None
    control: str = ""


@dataclass(slots=True)
class _Clp:
    seg: Segment
    adjustments: list[Adjustment] = field(default_factory=list)
    services: list[_Svc] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    names: dict[str, Segment] = field(default_factory=dict)
    dates: dict[str, date | None] = field(default_factory=dict)


def _freeze_service(svc: _Svc, component: str) -> ServicePay:
    seg = svc.seg
    parts = seg.get(1).split(component)
    units = quantity(seg, 5, limit=MAX_UNITS)
    return ServicePay(
        code=parts[1] if len(parts) > 1 else parts[0],
        qualifier=parts[0] if len(parts) > 1 else "",
        modifiers=tuple(m for m in parts[2:6] if m),
        charge=money(seg, 2, required=True),
        paid=money(seg, 3, required=True),
        units=Decimal(1) if units is None else units,
        service_date=svc.served,
        service_end=svc.end,
        adjustments=tuple(svc.adjustments),
        remarks=tuple(svc.remarks),
        allowed=svc.allowed,
        line_control_no=svc.control,
        submitted_code=_procedure(seg.get(6), component),
    )


def _procedure(composite: str, component: str) -> str:
    """The procedure code of an SVC01/SVC06 composite (qualifier:code:modifiers)."""
    parts = composite.split(component)
    return parts[1] if len(parts) > 1 else parts[0]


def _freeze_claim(clp: _Clp, component: str) -> ClaimPay:
    seg = clp.seg
    patient = clp.names.get("QC")
    insured = clp.names.get("IL")
    rendering = clp.names.get("82")
    name = ""
    if patient is not None:
        name = patient.get(3) + (f", {patient.get(4)}" if patient.get(4) else "")
    return ClaimPay(
        pcn=seg.get(1),
        status=seg.get(2),
        charge=money(seg, 3, required=True),
        paid=money(seg, 4, required=True),
        patient_resp=money(seg, 5),
        filing=seg.get(6),
        payer_claim_no=seg.get(7),
        facility=seg.get(8),
        frequency=seg.get(9),
        adjustments=tuple(clp.adjustments),
        services=tuple(_freeze_service(s, component) for s in clp.services),
        remarks=tuple(clp.remarks),
        patient_name=name,
        patient_id=patient.get(9) if patient is not None else "",
        insured_id=insured.get(9) if insured is not None else "",
        rendering_id=rendering.get(9) if rendering is not None else "",
        statement_from=clp.dates.get("232"),
        statement_to=clp.dates.get("233"),
        received_on=clp.dates.get("050"),
    )


def _plb(seg: Segment, component: str) -> list[ProviderAdjustment]:
    out: list[ProviderAdjustment] = []
    fiscal = x12_date(seg, 2)
    for start in (3, 5, 7, 9, 11, 13):
        raw = seg.get(start)
        if not raw:
            continue
        reason, _, reference = raw.partition(component)
        out.append(
            ProviderAdjustment(
                reason, reference, money(seg, start + 1, required=True), seg.get(1), fiscal
            )
        )
    return out


class Remit835Reader:
    """One 835 set (one payment) read as it streams by: `head` at once, then `claims()` one
    CLP at a time, then `plb` (complete once every claim is read).

    With `keep_raw`, `take_raw` gives the set's segments read since it was last called, one a
    line, as `remittance.raw` keeps them."""

    def __init__(
        self, st: Segment, segments: Iterator[Segment], inter: Interchange, keep_raw: bool = False
    ) -> None:
        delimiters = inter.delimiters
        self._component = delimiters.component
        self._element = delimiters.element
        self._end = delimiters.segment + "\n"
        self._raw: list[str] | None = [] if keep_raw else None
        if self._raw is not None:
            self._raw.append(self._element.join(st.elements) + self._end)
        self._segments = self._up_to_se(segments)
        self._next: Segment | None = None
        self.plb: list[ProviderAdjustment] = []
        self.head = self._read_head(st, inter)

    def _up_to_se(self, segments: Iterator[Segment]) -> Iterator[Segment]:
        raw, element, end = self._raw, self._element, self._end
        for seg in segments:
            if raw is not None:
                raw.append(element.join(seg.elements) + end)
            yield seg
            if seg.elements[0] == "SE":
                return

    def take_raw(self) -> bytes | None:
        """The set's segments read since the last call (None when not kept)."""
        if self._raw is None:
            return None
        out = "".join(self._raw).encode("utf-8")
        self._raw.clear()
        return out

    def skip_rest(self) -> None:
        """Read past the set's SE without parsing what is left."""
        self._next = None
        for _ in self._segments:
            pass

    def _read_head(self, st: Segment, inter: Interchange) -> RemitHead:
        bpr: Segment | None = None
        trn: Segment | None = None
        produced: date | None = None
        party = ""
        parties: dict[str, Segment] = {}
        payer_refs: dict[str, str] = {}
        payee_refs: dict[str, str] = {}
        for seg in self._segments:
            elements = seg.elements
            sid = elements[0]
            first = elements[1] if len(elements) > 1 else ""
            if sid == "CLP" or sid == "PLB" or sid == "SE":
                self._next = seg
                break
            if sid == "SVC" or sid == "CAS":
                raise X12SyntaxError(f"{sid} before any CLP (claim) segment", seg.number)
            if sid == "DTM":
                if first == "405":
                    produced = x12_date(seg, 2)
            elif sid == "REF":
                if party == "PR":
                    payer_refs[first] = seg.get(2)
                elif party == "PE":
                    payee_refs[first] = seg.get(2)
            elif sid == "N1":
                party = first
                parties.setdefault(party, seg)
            elif sid == "BPR":
                bpr = seg
            elif sid == "TRN":
                trn = trn or seg
        control = st.get(2)
        if bpr is None:
            raise X12SyntaxError(f"835 set {control!r} has no BPR (payment) segment", st.number)
        if trn is None:
            raise X12SyntaxError(
                f"835 set {control!r} has no TRN (trace number) segment", st.number
            )
        payer = parties.get("PR")
        payee = parties.get("PE")
        payee_npi = payee.get(4) if payee is not None and payee.get(3) == "XX" else ""
        payee_tin = payee.get(4) if payee is not None and payee.get(3) == "FI" else ""
        payer_id = payer_refs.get("2U") or (payer.get(4) if payer is not None else "") or trn.get(3)
        return RemitHead(
            payer_name=payer.get(2) if payer is not None else "",
            payer_id=payer_id,
            originator_id=trn.get(3),
            payee_name=payee.get(2) if payee is not None else "",
            payee_npi=payee_npi,
            payee_tin=payee_tin or payee_refs.get("TJ", ""),
            trace_no=trn.get(2),
            handling=bpr.get(1),
            credit_debit=bpr.get(3),
            method=bpr.get(4),
            amount=money(bpr, 2, required=True),
            paid_on=x12_date(bpr, 16),
            produced_on=produced,
            control=control,
            interchange_control=inter.control,
            warnings=inter.warnings,
        )

    def claims(self) -> Iterator[ClaimPay]:
        """The set's CLPs in order, one at a time (once: a second call yields nothing)."""
        start = self._next
        if start is None:
            return
        self._next = None
        component = self._component
        plb = self.plb
        clp: _Clp | None = None
        svc: _Svc | None = None
        for seg in chain((start,), self._segments):
            elements = seg.elements
            sid = elements[0]
            first = elements[1] if len(elements) > 1 else ""
            if sid == "CLP":
                if clp is not None:
                    yield _freeze_claim(clp, component)
                clp, svc = _Clp(seg), None
            elif sid == "SVC":
                if clp is None:
                    raise X12SyntaxError("SVC before any CLP (claim) segment", seg.number)
                svc = _Svc(seg)
                clp.services.append(svc)
            elif sid == "CAS":
                if svc is not None:
                    svc.adjustments.extend(_cas(seg))
                elif clp is not None:
                    clp.adjustments.extend(_cas(seg))
                else:
                    raise X12SyntaxError("CAS before any CLP (claim) segment", seg.number)
            elif sid == "DTM":
                if svc is not None:
                    if first == "472" or first == "150":
                        svc.served = x12_date(seg, 2)
                    elif first == "151":
                        svc.end = x12_date(seg, 2)
                elif clp is not None:
                    clp.dates[first] = x12_date(seg, 2)
            elif sid == "LQ":
                if svc is not None and first == "HE":
                    svc.remarks.append(seg.get(2))
            elif sid == "AMT":
                if svc is not None and first == "B6":
                    svc.allowed = money(seg, 2)
            elif sid == "REF":
                if svc is not None and first == "6R":
                    svc.control = seg.get(2)
            elif sid == "NM1":
                if clp is not None and svc is None:
                    clp.names.setdefault(first, seg)
            elif sid == "MOA" or sid == "MIA":
                if clp is not None:
                    positions = range(3, 8) if sid == "MOA" else (5, 20, 21, 22, 23)
                    clp.remarks.extend(seg.get(p) for p in positions if seg.get(p))
            elif sid == "PLB":
                if clp is not None:
                    yield _freeze_claim(clp, component)
                    clp = svc = None
                plb.extend(_plb(seg, component))
        if clp is not None:
            yield _freeze_claim(clp, component)


def read_835_sets(
    inter: Interchange, segments: Iterator[tuple[Segment, Segment]], keep_raw: bool = False
) -> Iterator[Remit835Reader]:
    """One reader per 835 set of a streamed file (`stream_segments`); each is read past its SE
    before the next one starts, whatever its caller read of it."""
    plain = (seg for _, seg in segments)
    for st in plain:
        reader = Remit835Reader(st, plain, inter, keep_raw)
        yield reader
        reader.skip_rest()
