"""Read an 835 remittance (005010X221A1) into plain, frozen records, and check its balance.

Header: BPR (amount, method, date), TRN (trace number), N1*PR payer, N1*PE payee. One
`ClaimPay` per CLP with its CAS adjustments and SVC lines; PLB provider-level adjustments.
All money is Decimal rounded to cents. One pass over the segments, no regular expressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from medbill_tui.edi.codelists import carc_words, claim_payment_status_words, rarc_words
from medbill_tui.edi.detect import (
    ZERO,
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


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS triplet: group (CO/PR/OA/PI), reason (CARC), amount, optional quantity."""

    group: str
    carc: str
    amount: Decimal
    quantity: Decimal | None = None

    @property
    def words(self) -> str:
        """The reason in words, e.g. "CO-45: Billed amount is above ..."."""
        return f"{self.group}-{self.carc}: {carc_words(self.carc)}"


@dataclass(frozen=True, slots=True)
class ServicePay:
    """One SVC line: what was billed, paid, adjusted and why."""

    code: str
    qualifier: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal
    service_date: date | None
    service_end: date | None
    adjustments: tuple[Adjustment, ...]
    remarks: tuple[str, ...]
    allowed: Decimal | None
    line_control_no: str

    def remark_words(self) -> tuple[str, ...]:
        """Each LQ*HE remark code in words."""
        return tuple(f"{r}: {rarc_words(r)}" for r in self.remarks)


@dataclass(frozen=True, slots=True)
class ClaimPay:
    """One CLP: the payer's decision on one of our claims."""

    pcn: str
    status: str
    charge: Decimal
    paid: Decimal
    patient_resp: Decimal
    filing: str
    payer_claim_no: str
    facility: str
    frequency: str
    adjustments: tuple[Adjustment, ...]
    services: tuple[ServicePay, ...]
    remarks: tuple[str, ...]
    patient_name: str
    patient_id: str
    insured_id: str
    rendering_id: str
    statement_from: date | None
    statement_to: date | None
    received_on: date | None

    @property
    def status_words(self) -> str:
        """CLP02 in words."""
        return claim_payment_status_words(self.status)

    @property
    def denied(self) -> bool:
        """CLP02 = 4."""
        return self.status == "4"

    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level then line-level adjustments."""
        return self.adjustments + tuple(a for s in self.services for a in s.adjustments)


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """One PLB pair: reason code, reference (e.g. the claim it recovers), amount."""

    reason: str
    reference: str
    amount: Decimal
    provider_id: str
    fiscal_date: date | None


@dataclass(frozen=True, slots=True)
class Remit835:
    """One 835 transaction set: one payment (or notice) from one payer to one payee."""

    payer_name: str
    payer_id: str
    originator_id: str
    payee_name: str
    payee_npi: str
    payee_tin: str
    trace_no: str
    handling: str
    credit_debit: str
    method: str
    amount: Decimal
    paid_on: date | None
    produced_on: date | None
    claims: tuple[ClaimPay, ...]
    plb: tuple[ProviderAdjustment, ...]
    control: str
    interchange_control: str
    warnings: tuple[str, ...]


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


def _cas(seg: Segment) -> list[Adjustment]:
    elements = seg.elements
    size = len(elements)
    group = elements[1] if size > 1 else ""
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
    units = quantity(seg, 5)
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


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def claim_balance_errors(claim: ClaimPay) -> tuple[str, ...]:
    """Words for each imbalance: charge - adjustments must equal paid (claim and each line)."""
    out: list[str] = []
    adjusted = _sum(a.amount for a in claim.all_adjustments())
    expected = claim.charge - adjusted
    if expected != claim.paid:
        out.append(
            f"claim {claim.pcn}: charge {claim.charge} - adjustments {adjusted} = {expected}, "
            f"but the payer paid {claim.paid} (off by {claim.paid - expected})"
        )
    for number, line in enumerate(claim.services, start=1):
        line_adj = _sum(a.amount for a in line.adjustments)
        line_expected = line.charge - line_adj
        if line_expected != line.paid:
            out.append(
                f"claim {claim.pcn} line {number} ({line.code}): charge {line.charge} - "
                f"adjustments {line_adj} = {line_expected}, but paid {line.paid} "
                f"(off by {line.paid - line_expected})"
            )
    return tuple(out)


def remit_balance_error(remit: Remit835) -> str | None:
    """Words when BPR02 is not the sum of CLP04 minus the sum of PLB amounts, else None."""
    paid = _sum(c.paid for c in remit.claims)
    withheld = _sum(p.amount for p in remit.plb)
    expected = paid - withheld
    amount = -remit.amount if remit.credit_debit == "D" else remit.amount
    if amount == expected:
        return None
    return (
        f"payment {remit.trace_no}: claims paid {paid} - provider adjustments {withheld} = "
        f"{expected}, but BPR02 says {amount} (off by {amount - expected})"
    )
