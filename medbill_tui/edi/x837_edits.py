"""Front-end edits of an 837P (005010X222A1): what a clearinghouse rejects before a payer sees it.

Pure: the written X12 text in, failures out. The text is read with the segment reader
(`x837_facts`), not from the writer's records, so the check is not the code under test. Each
rule is a function of one claim with its id and the guide's words (or the X12 interpretation,
RFI, that settles it) in its docstring. Submitting runs them on every outbound file before it is
written; the sandbox clearinghouse runs them on what it receives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.edi.detect import Interchange, gc_paused, read_interchange
from medbill_tui.edi.x837_facts import ClaimFacts, LineFacts, OtherPayerFacts, claim_facts

ZERO = Decimal("0.00")
SEX_CODES = frozenset({"F", "M", "U"})
BALANCING_RULES = frozenset(
    {"CLAIM-TOTAL", "COB-CLAIM-BALANCE", "COB-LINE-BALANCE", "COB-PAID-LINES"}
)
"""Rules about money adding up (a clearinghouse answers these "claim is out of balance")."""


@dataclass(frozen=True, slots=True)
class EditFailure:
    """One claim that fails one rule: the claim (CLM01), the loop, the rule id and why."""

    claim: str
    loop: str
    rule: str
    words: str

    def __str__(self) -> str:
        return f"claim {self.claim}, {self.loop}: {self.words} (edit {self.rule})"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def claim_total(claim: ClaimFacts) -> Iterator[EditFailure]:
    """CLAIM-TOTAL. 2300 CLM02: "The Total Claim Charge Amount must balance to the sum of all
    service line charge amounts reported in the Professional Service (SV1) segments for this
    claim" (SV102)."""
    lines = sum((line.charge for line in claim.lines), ZERO)
    if lines != claim.charge:
        yield EditFailure(
            claim.pcn,
            "2300 claim",
            "CLAIM-TOTAL",
            f"the claim total {_money(claim.charge)} is not the sum of its line charges "
            f"{_money(lines)}",
        )


def _adjudicated(claim: ClaimFacts) -> Iterator[OtherPayerFacts]:
    """The other payers that adjudicated the claim (2320 AMT*D present)."""
    return (payer for payer in claim.other_payers if payer.paid is not None)


def _line_adjudications(line: LineFacts, payer: OtherPayerFacts) -> list[Decimal]:
    return [a.paid for a in line.adjudications if a.payer_id == payer.payer_id]


