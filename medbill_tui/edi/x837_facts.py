"""The facts of each claim of an 837P that the front-end edits check (`x837_edits`).

Read from the X12 text with the segment reader alone, never from the writer's records: the
edits must not share the code they check. Loops are told apart by their opening segments:
CLM opens 2300, an SBR after it 2320, NM1*IL and NM1*PR in 2320 open 2330A and 2330B, LX 2400,
SVD 2430 and LQ 2440.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from medbill_tui.edi.detect import Interchange, TransactionSet, money
from medbill_tui.edi.segments import Segment

DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})
"""HI qualifiers of diagnosis codes (ICD-10 principal/other, ICD-9 principal/other)."""

CAS_AMOUNTS = (3, 6, 9, 12, 15, 18)
"""CAS elements holding an adjustment amount."""


@dataclass(slots=True)
class LineAdjudicationFacts:
    """One 2430 loop: how the payer named in SVD01 adjudicated the line."""

    payer_id: str
    paid: Decimal
    adjusted: Decimal = Decimal("0.00")
    dated: bool = False
    remaining: bool = False


@dataclass(slots=True)
class LineFacts:
    """One 2400 loop: SV102, the SV107 pointers and the line's 2430 loops."""

    number: int
    charge: Decimal = Decimal("0.00")
    pointers: tuple[str, ...] = ()
    adjudications: list[LineAdjudicationFacts] = field(default_factory=list)


@dataclass(slots=True)
class OtherPayerFacts:
    """One 2320 loop with its 2330B payer."""

    number: int
    payer_id: str = ""
    payer_name: str = ""
    paid: Decimal | None = None
    adjusted: Decimal = Decimal("0.00")
    dated: bool = False
    remaining: bool = False

    @property
    def label(self) -> str:
        """Which other payer, in a biller's words."""
        name = self.payer_name or f"other payer {self.number}"
        return f"{name} ({self.payer_id})" if self.payer_id else name


@dataclass(slots=True)
class ClaimFacts:
    """One 2300 loop, with the sex codes (DMG03) of its subscriber and patient."""

    pcn: str
    charge: Decimal
    frequency: str
    original_ref: bool = False
    diagnoses: int = 0
    sexes: list[tuple[str, str]] = field(default_factory=list)
    other_payers: list[OtherPayerFacts] = field(default_factory=list)
    lines: list[LineFacts] = field(default_factory=list)


def claim_facts(inter: Interchange) -> Iterator[ClaimFacts]:
    """Every claim of an 837P interchange, in file order."""
    for tset in inter.sets:
        yield from _set_claims(tset, inter.delimiters.component)


def _cas_total(seg: Segment) -> Decimal:
    return sum((money(seg, p) for p in CAS_AMOUNTS), Decimal("0.00"))


