"""The sandbox payer: adjudicate accepted claims and write the 835 (005010X221A1).

A realistic mix: paid in full, paid at a contracted rate (CO-45) with deductible, coinsurance or
copay (PR-1/2/3), a bundled line now and then (CO-97 + M15), and denials with real CARC/RARC
pairs. Every line and claim balances to the cent; BPR02 = sum of CLP04 - sum of PLB.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.segments import SegmentWriter, composite
from medbill_tui.edi.x837_read import Claim837, Line837

CENT = Decimal("0.01")

# (group, CARC, RARC or "", weight): RARCs are ones pyx12's remark code list knows
DENIALS: tuple[tuple[str, str, str, int], ...] = (
    ("CO", "16", "M51", 3),
    ("CO", "16", "N290", 2),
    ("CO", "18", "", 3),
    ("CO", "22", "MA04", 2),
    ("PR", "27", "N30", 2),
    ("CO", "29", "", 2),
    ("CO", "50", "N115", 2),
    ("CO", "96", "N425", 2),
    ("CO", "97", "M15", 2),
    ("CO", "109", "", 2),
    ("CO", "197", "M62", 3),
    ("CO", "204", "N130", 2),
    ("CO", "242", "N130", 1),
    ("CO", "4", "N519", 1),
)

# 837 SBR09 -> CLP06 (the 835 list has no CI/BL/FI/11)
FILING = {"CI": "12", "BL": "12", "FI": "OF", "11": "ZZ"}
CLP06_CODES = "12 13 14 15 16 17 AM CH DS HM LM MA MB MC OF TV VA WC ZZ"
CLP06 = frozenset(CLP06_CODES.split())


def amt(value: Decimal) -> str:
    """An X12 amount: no trailing zeros ("40", "27.5", "-2.5")."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True)
class ClaimDecision:
    """The 277CA answer for one claim."""

    claim: Claim837
    accepted: bool
    status: tuple[str, str, str]
    extra: tuple[str, str, str] | None
    payer_claim_no: str
    message: str = ""
    """Free text for a rejection (STC12), e.g. the front-end edit the claim failed."""


@dataclass(frozen=True, slots=True)
class LinePay:
    """How the sandbox payer paid one line."""

    line: Line837
    paid: Decimal
    allowed: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...]
    remark: str


@dataclass(frozen=True, slots=True)
class ClaimPayment:
    """How the sandbox payer paid one claim."""

    decision: ClaimDecision
    status: str
    lines: tuple[LinePay, ...]

    @property
    def paid(self) -> Decimal:
        """CLP04."""
        return sum((ln.paid for ln in self.lines), Decimal(0))

    @property
    def patient_resp(self) -> Decimal:
        """CLP05: every PR adjustment."""
        return sum((a[2] for ln in self.lines for a in ln.adjustments if a[0] == "PR"), Decimal(0))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def adjudicate(
    decisions: Sequence[ClaimDecision], rng: random.Random, deny_rate: float
) -> list[ClaimPayment]:
    """Pay, reduce or deny each accepted claim; every line balances."""
    weights = [d[3] for d in DENIALS]
    out: list[ClaimPayment] = []
    for decision in decisions:
        claim = decision.claim
        status = {"S": "2", "T": "3"}.get(claim.payer_responsibility, "1")
        if rng.random() < deny_rate:
            group, carc, rarc, _ = rng.choices(DENIALS, weights)[0]
            lines = tuple(
                LinePay(ln, Decimal(0), Decimal(0), _denied(claim, ln, status, group, carc), rarc)
                for ln in claim.lines
            )
            out.append(ClaimPayment(decision, "4", lines))
            continue
        pay = _pay_after_prior if status != "1" else _pay_lines
        out.append(ClaimPayment(decision, status, tuple(pay(claim, rng))))
    return out


def left_after_prior(claim: Claim837, line: Line837) -> Decimal:
    """What the payers before this one left on the line (their 2430 AMT*EAF, else their
    patient-responsibility adjustments, else the line less its share of their payment)."""
    if line.prior_remaining is not None:
        return line.prior_remaining
    if line.prior_paid is not None:
        return sum((a[2] for a in line.prior_adjustments if a[0] == "PR"), Decimal(0))
    return line.charge  # no 2430: nothing says what the prior payer did


