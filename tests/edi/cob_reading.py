"""Reading the COB money of a written 837P claim back from its segments (for the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from medbill_tui.edi.segments import Segment
from medbill_tui.edi.x837p import ClaimOut


@dataclass
class PayerSums:
    """One other payer's money as the file says it (read back, not from the writer)."""

    paid: Decimal | None = None
    claim_cas: Decimal = Decimal(0)
    eaf: list[Decimal] = field(default_factory=list)
    lines: dict[int, list[Decimal]] = field(default_factory=dict)  # LX -> [SVD02, CAS sum]


def cob_sums(segments: list[Segment]) -> tuple[list[Decimal], dict[str, PayerSums]]:
    """Line charges and, per other payer (2330B NM1*PR09), AMT*D, CAS and each line's 2430."""
    charges: list[Decimal] = []
    payers: dict[str, PayerSums] = {}
    current, svd = PayerSums(), None
    for seg in segments:
        if seg.id == "SBR":
            current, svd = PayerSums(), None
        elif seg.id == "NM1" and seg.get(1) == "PR" and not charges:
            payers[seg.get(9)] = current
        elif seg.id == "LX":
            svd = None
        elif seg.id == "SV1":
            charges.append(Decimal(seg.get(2)))
        elif seg.id == "SVD":
            svd = payers[seg.get(1)].lines.setdefault(len(charges), [Decimal(seg.get(2)), 0])
        elif seg.id == "AMT" and seg.get(1) == "D":
            current.paid = Decimal(seg.get(2))
        elif seg.id == "AMT" and seg.get(1) == "EAF":
            assert svd is None and not charges, "AMT*EAF at 2430: RFI 1391 wants one level"
            current.eaf.append(Decimal(seg.get(2)))
        elif seg.id == "CAS":
            total = sum((Decimal(seg.get(i)) for i in range(3, 19, 3) if seg.get(i)), Decimal(0))
            if svd is not None:
                svd[1] += total
            else:
                current.claim_cas += total
    return charges, payers


def assert_balanced(claim: ClaimOut, segments: list[Segment]) -> None:
    """Each adjudicated payer: every line = SVD02 + its CAS, CLM02 = AMT*D + all CAS, one
    AMT*EAF; a payer that has not decided: no AMT*D, no 2430."""
    clm = next(i for i, seg in enumerate(segments) if seg.id == "CLM")
    charges, payers = cob_sums(segments[clm:])
    assert list(payers) == [o.payer_id for o in claim.other_payers]
    for other in claim.other_payers:
        sums = payers[other.payer_id]
        if other.adjudication is None:
            assert sums.paid is None and not sums.lines and not sums.eaf
            continue
        assert len(sums.eaf) == 1
        assert sorted(sums.lines) == list(range(1, len(charges) + 1))
        for n, (paid, cas) in sums.lines.items():
            assert charges[n - 1] == paid + cas, (other.payer_id, n)
        line_cas = sum((cas for _, cas in sums.lines.values()), Decimal(0))
        assert sums.paid is not None
        assert claim.total == sums.paid + sums.claim_cas + line_cas
        assert sum((p for p, _ in sums.lines.values()), Decimal(0)) - sums.claim_cas == sums.paid