@dataclass(slots=True)
class _Reader:
    """Where the walk is: the HL level, the loop inside the claim, the open loops."""

    component: str
    level: str = ""
    loop: str = ""
    subscriber_sex: str | None = None
    patient_sex: str | None = None
    claim: ClaimFacts | None = None
    payer: OtherPayerFacts | None = None
    line: LineFacts | None = None
    adjudication: LineAdjudicationFacts | None = None

    def hierarchy(self, seg: Segment) -> None:
        self.level = seg.get(3)
        if self.level in ("20", "22"):
            self.subscriber_sex = None
        self.patient_sex = None
        self.claim = self.payer = self.line = self.adjudication = None
        self.loop = ""

    def demographics(self, seg: Segment) -> None:
        if self.level == "22":
            self.subscriber_sex = seg.get(3)
        elif self.level == "23":
            self.patient_sex = seg.get(3)

    def open_claim(self, seg: Segment) -> ClaimFacts:
        parts = seg.get(5).split(self.component)
        claim = ClaimFacts(seg.get(1), money(seg, 2), parts[2] if len(parts) > 2 else "")
        if self.subscriber_sex is not None:
            claim.sexes.append(("2010BA subscriber", self.subscriber_sex))
        if self.level == "23" and self.patient_sex is not None:
            claim.sexes.append(("2010CA patient", self.patient_sex))
        self.claim, self.payer, self.line, self.adjudication = claim, None, None, None
        self.loop = "2300"
        return claim

    def in_claim(self, seg: Segment, claim: ClaimFacts) -> None:
        sid, loop = seg.id, self.loop
        if sid == "SBR":
            self.payer = OtherPayerFacts(len(claim.other_payers) + 1)
            claim.other_payers.append(self.payer)
            self.loop = "2320"
        elif sid == "LX":
            self.line = LineFacts(len(claim.lines) + 1)
            claim.lines.append(self.line)
            self.loop, self.payer = "2400", None
        elif sid == "SVD" and self.line is not None:
            self.adjudication = LineAdjudicationFacts(seg.get(1), money(seg, 2))
            self.line.adjudications.append(self.adjudication)
            self.loop = "2430"
        elif sid == "LQ":
            self.loop = "2440"
        elif loop == "2300":
            self._claim_segment(seg, claim)
        elif loop.startswith(("2320", "2330")) and self.payer is not None:
            self._other_payer_segment(seg, self.payer)
        elif loop == "2400" and sid == "SV1" and self.line is not None:
            self.line.charge = money(seg, 2)
            self.line.pointers = tuple(p for p in seg.get(7).split(self.component) if p)
        elif loop == "2430" and self.adjudication is not None:
            self._line_adjudication_segment(seg, self.adjudication)

    def _claim_segment(self, seg: Segment, claim: ClaimFacts) -> None:
        if seg.id == "REF" and seg.get(1) == "F8":
            claim.original_ref = True
        elif seg.id == "HI":
            for raw in seg.elements[1:]:
                qualifier, _, code = raw.partition(self.component)
                if qualifier in DIAGNOSIS_QUALIFIERS and code:
                    claim.diagnoses += 1

    def _other_payer_segment(self, seg: Segment, payer: OtherPayerFacts) -> None:
        sid = seg.id
        if sid == "NM1":
            who = seg.get(1)
            self.loop = {"IL": "2330A", "PR": "2330B"}.get(who, "2330")
            if who == "PR":
                payer.payer_id, payer.payer_name = seg.get(9), seg.get(3)
        elif self.loop == "2320" and sid == "CAS":
            payer.adjusted += _cas_total(seg)
        elif self.loop == "2320" and sid == "AMT" and seg.get(1) == "D":
            payer.paid = money(seg, 2)
        elif self.loop == "2320" and sid == "AMT" and seg.get(1) == "EAF":
            payer.remaining = True
        elif self.loop == "2330B" and sid == "DTP" and seg.get(1) == "573":
            payer.dated = True

    @staticmethod
    def _line_adjudication_segment(seg: Segment, adjudication: LineAdjudicationFacts) -> None:
        if seg.id == "CAS":
            adjudication.adjusted += _cas_total(seg)
        elif seg.id == "DTP" and seg.get(1) == "573":
            adjudication.dated = True
        elif seg.id == "AMT" and seg.get(1) == "EAF":
            adjudication.remaining = True


def _set_claims(tset: TransactionSet, component: str) -> Iterator[ClaimFacts]:
    reader = _Reader(component)
    for seg in tset.segments[1:-1]:
        sid = seg.id
        if sid == "HL":
            if reader.claim is not None:
                yield reader.claim
            reader.hierarchy(seg)
        elif sid == "CLM":
            if reader.claim is not None:
                yield reader.claim
            reader.open_claim(seg)
        elif reader.claim is not None:
            reader.in_claim(seg, reader.claim)
        elif sid == "DMG":
            reader.demographics(seg)
    if reader.claim is not None:
        yield reader.claim
