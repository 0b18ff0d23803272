"""Read back the claims of an 837P (005010X222A1): what a clearinghouse or payer needs.

Not a validator (pyx12 does that): it walks the HL levels (20 billing provider, 22 subscriber,
23 patient), takes the payer from 2010BB, each CLM with its lines (LX/SV1/DTP*472), and ignores
the other-payer loops (2320/2330) that follow a claim's SBR. Lenient about odd HL numbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from medbill_tui.edi.detect import (
    Interchange,
    gc_paused,
    money,
    quantity,
    read_interchange,
    x12_date,
)
from medbill_tui.edi.segments import Segment, X12SyntaxError


@dataclass(frozen=True, slots=True)
class Line837:
    """One service line (2400)."""

    number: int
    code: str
    qualifier: str
    modifiers: tuple[str, ...]
    charge: Decimal
    unit_code: str
    units: Decimal
    service_date: date | None
    pos: str
    prior_paid: Decimal | None = None
    """2430 SVD02: what the payer before this one paid on the line (secondary claims)."""
    prior_remaining: Decimal | None = None
    """2430 AMT*EAF: what was left for the next payer and the patient after it."""
    prior_adjustments: tuple[tuple[str, str, Decimal], ...] = ()
    """2430 CAS (group, CARC, amount) of the payer before this one."""


@dataclass(frozen=True, slots=True)
class Claim837:
    """One claim (2300) with the provider, subscriber, patient and payer it belongs to."""

    pcn: str
    charge: Decimal
    pos: str
    frequency: str
    payer_name: str
    payer_id: str
    payer_address: tuple[str, str, str, str]
    payer_responsibility: str
    filing_indicator: str
    subscriber_member_id: str
    subscriber_name: str
    patient_name: str
    billing_provider_name: str
    billing_npi: str
    billing_tax_id: str
    rendering_npi: str
    diagnoses: tuple[str, ...]
    prior_auth: str
    original_ref: str
    lines: tuple[Line837, ...]
    set_control: str

    @property
    def service_from(self) -> date | None:
        """The earliest line date."""
        dates = [ln.service_date for ln in self.lines if ln.service_date is not None]
        return min(dates) if dates else None

    @property
    def service_to(self) -> date | None:
        """The latest line date."""
        dates = [ln.service_date for ln in self.lines if ln.service_date is not None]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class Batch837:
    """An 837P file: envelope numbers, submitter/receiver, and its claims in file order."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    interchange_control: str
    usage: str
    group_sender: str
    group_receiver: str
    group_control: str
    set_controls: tuple[str, ...]
    reference: str
    created: date | None
    submitter_name: str
    submitter_id: str
    receiver_name: str
    claims: tuple[Claim837, ...]
    warnings: tuple[str, ...]


@dataclass(slots=True)
class _State:
    provider: dict[str, str] = field(default_factory=dict)
    subscriber: dict[str, str] = field(default_factory=dict)
    patient: str = ""
    claim: Segment | None = None
    claim_info: dict[str, str] = field(default_factory=dict)
    diagnoses: list[str] = field(default_factory=list)
    lines: list[Line837] = field(default_factory=list)
    line: Segment | None = None
    line_date: date | None = None
    other_payer: bool = False
    nm1_owner: str = ""
    prior: dict[str, object] = field(default_factory=dict)
    """The current line's 2430 (paid, remaining, adjustments)."""


def _name(seg: Segment) -> str:
    last, first = seg.get(3), seg.get(4)
    return f"{last}, {first}" if first else last


def read_837p(text: str | bytes) -> Batch837:
    """Read every claim of an 837P file (envelope mismatches become warnings)."""
    with gc_paused():
        return batch_from_interchange(read_interchange(text, "837P"))


