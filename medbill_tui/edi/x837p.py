"""837P (005010X222A1) professional claims writer (pure: records in, X12 text out).

One interchange holds one functional group with one transaction set: the submitter (1000A),
the receiver (1000B), one billing provider (2000A) and, per claim, a subscriber loop (2000B),
a patient loop (2000C) when the patient is not the subscriber, the claim (2300) with a
2320/2330 for every other coverage of the patient, and its service lines (2400) with their
2430 loops (`x837_cob`). `amount`, `Address`, `Person`, `LineOut` and `OtherPayer` are
re-exported for callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from medbill_tui.edi.segments import Delimiters, SegmentWriter, amount, composite
from medbill_tui.edi.x837_cob import write_line_adjudications, write_other_payers
from medbill_tui.edi.x837_records import Address as Address
from medbill_tui.edi.x837_records import LineOut as LineOut
from medbill_tui.edi.x837_records import OtherPayer as OtherPayer
from medbill_tui.edi.x837_records import Person as Person

VERSION = "005010X222A1"
DEFAULT_DELIMITERS = Delimiters()


@dataclass(frozen=True, slots=True)
class BillingProvider:
    name: str
    npi: str
    tin: str
    taxonomy: str
    address: Address
    phone: str = ""
    """Ten digits (the practice's); the CMS-1500 prints it in box 33."""


@dataclass(frozen=True, slots=True)
class ReferringProvider:
    """Who referred (DN), ordered (DK) or supervised (DQ) the services: CMS-1500 box 17."""

    qualifier: str
    last_name: str
    first_name: str
    npi: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends to whom, and the control numbers (from database sequences)."""

    submitter_name: str
    submitter_id: str
    contact_name: str
    contact_phone: str
    receiver_name: str
    receiver_id: str
    isa13: int
    gs06: int
    st02: int
    created: datetime
    usage: str = "P"


@dataclass(frozen=True, slots=True)
class ClaimOut:
    """One claim as the writer needs it; `patient` None means the patient is the subscriber."""

    pcn: str
    total: Decimal
    pos: str
    frequency: str
    payer_name: str
    payer_id: str
    filing_indicator: str
    subscriber: Person
    diagnoses: tuple[str, ...]
    lines: tuple[LineOut, ...]
    rendering_npi: str
    rendering_last: str
    rendering_first: str
    payer_responsibility: str = "P"
    group_no: str = ""
    patient: Person | None = None
    relationship: str = "18"
    prior_auth: str = ""
    original_claim_no: str = ""
    other_payers: tuple[OtherPayer, ...] = ()
    """Every other coverage of the patient on the date of service, in SBR01 order."""
    referring: ReferringProvider | None = None


@dataclass(frozen=True, slots=True)
class Written837:
    """The file and where each claim sits in it (segment numbers, ISA = 1)."""

    text: str
    claim_segments: dict[str, tuple[int, int]] = field(default_factory=dict)


def _pad(value: str, width: int) -> str:
    return value[:width].ljust(width)


def _person(w: SegmentWriter, qualifier: str, person: Person, with_id: bool) -> None:
    ident = ("MI", person.member_id) if with_id else ("", "")
    w.add("NM1", qualifier, "1", person.last_name, person.first_name, "", "", "", *ident)
    if person.address is not None:
        w.add("N3", person.address.line1)
        w.add("N4", person.address.city, person.address.state, person.address.zip)
    if person.dob is not None:
        w.add("DMG", "D8", person.dob.strftime("%Y%m%d"), person.sex or "U")


def write_837p(
    env: Envelope,
    billing: BillingProvider,
    claims: Sequence[ClaimOut],
    delimiters: Delimiters = DEFAULT_DELIMITERS,
) -> Written837:
    """The 837P text for `claims` (at least one) and each claim's segment range."""
    if not claims:
        raise ValueError("an 837P needs at least one claim")
    w = SegmentWriter(delimiters)
    d = delimiters
    isa = d.element.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            _pad(env.submitter_id, 15),
            "ZZ",
            _pad(env.receiver_id, 15),
            env.created.strftime("%y%m%d"),
            env.created.strftime("%H%M"),
            d.repetition,
            "00501",
            f"{env.isa13:09d}",
            "0",
            env.usage,
            d.component,
        ]
    )
    w.parts.append(isa + w.terminator)
    w.count += 1
    w.add(
        "GS",
        "HC",
        env.submitter_id,
        env.receiver_id,
        env.created.strftime("%Y%m%d"),
        env.created.strftime("%H%M"),
        str(env.gs06),
        "X",
        VERSION,
    )
    st_start = w.count + 1
    st02 = f"{env.st02:04d}"
    w.add("ST", "837", st02, VERSION)
    w.add(
        "BHT",
        "0019",
        "00",
        f"{env.isa13}",
        env.created.strftime("%Y%m%d"),
        env.created.strftime("%H%M"),
        "CH",
    )
    w.add("NM1", "41", "2", env.submitter_name, "", "", "", "", "46", env.submitter_id)
    w.add("PER", "IC", env.contact_name, "TE", env.contact_phone)
    w.add("NM1", "40", "2", env.receiver_name, "", "", "", "", "46", env.receiver_id)
    w.add("HL", "1", "", "20", "1")
    w.add("PRV", "BI", "PXC", billing.taxonomy)
    w.add("NM1", "85", "2", billing.name, "", "", "", "", "XX", billing.npi)
    w.add("N3", billing.address.line1)
    w.add("N4", billing.address.city, billing.address.state, billing.address.zip)
    w.add("REF", "EI", billing.tin)
    hl = 1
    ranges: dict[str, tuple[int, int]] = {}
    for claim in claims:
        first = w.count + 1
        hl += 1
        subscriber_hl = hl
        w.add("HL", str(hl), "1", "22", "0" if claim.patient is None else "1")
        w.add(
            "SBR",
            claim.payer_responsibility,
            "18" if claim.patient is None else "",
            claim.group_no,
            "",
            "",
            "",
            "",
            "",
            claim.filing_indicator,
        )
        _person(w, "IL", claim.subscriber, with_id=True)
        w.add("NM1", "PR", "2", claim.payer_name, "", "", "", "", "PI", claim.payer_id)
        if claim.patient is not None:
            hl += 1
            w.add("HL", str(hl), str(subscriber_hl), "23", "0")
            w.add("PAT", claim.relationship)
            _person(w, "QC", claim.patient, with_id=False)
        _claim(w, claim)
        ranges[claim.pcn] = (first, w.count)
    w.add("SE", str(w.count - st_start + 2), st02)
    w.add("GE", "1", str(env.gs06))
    w.add("IEA", "1", f"{env.isa13:09d}")
    return Written837(w.text(), ranges)


