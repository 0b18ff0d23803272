"""The COB loops of an 837P claim (005010X222A1): 2320/2330A/2330B for each other payer of the
patient, and a 2430 on every service line for each of them that adjudicated the claim.

What is written balances, for each other payer that adjudicated (the guide's COB balancing, and
the clearinghouse edit "claim charge - (payer paid + all adjustments) = 0"):

- each line: SV102 = SVD02 + the line's 2430 CAS;
- the claim: CLM02 = AMT*D + 2320 CAS + every 2430 CAS, so the SVD02 sum - 2320 CAS = AMT*D.

An 835 that leaves part of a charge unexplained (a bundled line it sent no SVC for, a line
charge it reported otherwise) is balanced with CO-97 (included in the payment for another
service): on the line for its unexplained part, and at the claim level for what is left
(negative when the 835's claim-level CAS already explained what went on a line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill_tui.edi.segments import SegmentWriter, amount, composite
from medbill_tui.edi.x837_records import (
    Adjustments,
    ClaimAdjudication,
    LineAdjudication,
    LineOut,
    OtherPayer,
)

ZERO = Decimal("0.00")
CAS_GROUPS = frozenset({"CO", "CR", "OA", "PI", "PR"})
"""The claim adjustment group codes an 837 accepts (an 835's OI goes out as OA)."""
UNEXPLAINED = ("CO", "97")
"""What balances a charge the payer's 835 did not account for: included in another service."""


@dataclass(frozen=True, slots=True)
class BalancedClaim:
    """One other payer's adjudication as written: claim CAS and one 2430 per claim line."""

    paid: Decimal
    adjustments: Adjustments
    lines: tuple[LineAdjudication, ...]
    adjudicated_on: date
    payer_claim_no: str

    @property
    def remaining_liability(self) -> Decimal:
        """AMT*EAF: what the patient owes after this payer (its PR adjustments)."""
        every = self.adjustments + tuple(a for line in self.lines for a in line.adjustments)
        return sum((value for group, _, value in every if group == "PR"), ZERO)


def normalized(adjustments: Adjustments) -> Adjustments:
    """CAS triplets as an 837 carries them: OI as OA, one amount per group and reason, no 0."""
    merged: dict[tuple[str, str], Decimal] = {}
    for group, carc, value in adjustments:
        key = (group if group in CAS_GROUPS else "OA", carc)
        merged[key] = merged.get(key, ZERO) + value
    return tuple((group, carc, value) for (group, carc), value in merged.items() if value)


def _total(adjustments: Adjustments) -> Decimal:
    return sum((value for *_, value in adjustments), ZERO)


def balance(total: Decimal, lines: Sequence[LineOut], adj: ClaimAdjudication) -> BalancedClaim:
    """The payer's adjudication made to balance against our claim (see the module's words)."""
    out: list[LineAdjudication] = []
    for line, found in zip(lines, adj.lines, strict=True):
        if found is None:
            out.append(
                LineAdjudication(
                    line.code, line.modifiers, ZERO, line.units, ((*UNEXPLAINED, line.charge),)
                )
            )
            continue
        cas = normalized(found.adjustments)
        gap = line.charge - found.paid - _total(cas)
        if gap:
            cas = normalized((*cas, (*UNEXPLAINED, gap)))
        out.append(LineAdjudication(found.code, found.modifiers, found.paid, found.units, cas))
    claim_cas = normalized(adj.adjustments)
    left = total - adj.paid - _total(claim_cas) - sum((_total(x.adjustments) for x in out), ZERO)
    if left:
        claim_cas = normalized((*claim_cas, (*UNEXPLAINED, left)))
    return BalancedClaim(adj.paid, claim_cas, tuple(out), adj.adjudicated_on, adj.payer_claim_no)


def _cas(w: SegmentWriter, adjustments: Adjustments) -> None:
    """CAS segments: one per group (six reasons each), groups in order."""
    by_group: dict[str, list[tuple[str, Decimal]]] = {}
    for group, carc, value in adjustments:
        by_group.setdefault(group, []).append((carc, value))
    for group in sorted(by_group):
        pairs = by_group[group]
        for start in range(0, len(pairs), 6):
            triplets: list[object] = [group]
            for carc, value in pairs[start : start + 6]:
                triplets += [carc, amount(value), ""]
            w.add("CAS", *triplets)


def write_other_payers(
    w: SegmentWriter, total: Decimal, lines: Sequence[LineOut], others: Sequence[OtherPayer]
) -> list[BalancedClaim | None]:
    """2320/2330A/2330B for each other payer; returns what each adjudicated, balanced, for the
    lines' 2430 loops (None for a payer that has not decided the claim)."""
    written: list[BalancedClaim | None] = []
    for other in others:
        adj = other.adjudication
        balanced = balance(total, lines, adj) if adj is not None else None
        _other_payer(w, other, balanced)
        written.append(balanced)
    return written


def _other_payer(w: SegmentWriter, other: OtherPayer, adj: BalancedClaim | None) -> None:
    w.add(
        "SBR",
        other.responsibility,
        other.relationship or "18",
        other.group_no,
        "",
        "",
        "",
        "",
        "",
        other.filing_indicator,
    )
    if adj is not None:
        _cas(w, adj.adjustments)
        w.add("AMT", "D", amount(adj.paid))
        # X12 RFI 1391: the remaining patient liability goes at the claim (2320) or at the line
        # (2430) level for a payer, never both. We send it here: the payer's whole PR, a
        # claim-level PR no line carries included. RFI 1515: it is sent when zero, too.
        w.add("AMT", "EAF", amount(adj.remaining_liability))
    w.add("OI", "", "", "Y", "", "", "Y")
    sub = other.subscriber
    w.add("NM1", "IL", "1", sub.last_name, sub.first_name, "", "", "", "MI", other.member_id)
    if sub.address is not None:
        w.add("N3", sub.address.line1)
        w.add("N4", sub.address.city, sub.address.state, sub.address.zip)
    w.add("NM1", "PR", "2", other.payer_name, "", "", "", "", "PI", other.payer_id)
    if adj is not None and not adj.lines:  # 2330B DTP*573: only when no 2430 DTP*573 is sent
        w.add("DTP", "573", "D8", adj.adjudicated_on.strftime("%Y%m%d"))
    if adj is not None and adj.payer_claim_no:
        w.add("REF", "F8", adj.payer_claim_no)


def write_line_adjudications(
    w: SegmentWriter,
    index: int,
    others: Sequence[OtherPayer],
    written: Sequence[BalancedClaim | None],
) -> None:
    """The 2430 loops of claim line `index` (0-based): SVD, CAS, DTP*573 per payer that
    adjudicated, in the order of their 2320 loops."""
    for other, adj in zip(others, written, strict=True):
        if adj is None:
            continue
        line = adj.lines[index]
        w.add(
            "SVD",
            other.payer_id,
            amount(line.paid),
            composite("HC", line.code, *line.modifiers[:4]),
            "",
            amount(line.units),
        )
        _cas(w, line.adjustments)
        w.add("DTP", "573", "D8", adj.adjudicated_on.strftime("%Y%m%d"))