def cob_claim_balance(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-CLAIM-BALANCE. Guide 1.4.4 (COB), RFI 1294: "CLM02 = the claim level prior payer paid
    amount [2320 AMT*D] + all claim adjustment amounts (CAS) at both the claim and service line
    (2320 and 2430)", for each other payer that adjudicated the claim."""
    for payer in _adjudicated(claim):
        assert payer.paid is not None
        lines = sum(
            (
                a.adjusted
                for ln in claim.lines
                for a in ln.adjudications
                if a.payer_id == payer.payer_id
            ),
            ZERO,
        )
        total = payer.paid + payer.adjusted + lines
        if total != claim.charge:
            yield EditFailure(
                claim.pcn,
                f"2320 of {payer.label}",
                "COB-CLAIM-BALANCE",
                f"the claim total {_money(claim.charge)} is not what {payer.label} paid "
                f"({_money(payer.paid)}) plus its claim adjustments ({_money(payer.adjusted)}) "
                f"and line adjustments ({_money(lines)}), which make {_money(total)}",
            )


def cob_line_balance(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-LINE-BALANCE. Guide 1.4.4.2: "In order to balance, the sum of the line level
    adjustment amounts and line level payments in each Line Adjudication Information loop must
    balance to the provider's charge for that line (Loop ID-2400 SV102)"; an unbundled line's
    2430 loops of one payer are added together (RFI 1551)."""
    for line in claim.lines:
        by_payer: dict[str, Decimal] = {}
        for a in line.adjudications:
            by_payer[a.payer_id] = by_payer.get(a.payer_id, ZERO) + a.paid + a.adjusted
        for payer_id, total in by_payer.items():
            if total != line.charge:
                yield EditFailure(
                    claim.pcn,
                    f"2430 of line {line.number} (payer {payer_id})",
                    "COB-LINE-BALANCE",
                    f"line {line.number} charges {_money(line.charge)} but the other payer's "
                    f"payment and adjustments on it add up to {_money(total)}",
                )


def cob_paid_lines(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-PAID-LINES. RFI 524, guide 1.4.4: "for a given prior payer, the sum of all line
    level payment amounts (Loop ID-2430 SVD02) less any claim level adjustment amounts (Loop
    ID-2320 CAS adjustments) must balance to the claim level payment amount (Loop ID-2320
    AMT02)"; 2320 AMT*D is "Required when the claim has been adjudicated by the payer"."""
    for payer in claim.other_payers:
        paid = [p for line in claim.lines for p in _line_adjudications(line, payer)]
        if not paid:
            continue
        where = f"2320 of {payer.label}"
        if payer.paid is None:
            yield EditFailure(
                claim.pcn,
                where,
                "COB-PAID-LINES",
                f"{payer.label} paid lines (2430) but the claim says nothing of what it paid "
                "(no AMT*D)",
            )
            continue
        lines = sum(paid, ZERO)
        if lines - payer.adjusted != payer.paid:
            yield EditFailure(
                claim.pcn,
                where,
                "COB-PAID-LINES",
                f"{payer.label} paid {_money(payer.paid)} on the claim, but its line payments "
                f"({_money(lines)}) less its claim adjustments ({_money(payer.adjusted)}) make "
                f"{_money(lines - payer.adjusted)}",
            )


def cob_every_line(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-LINE-MISSING. 2430 Line Adjudication Information: "Required when the claim has been
    previously adjudicated by payer identified in Loop ID-2330B and this service line has
    payments and/or adjustments applied to it"; SVD01 "must match Loop ID-2330B NM109" of that
    payer. Every line of a claim another payer adjudicated (AMT*D) has a 2430 for it."""
    known = {payer.payer_id for payer in claim.other_payers}
    for line in claim.lines:
        for a in line.adjudications:
            if a.payer_id not in known:
                yield EditFailure(
                    claim.pcn,
                    f"2430 of line {line.number}",
                    "COB-LINE-MISSING",
                    f"line {line.number} reports an adjudication by payer {a.payer_id or '?'}, "
                    "which is not one of the claim's other payers (2330B)",
                )
    for payer in _adjudicated(claim):
        for line in claim.lines:
            if not _line_adjudications(line, payer):
                yield EditFailure(
                    claim.pcn,
                    f"2430 of line {line.number}",
                    "COB-LINE-MISSING",
                    f"line {line.number} does not say how {payer.label} adjudicated it "
                    "(no 2430 loop for that payer)",
                )


def cob_date(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-DATE. 2430 DTP*573 Line Check or Remittance Date is Required in each 2430; 2330B
    DTP*573 Claim Check or Remittance Date: "Required when the payer identified in this loop has
    previously adjudicated the claim and Loop ID-2430 DTP - Line Check or Remittance Date is not
    used" (a line without it leaves the payer's date unsaid)."""
    for line in claim.lines:
        for a in line.adjudications:
            if not a.dated:
                yield EditFailure(
                    claim.pcn,
                    f"2430 of line {line.number} (payer {a.payer_id})",
                    "COB-DATE",
                    f"line {line.number} does not say when the other payer adjudicated it "
                    "(no DTP*573)",
                )
    for payer in _adjudicated(claim):
        undated = [
            line.number
            for line in claim.lines
            if not any(a.dated for a in line.adjudications if a.payer_id == payer.payer_id)
        ]
        if undated and not payer.dated:
            which = ", ".join(str(n) for n in undated)
            yield EditFailure(
                claim.pcn,
                f"2330B of {payer.label}",
                "COB-DATE",
                f"the claim does not say when {payer.label} adjudicated it: no DTP*573 in "
                f"2330B, and line(s) {which} carry no date of their own",
            )


def cob_remaining_once(claim: ClaimFacts) -> Iterator[EditFailure]:
    """COB-REMAINING-ONCE. AMT*EAF Remaining Patient Liability, RFI 1391: "The guide
    specifically states that a Remaining Patient Liability is not sent in both the line and
    claim segments" (2430 when the payer reported lines, else 2320)."""
    for payer in claim.other_payers:
        lines = [
            line.number
            for line in claim.lines
            if any(a.remaining for a in line.adjudications if a.payer_id == payer.payer_id)
        ]
        if payer.remaining and lines:
            which = ", ".join(str(n) for n in lines)
            yield EditFailure(
                claim.pcn,
                f"2320 of {payer.label}",
                "COB-REMAINING-ONCE",
                f"what the patient still owes after {payer.label} (AMT*EAF) is sent for the "
                f"whole claim and again for line(s) {which}; it belongs at one level only",
            )


def original_reference(claim: ClaimFacts) -> Iterator[EditFailure]:
    """ORIGINAL-REF. 2300 REF*F8 Payer Claim Control Number: "Required when CLM05-3 (Claim
    Frequency Type Code) indicates this claim is a replacement or void to a previously
    adjudicated claim" (7 or 8)."""
    if claim.frequency in ("7", "8") and not claim.original_ref:
        kind = "replacement" if claim.frequency == "7" else "void"
        yield EditFailure(
            claim.pcn,
            "2300 claim",
            "ORIGINAL-REF",
            f"a {kind} claim (frequency {claim.frequency}) must give the payer's claim number "
            "of the claim it replaces (REF*F8)",
        )


def sex_code(claim: ClaimFacts) -> Iterator[EditFailure]:
    """SEX-CODE. DMG03 Gender Code (2010BA subscriber, 2010CA patient): F Female, M Male,
    U Unknown."""
    for loop, code in claim.sexes:
        if code not in SEX_CODES:
            yield EditFailure(
                claim.pcn,
                loop,
                "SEX-CODE",
                f"the sex code {code!r} is not F, M or U (DMG03)",
            )


def diagnosis_pointers(claim: ClaimFacts) -> Iterator[EditFailure]:
    """DX-POINTER. SV107 Composite Diagnosis Code Pointer: each pointer "must point to a
    diagnosis code" in the claim's HI segment (1 to the number of codes, at most 12); the
    first pointer is required."""
    for line in claim.lines:
        if not line.pointers:
            yield EditFailure(
                claim.pcn,
                f"2400 line {line.number}",
                "DX-POINTER",
                f"line {line.number} points at no diagnosis (SV107)",
            )
        for pointer in line.pointers:
            if not pointer.isdigit() or not 1 <= int(pointer) <= claim.diagnoses:
                yield EditFailure(
                    claim.pcn,
                    f"2400 line {line.number}",
                    "DX-POINTER",
                    f"line {line.number} points at diagnosis {pointer}, but the claim has "
                    f"{claim.diagnoses} diagnosis code(s)",
                )


Rule = Callable[[ClaimFacts], Iterator[EditFailure]]
RULES: tuple[Rule, ...] = (
    claim_total,
    cob_claim_balance,
    cob_line_balance,
    cob_paid_lines,
    cob_every_line,
    cob_date,
    cob_remaining_once,
    original_reference,
    sex_code,
    diagnosis_pointers,
)


def edit_interchange(inter: Interchange) -> list[EditFailure]:
    """Every rule's failures for every claim of an 837P already tokenized, in file order."""
    return [failure for claim in claim_facts(inter) for rule in RULES for failure in rule(claim)]


def edit_837p(text: str | bytes) -> list[EditFailure]:
    """Every rule's failures for every claim of an 837P file (empty when all pass)."""
    with gc_paused():
        return edit_interchange(read_interchange(text, "837P"))