def batch_from_interchange(inter: Interchange) -> Batch837:
    """`read_837p` for an interchange already tokenized by `read_interchange(text, "837P")`."""
    comp = inter.delimiters.component
    claims: list[Claim837] = []
    head: dict[str, str] = {}
    created: date | None = None
    for tset in inter.sets:
        st = _State()

        def close_line(st: _State = st) -> None:
            if st.line is None:
                return
            sv1 = st.line
            parts = sv1.get(1).split(comp)
            units = quantity(sv1, 4)
            st.lines.append(
                Line837(
                    number=len(st.lines) + 1,
                    code=parts[1] if len(parts) > 1 else parts[0],
                    qualifier=parts[0] if len(parts) > 1 else "",
                    modifiers=tuple(m for m in parts[2:6] if m),
                    charge=money(sv1, 2, required=True),
                    unit_code=sv1.get(3),
                    units=Decimal(1) if units is None else units,
                    service_date=st.line_date,
                    pos=sv1.get(5) or st.claim_info.get("pos", ""),
                    **_prior_fields(st.prior),
                )
            )
            st.line, st.line_date, st.prior = None, None, {}

        def close_claim(st: _State = st, control: str = tset.control) -> None:
            close_line()
            if st.claim is None:
                return
            clm, sub, info = st.claim, st.subscriber, st.claim_info
            claims.append(
                Claim837(
                    pcn=clm.get(1),
                    charge=money(clm, 2, required=True),
                    pos=info.get("pos", ""),
                    frequency=info.get("frequency", ""),
                    payer_name=sub.get("payer_name", ""),
                    payer_id=sub.get("payer_id", ""),
                    payer_address=(
                        sub.get("payer_n3", ""),
                        sub.get("payer_city", ""),
                        sub.get("payer_state", ""),
                        sub.get("payer_zip", ""),
                    ),
                    payer_responsibility=sub.get("responsibility", ""),
                    filing_indicator=sub.get("filing", ""),
                    subscriber_member_id=sub.get("member_id", ""),
                    subscriber_name=sub.get("name", ""),
                    patient_name=st.patient or sub.get("name", ""),
                    billing_provider_name=st.provider.get("name", ""),
                    billing_npi=st.provider.get("npi", ""),
                    billing_tax_id=st.provider.get("tax_id", ""),
                    rendering_npi=info.get("rendering_npi", ""),
                    diagnoses=tuple(st.diagnoses),
                    prior_auth=info.get("G1", ""),
                    original_ref=info.get("F8", ""),
                    lines=tuple(st.lines),
                    set_control=control,
                )
            )
            st.claim, st.claim_info, st.diagnoses, st.lines = None, {}, [], []
            st.other_payer = False

        for seg in tset.segments[1:-1]:
            sid = seg.id
            if sid == "HL":
                close_claim()
                level = seg.get(3)
                if level == "20":
                    st.provider, st.subscriber, st.patient = {}, {}, ""
                elif level == "22":
                    st.subscriber, st.patient = {}, ""
                elif level == "23":
                    st.patient = ""
                st.nm1_owner = ""
            elif sid == "BHT":
                head.setdefault("reference", seg.get(3))
                created = created or x12_date(seg, 4)
            elif sid == "CLM":
                close_claim()
                st.claim = seg
                parts = seg.get(5).split(comp)
                st.claim_info["pos"] = parts[0]
                st.claim_info["frequency"] = parts[2] if len(parts) > 2 else ""
            elif sid == "SBR":
                if st.claim is not None:
                    close_line()
                    st.other_payer = True
                else:
                    st.subscriber["responsibility"] = seg.get(1)
                    st.subscriber["filing"] = seg.get(9)
            elif sid == "LX":
                close_line()
                st.other_payer = False
            elif sid == "SV1":
                st.line = seg
            elif sid == "DTP" and st.line is not None and seg.get(1) == "472":
                st.line_date = x12_date(seg, 3)
            elif st.line is not None and sid in ("SVD", "CAS", "AMT"):
                _line_prior(seg, st.prior)
            elif st.other_payer or st.line is not None:
                continue
            elif sid == "NM1":
                _nm1(seg, st, head)
            elif sid == "N3" and st.nm1_owner == "PR":
                st.subscriber["payer_n3"] = seg.get(1)
            elif sid == "N4" and st.nm1_owner == "PR":
                st.subscriber.update(
                    payer_city=seg.get(1), payer_state=seg.get(2), payer_zip=seg.get(3)
                )
            elif sid == "REF":
                if st.claim is not None and seg.get(1) in ("G1", "F8"):
                    st.claim_info[seg.get(1)] = seg.get(2)
                elif st.claim is None and st.nm1_owner == "85" and seg.get(1) in ("EI", "SY"):
                    st.provider["tax_id"] = seg.get(2)
            elif sid == "HI" and st.claim is not None:
                for raw in seg.elements[1:]:
                    qualifier, _, code = raw.partition(comp)
                    if qualifier in ("ABK", "ABF", "BK", "BF") and code:
                        st.diagnoses.append(code)
        close_claim()
    if not claims:
        raise X12SyntaxError("the 837P has no CLM (claim) segment")
    isa = inter.isa
    gs = inter.sets[0].gs
    return Batch837(
        sender_qualifier=isa.get(5),
        sender_id=inter.sender_id,
        receiver_qualifier=isa.get(7),
        receiver_id=inter.receiver_id,
        interchange_control=inter.control,
        usage=isa.get(15),
        group_sender=gs.get(2),
        group_receiver=gs.get(3),
        group_control=gs.get(6),
        set_controls=tuple(t.control for t in inter.sets),
        reference=head.get("reference", ""),
        created=created,
        submitter_name=head.get("submitter_name", ""),
        submitter_id=head.get("submitter_id", ""),
        receiver_name=head.get("receiver_name", ""),
        claims=tuple(claims),
        warnings=inter.warnings,
    )


def _nm1(seg: Segment, st: _State, head: dict[str, str]) -> None:
    who = seg.get(1)
    st.nm1_owner = who
    if who == "41":
        head.setdefault("submitter_name", seg.get(3))
        head.setdefault("submitter_id", seg.get(9))
    elif who == "40":
        head.setdefault("receiver_name", seg.get(3))
    elif who == "85":
        st.provider.update(name=_name(seg), npi=seg.get(9) if seg.get(8) == "XX" else "")
    elif who == "IL" and st.claim is None:
        st.subscriber.update(name=_name(seg), member_id=seg.get(9))
    elif who == "PR" and st.claim is None:
        st.subscriber.update(payer_name=seg.get(3), payer_id=seg.get(9))
    elif who == "QC":
        st.patient = _name(seg)
    elif who == "82" and st.claim is not None:
        st.claim_info["rendering_npi"] = seg.get(9)


def _line_prior(seg: Segment, prior: dict[str, object]) -> None:
    """Collect a 2430 segment (SVD, CAS, AMT*EAF) of the line being read."""
    if seg.id == "SVD":
        prior["paid"] = money(seg, 2, required=True)
    elif seg.id == "AMT" and seg.get(1) == "EAF":
        prior["remaining"] = money(seg, 2, required=True)
    elif seg.id == "CAS":
        adjustments = cast(list[tuple[str, str, Decimal]], prior.setdefault("adjustments", []))
        for start in range(2, 19, 3):
            carc = seg.get(start)
            if carc:
                adjustments.append((seg.get(1), carc, money(seg, start + 1)))


def _prior_fields(prior: dict[str, object]) -> dict[str, Any]:
    adjustments = cast(list[tuple[str, str, Decimal]], prior.get("adjustments", []))
    return {
        "prior_paid": prior.get("paid"),
        "prior_remaining": prior.get("remaining"),
        "prior_adjustments": tuple(adjustments),
    }