def _pay_after_prior(claim: Claim837, rng: random.Random) -> list[LinePay]:
    """A secondary (or tertiary) payer: at most what the prior payer left on each line. The
    prior payer's share is OA-23 (the impact of prior payer adjudication); part of what is
    left may stay with the patient as coinsurance (PR-2)."""
    share = Decimal(1) if rng.random() < 0.6 else Decimal("0.8")
    out: list[LinePay] = []
    for line in claim.lines:
        left = min(line.charge, max(Decimal(0), left_after_prior(claim, line)))
        paid = _cents(left * share)
        adjustments = _nonzero(("OA", "23", line.charge - left), ("PR", "2", left - paid))
        out.append(LinePay(line, paid, left, adjustments, ""))
    return out


def _denied(
    claim: Claim837, line: Line837, status: str, group: str, carc: str
) -> tuple[tuple[str, str, Decimal], ...]:
    """A denied line: all of it, or for a secondary (tertiary) payer OA-23 for what the prior
    payers settled and the denial on what they left."""
    if status == "1":
        return _nonzero((group, carc, line.charge))
    left = min(line.charge, max(Decimal(0), left_after_prior(claim, line)))
    return _nonzero(("OA", "23", line.charge - left), (group, carc, left))


def _nonzero(*adjustments: tuple[str, str, Decimal]) -> tuple[tuple[str, str, Decimal], ...]:
    return tuple(a for a in adjustments if a[2] != 0)


def _pay_lines(claim: Claim837, rng: random.Random) -> list[LinePay]:
    full = rng.random() < 0.25
    mode = rng.choices(("none", "copay", "coinsurance", "deductible"), (40, 25, 20, 15))[0]
    copay = Decimal(rng.choice((10, 15, 20, 25, 30, 40)))
    deductible = Decimal(rng.randrange(25, 501))
    bundled = len(claim.lines) > 1 and rng.random() < 0.15
    bundled_index = rng.randrange(1, len(claim.lines)) if bundled else -1
    out: list[LinePay] = []
    for index, line in enumerate(claim.lines):
        charge = line.charge
        if index == bundled_index:
            out.append(LinePay(line, Decimal(0), Decimal(0), _nonzero(("CO", "97", charge)), "M15"))
            continue
        factor = Decimal(1) if full else Decimal(rng.randrange(45, 91)) / 100
        allowed = min(charge, _cents(charge * factor))
        patient = Decimal(0)
        reason = ""
        if mode == "copay" and copay > 0:
            patient, reason = min(copay, allowed), "3"
            copay -= patient
        elif mode == "coinsurance":
            patient, reason = _cents(allowed * Decimal("0.2")), "2"
        elif mode == "deductible" and deductible > 0:
            patient, reason = min(deductible, allowed), "1"
            deductible -= patient
        adjustments = _nonzero(("CO", "45", charge - allowed), ("PR", reason, patient))
        out.append(LinePay(line, allowed - patient, allowed, adjustments, ""))
    return out


def write_835(
    env: Envelope, control: int, payments: Sequence[ClaimPayment], rng: random.Random
) -> str:
    """One 835 set per (payer, billing provider), all in one interchange."""
    groups: dict[tuple[str, str], list[ClaimPayment]] = {}
    for p in payments:
        claim = p.decision.claim
        groups.setdefault((claim.payer_id, claim.billing_npi or claim.billing_tax_id), []).append(p)
    w = env.open("HP", control, "005010X221A1")
    for number, group in enumerate(groups.values(), start=1):
        _set_835(w, env, f"{number:04d}", f"{control}{number:03d}", group, rng)
    return env.close(w, control, len(groups))


def _payer_tin(payer_id: str) -> str:
    digits = "".join(ch for ch in payer_id if ch.isdigit())
    if len(digits) >= 9:
        return digits[:9]
    return f"{int(hashlib.sha256(payer_id.encode()).hexdigest()[:12], 16) % 10**9:09d}"