def _claim(w: SegmentWriter, claim: ClaimOut) -> None:
    w.add(
        "CLM",
        claim.pcn,
        amount(claim.total),
        "",
        "",
        composite(claim.pos, "B", claim.frequency),
        "Y",
        "A",
        "Y",
        "Y",
    )
    if claim.prior_auth:
        w.add("REF", "G1", claim.prior_auth)
    if claim.frequency in ("7", "8") and claim.original_claim_no:
        w.add("REF", "F8", claim.original_claim_no)
    codes = [c.replace(".", "") for c in claim.diagnoses[:12]]
    w.add("HI", *[composite("ABK" if i == 0 else "ABF", c) for i, c in enumerate(codes)])
    if claim.referring is not None:  # 2310A comes after HI/HCP, before the rendering 2310B
        ref = claim.referring
        w.add("NM1", ref.qualifier, "1", ref.last_name, ref.first_name, "", "", "", "XX", ref.npi)
    w.add(
        "NM1",
        "82",
        "1",
        claim.rendering_last,
        claim.rendering_first,
        "",
        "",
        "",
        "XX",
        claim.rendering_npi,
    )
    written = write_other_payers(w, claim.total, claim.lines, claim.other_payers)
    for n, line in enumerate(claim.lines, start=1):
        w.add("LX", str(n))
        w.add(
            "SV1",
            composite("HC", line.code, *line.modifiers[:4]),
            amount(line.charge),
            "UN",
            amount(line.units),
            "",
            "",
            composite(*line.pointers[:4]),
        )
        w.add("DTP", "472", "D8", line.service_date.strftime("%Y%m%d"))
        write_line_adjudications(w, n - 1, claim.other_payers, written)
