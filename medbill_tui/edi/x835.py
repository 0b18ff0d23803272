"""Read an 835 remittance (005010X221A1) into plain, frozen records, and check its balance.

Header: BPR (amount, method, date), TRN (trace number), N1*PR payer, N1*PE payee. One
`ClaimPay` per CLP with its CAS adjustments and SVC lines; PLB provider-level adjustments.
All money is Decimal rounded to cents. One pass over the segments, no regular expressions.
The records and balance checks live in `x835_records` (re-exported here). `iter_835` parses
the sets of a streamed file one at a time (see `edi/stream.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill_tui.edi.detect import (
    MAX_UNITS,
    Interchange,
    MultipleTransactions,
    TransactionSet,
    gc_paused,
    money,
    quantity,
    read_interchange,
    x12_date,
)
from medbill_tui.edi.segments import Segment, X12SyntaxError
from medbill_tui.edi.x835_records import (
    Adjustment,
    ClaimPay,
    ProviderAdjustment,
    Remit835,
    ServicePay,
    claim_balance_errors,
    claim_sign_errors,
    payment_sign_error,
    remit_balance_error,
)

__all__ = [
    "Adjustment",
    "ClaimPay",
    "ProviderAdjustment",
    "Remit835",
    "ServicePay",
    "claim_balance_errors",
    "claim_sign_errors",
    "iter_835",
    "parse_835",
    "parse_835_all",
    "parse_835_set",
    "payment_sign_error",
    "remit_balance_error",
]


def parse_835(text: str | bytes) -> Remit835:
    """Parse an 835 with one transaction set (raise `MultipleTransactions` if there are more)."""
    remits = parse_835_all(text)
    if len(remits) > 1:
        raise MultipleTransactions(
            f"this file holds {len(remits)} remittances (ST sets); use parse_835_all"
        )
    return remits[0]


def parse_835_all(text: str | bytes) -> tuple[Remit835, ...]:
    """Parse every 835 transaction set of a file, in order."""
    with gc_paused():
        inter = read_interchange(text, "835")
        return tuple(_parse_set(tset, inter) for tset in inter.sets)


def iter_835(inter: Interchange, sets: Iterable[TransactionSet]) -> Iterator[Remit835]:
    """Parse streamed 835 sets one at a time (only one payment's records in memory)."""
    for tset in sets:
        yield parse_835_set(tset, inter)


def parse_835_set(tset: TransactionSet, inter: Interchange) -> Remit835:
    """One 835 transaction set (one payment)."""
    with gc_paused():
        return _parse_set(tset, inter)


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
    )


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


def _parse_set(tset: TransactionSet, inter: Interchange) -> Remit835:
    component = inter.delimiters.component
    bpr: Segment | None = None
    trn: Segment | None = None
    produced: date | None = None
    party = ""
    parties: dict[str, Segment] = {}
    payer_refs: dict[str, str] = {}
    payee_refs: dict[str, str] = {}
    claims: list[ClaimPay] = []
    plb: list[ProviderAdjustment] = []
    clp: _Clp | None = None
    svc: _Svc | None = None
    for seg in tset.segments[1:-1]:
        elements = seg.elements
        sid = elements[0]
        first = elements[1] if len(elements) > 1 else ""
        if sid == "CLP":
            if clp is not None:
                claims.append(_freeze_claim(clp, component))
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
            elif first == "405":
                produced = x12_date(seg, 2)
        elif sid == "LQ":
            if svc is not None and first == "HE":
                svc.remarks.append(seg.get(2))
        elif sid == "AMT":
            if svc is not None and first == "B6":
                svc.allowed = money(seg, 2)
        elif sid == "REF":
            if svc is not None:
                if first == "6R":
                    svc.control = seg.get(2)
            elif clp is None and party == "PR":
                payer_refs[first] = seg.get(2)
            elif clp is None and party == "PE":
                payee_refs[first] = seg.get(2)
        elif sid == "NM1":
            if clp is not None and svc is None:
                clp.names.setdefault(first, seg)
        elif sid == "MOA" or sid == "MIA":
            if clp is not None:
                positions = range(3, 8) if sid == "MOA" else (5, 20, 21, 22, 23)
                clp.remarks.extend(seg.get(p) for p in positions if seg.get(p))
        elif sid == "N1":
            party = first
            parties.setdefault(party, seg)
        elif sid == "PLB":
            if clp is not None:
                claims.append(_freeze_claim(clp, component))
                clp = svc = None
            plb.extend(_plb(seg, component))
        elif sid == "BPR":
            bpr = seg
        elif sid == "TRN":
            trn = trn or seg
    if clp is not None:
        claims.append(_freeze_claim(clp, component))
    if bpr is None:
        raise X12SyntaxError(
            f"835 set {tset.control!r} has no BPR (payment) segment", tset.segments[0].number
        )
    if trn is None:
        raise X12SyntaxError(
            f"835 set {tset.control!r} has no TRN (trace number) segment", tset.segments[0].number
        )
    payer = parties.get("PR")
    payee = parties.get("PE")
    payee_npi = payee.get(4) if payee is not None and payee.get(3) == "XX" else ""
    payee_tin = payee.get(4) if payee is not None and payee.get(3) == "FI" else ""
    payer_id = payer_refs.get("2U") or (payer.get(4) if payer is not None else "") or trn.get(3)
    return Remit835(
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
        claims=tuple(claims),
        plb=tuple(plb),
        control=tset.control,
        interchange_control=inter.control,
        warnings=inter.warnings,
    )