def _set_835(
    w: SegmentWriter,
    env: Envelope,
    st02: str,
    trace: str,
    payments: Sequence[ClaimPayment],
    rng: random.Random,
) -> None:
    first = payments[0].decision.claim
    day = f"{env.today:%Y%m%d}"
    tin = _payer_tin(first.payer_id)
    paid = sum((p.paid for p in payments), Decimal(0))
    plb: list[tuple[str, str, Decimal]] = []
    if rng.random() < 0.1:
        if paid > 50 and rng.random() < 0.5:
            ref = payments[0].decision.payer_claim_no
            plb.append(("WO", ref, _cents(paid * Decimal(rng.randrange(1, 20)) / 100)))
        else:
            plb.append(("L6", "", -Decimal(rng.randrange(1, 500)) / 100))
    total = paid - sum((p[2] for p in plb), Decimal(0))
    if total < 0:
        # A payment is never negative: what this check cannot take back is carried forward
        # (PLB FB, negative), to be recouped from a later one; the check itself is for 0.
        plb.append(("FB", payments[0].decision.payer_claim_no, total))
        total = Decimal(0)
    start = w.count
    w.add("ST", "835", st02)
    if total == 0:
        w.add("BPR", "H", "0", "C", "NON", *[""] * 11, day)
    elif rng.random() < 0.7:
        w.add(
            "BPR",
            "I",
            amt(total),
            "C",
            "ACH",
            "CCP",
            "01",
            "011000015",
            "DA",
            "1234567",
            f"1{tin}",
            "",
            "01",
            "021000021",
            "DA",
            "7654321",
            day,
        )
    else:
        w.add("BPR", "I", amt(total), "C", "CHK", *[""] * 11, day)
    w.add("TRN", "1", trace, f"1{tin}")
    w.add("DTM", "405", day)
    street, city, state, zipcode = first.payer_address
    w.add("N1", "PR", first.payer_name or "SANDBOX PAYER")
    w.add("N3", street or "PO BOX 1000")
    if not (city and len(state) == 2 and zipcode.isdigit() and len(zipcode) in (5, 9)):
        city, state, zipcode = "NASHVILLE", "TN", "37203"
    w.add("N4", city, state, zipcode)
    if first.payer_id:
        w.add("REF", "2U", first.payer_id)
    w.add("PER", "BL", "PROVIDER SERVICES", "TE", "8005550100")
    if first.billing_npi:
        w.add("N1", "PE", first.billing_provider_name or "PROVIDER", "XX", first.billing_npi)
        if first.billing_tax_id:
            w.add("REF", "TJ", first.billing_tax_id)
    else:
        w.add(
            "N1",
            "PE",
            first.billing_provider_name or "PROVIDER",
            "FI",
            first.billing_tax_id or "000000000",
        )
    w.add("LX", "1")
    for p in payments:
        _claim_835(w, p, day)
    for reason, ref, amount in plb:
        provider = first.billing_npi or first.billing_tax_id or "0000000000"
        w.add("PLB", provider, f"{env.today.year}1231", composite(reason, ref), amt(amount))
    w.add("SE", w.count - start + 1, st02)


def _claim_835(w: SegmentWriter, p: ClaimPayment, day: str) -> None:
    claim = p.decision.claim
    filing = claim.filing_indicator
    filing = filing if filing in CLP06 else FILING.get(filing, "ZZ")
    w.add(
        "CLP",
        claim.pcn,
        p.status,
        amt(claim.charge),
        amt(p.paid),
        amt(p.patient_resp),
        filing,
        p.decision.payer_claim_no,
        claim.pos or "11",
        claim.frequency or "1",
    )
    last, _, first = claim.patient_name.partition(", ")
    w.add(
        "NM1",
        "QC",
        "1",
        last or "UNKNOWN",
        first,
        "",
        "",
        "",
        "MI",
        claim.subscriber_member_id or "UNKNOWN",
    )
    w.add("DTM", "050", day)
    for lp in p.lines:
        line = lp.line
        code = composite(line.qualifier or "HC", line.code, *line.modifiers)
        units = f"{line.units.normalize():f}"
        w.add("SVC", code, amt(line.charge), amt(lp.paid), "", units)
        if line.service_date is not None:
            w.add("DTM", "472", f"{line.service_date:%Y%m%d}")
        by_group: dict[str, list[str]] = {}
        for group, reason, amount in lp.adjustments:
            by_group.setdefault(group, []).extend((reason, amt(amount), ""))
        for group, triplets in by_group.items():
            w.add("CAS", group, *triplets[:18])
        if p.status != "4":
            w.add("AMT", "B6", amt(lp.allowed))
        if lp.remark:
            w.add("LQ", "HE", lp.remark)
