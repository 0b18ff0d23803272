"""A fake clearinghouse and payer: answer an 837P with a 999, a 277CA and an 835.

Everything is decided by a random generator seeded from the caller's seed and the 837 text, so
the same input and seed give the same bytes, and control numbers never come from the clock.
The 999 accepts each transaction set (now and then it rejects one with a realistic IK3/IK4, and
always when the SE count is wrong); the 277CA accepts or rejects each claim of the accepted sets,
and always rejects a claim that fails the front-end edits (`x837_edits`: A7:400 out of balance,
else A7:21, the failed edit in STC12); the 835 (see `sandbox_835`) pays the accepted claims. All
three validate clean with pyx12 4.0.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill_tui.edi.detect import Interchange, TransactionSet, gc_paused, read_interchange
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, adjudicate, amt, write_835
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.sandbox_memory import SandboxMemory
from medbill_tui.edi.segments import SegmentWriter, clean_text, composite
from medbill_tui.edi.x837_edits import BALANCING_RULES, EditFailure, edit_interchange
from medbill_tui.edi.x837_read import Batch837, Claim837, batch_from_interchange

__all__ = ["ClaimDecision", "Envelope", "SandboxMemory", "SandboxResponse", "respond"]


@dataclass(frozen=True, slots=True)
class SandboxResponse:
    """What the fake clearinghouse sends back (the 277CA is None when the 999 rejected all)."""

    ack_999: str
    ack_277ca: str | None
    era_835: str | None


# (category, status, entity, extra STC10 composite) with weights; entity "" = none
REJECTIONS: tuple[tuple[str, str, str, tuple[str, str, str] | None, int], ...] = (
    ("A7", "562", "85", None, 4),  # billing provider NPI not valid
    ("A6", "562", "82", None, 2),  # rendering provider NPI missing
    ("A7", "164", "IL", None, 4),  # subscriber member ID not valid
    ("A3", "116", "PR", None, 2),  # sent to the wrong payer
    ("A7", "21", "QC", ("A7", "158", "QC"), 2),  # patient's date of birth
    ("A7", "21", "", ("A7", "454", ""), 2),  # procedure code
    ("A7", "187", "", None, 1),  # dates of service
    ("A6", "145", "82", None, 1),  # rendering provider taxonomy missing
)


def respond(
    text_837: str,
    *,
    seed: int,
    reject_rate: float = 0.05,
    deny_rate: float = 0.1,
    today: date,
    ack_reject_rate: float | None = None,
    memory: SandboxMemory | None = None,
) -> SandboxResponse:
    """Answer an 837P like a clearinghouse and payer would, deterministically for `seed`.

    `reject_rate`: share of claims the 277CA rejects; `deny_rate`: share of accepted claims the
    835 denies; `ack_reject_rate`: chance per transaction set that the 999 rejects it (default
    `reject_rate / 2`). With `memory`, a replacement claim (frequency 7) first gets the
    reversal of what was paid on its original, and what is paid now is remembered (the caller
    keeps it); a void (8) gets only that reversal. The 835 never pays a void. Raises the
    parsers' errors when `text_837` is not a readable 837P.
    """
    with gc_paused():
        return _respond(text_837, seed, reject_rate, deny_rate, today, ack_reject_rate, memory)


def _respond(
    text_837: str,
    seed: int,
    reject_rate: float,
    deny_rate: float,
    today: date,
    ack_reject_rate: float | None,
    memory: SandboxMemory | None,
) -> SandboxResponse:
    text = clean_text(text_837)
    inter = read_interchange(text, "837P")
    batch = batch_from_interchange(inter)
    digest = hashlib.sha256(f"{seed}:{_without_clock(inter)}".encode()).hexdigest()
    rng = random.Random(digest)
    base = int(digest[:12], 16)
    control = 100_000_000 + base % 800_000_000
    env = Envelope.answering(
        batch,
        today,
        usage=batch.usage if batch.usage in ("P", "T", "I") else "T",
        minutes=8 * 60 + base % 480,
    )
    set_rate = reject_rate / 2 if ack_reject_rate is None else ack_reject_rate
    ack, accepted_sets = _write_999(env, control, inter.sets, batch, rng, set_rate)
    claims = [c for c in batch.claims if c.set_control in accepted_sets]
    if not claims:
        return SandboxResponse(ack, None, None)
    failed: dict[str, EditFailure] = {}
    for failure in edit_interchange(inter):
        failed.setdefault(failure.claim, failure)
    decisions = _decide(claims, rng, reject_rate, today, control, failed)
    ack_277 = _write_277ca(env, control + 1, batch, decisions)
    accepted = [d for d in decisions if d.accepted]
    if not accepted:
        return SandboxResponse(ack, ack_277, None)
    payments = adjudicate(accepted, rng, deny_rate)
    if memory is not None:
        payments = _with_take_backs(payments, memory)
    payments = [p for p in payments if p.decision.claim.frequency != "8" or p.status == "22"]
    if not payments:  # only voids, with nothing to take back
        return SandboxResponse(ack, ack_277, None)
    era = write_835(env, control + 2, payments, rng)
    return SandboxResponse(ack, ack_277, era)


def _with_take_backs(payments: Sequence[ClaimPayment], memory: SandboxMemory) -> list[ClaimPayment]:
    """Each replacement's payment preceded by the reversal of what was paid on its original;
    every payment that moved money remembered. A void (frequency 8) gets the reversal and
    nothing more: the payer pays nothing on a void."""
    out: list[ClaimPayment] = []
    for payment in payments:
        reversal = memory.take_back(payment.decision.claim)
        if reversal is not None:
            out.append(reversal)
        if payment.decision.claim.frequency == "8":
            continue
        out.append(payment)
        memory.remember(payment)
    return out


CLOCK_ELEMENTS = {"ISA": (9, 10), "GS": (4, 5), "BHT": (4, 5)}
"""Where an 837 says when it was made (date and time)."""


def _without_clock(inter: Interchange) -> str:
    """The 837 (as already read) without the date and time it was made: the same claims sent
    at another minute get the same answers (tests and demos do not depend on the time of day)."""
    segments = [inter.isa, *(s for tset in inter.sets for s in (tset.gs, *tset.segments))]
    kept = []
    for segment in segments:
        elements = list(segment.elements)
        for position in CLOCK_ELEMENTS.get(segment.id, ()):
            if position < len(elements):
                elements[position] = ""
        kept.append("*".join(elements))
    return "~".join(kept)


def _write_999(
    env: Envelope,
    control: int,
    sets: Sequence[TransactionSet],
    batch: Batch837,
    rng: random.Random,
    set_rate: float,
) -> tuple[str, set[str]]:
    w = env.open("FA", control, "005010X231A1")
    st = w.count
    w.add("ST", "999", "0001", "005010X231A1")
    w.add("AK1", "HC", batch.group_control, sets[0].gs.get(8))
    accepted: set[str] = set()
    for tset in sets:
        st03 = tset.segments[0].get(3) or tset.gs.get(8)
        w.add("AK2", "837", tset.control, st03)
        se = tset.segments[-1]
        if se.get(1) != str(len(tset.segments)):
            w.add("IK5", "R", "4")
        elif rng.random() < set_rate and _element_error(w, tset, rng):
            w.add("IK5", "R", "5")
        else:
            w.add("IK5", "A")
            accepted.add(tset.control)
    status = "A" if len(accepted) == len(sets) else ("P" if accepted else "R")
    w.add("AK9", status, len(sets), len(sets), len(accepted))
    w.add("SE", w.count - st + 1, "0001")
    return env.close(w, control, 1), accepted


def _element_error(w: SegmentWriter, tset: TransactionSet, rng: random.Random) -> bool:
    """Write a plausible IK3/IK4 for a segment of the set; False when none fits.

    IK303 holds at most 4 characters, so loops 2010AA/2010BA are reported as "2010".
    """
    found: list[tuple[int, str, str, str, str, str, str]] = []
    pcn = ""
    for position, seg in enumerate(tset.segments, start=1):
        sid, first = seg.id, seg.get(1)
        if sid == "CLM" and not pcn:
            pcn = seg.get(1)
            found.append((position, "CLM", "2300", "1", "1028", "I12", pcn))
        elif sid == "NM1" and first == "85" and seg.get(9):
            found.append((position, "NM1", "2010", "9", "67", "I12", seg.get(9)))
        elif sid == "DMG" and seg.get(3):
            found.append((position, "DMG", "2010", "3", "1068", "I6", seg.get(3)))
    if not found:
        return False
    position, sid, loop, element, ref, code, value = rng.choice(found)
    w.add("IK3", sid, position, loop, "8")
    if sid == "CLM":
        w.add("CTX", composite("CLM01", pcn))
    w.add("IK4", composite(*element.split(":")), ref, code, value)
    return True


MESSAGE_CHARS = 264
"""STC12 (free-form message text) holds at most 264 characters."""


def _edit_rejection(claim: Claim837, failure: EditFailure) -> ClaimDecision:
    """The 277CA answer to a claim that fails a front-end edit, as a clearinghouse gives it."""
    code = "400" if failure.rule in BALANCING_RULES else "21"
    entity = ""
    if failure.rule == "SEX-CODE":
        entity = "IL" if failure.loop.startswith("2010BA") else "QC"
    message = f"EDIT {failure.rule} {failure.loop}: {failure.words}"[:MESSAGE_CHARS]
    return ClaimDecision(claim, False, ("A7", code, entity), None, "", message)


def _decide(
    claims: Sequence[Claim837],
    rng: random.Random,
    reject_rate: float,
    today: date,
    control: int,
    failed: dict[str, EditFailure],
) -> list[ClaimDecision]:
    """Each claim's answer; a claim failing an edit is rejected for it, after the same draws
    as any other claim (the others' answers do not depend on it)."""
    weights = [r[4] for r in REJECTIONS]
    out: list[ClaimDecision] = []
    stem = f"{today:%y}{today.timetuple().tm_yday:03d}{control % 10_000:04d}"
    for index, claim in enumerate(claims):
        failure = failed.get(claim.pcn)
        if rng.random() < reject_rate:
            cat, code, entity, extra, _ = rng.choices(REJECTIONS, weights)[0]
            decision = ClaimDecision(claim, False, (cat, code, entity), extra, "")
        else:
            status = ("A2", "20", "") if rng.random() < 0.8 else ("A1", "20", "")
            decision = ClaimDecision(claim, True, status, None, f"{stem}{index + 1:06d}")
        out.append(decision if failure is None else _edit_rejection(claim, failure))
    return out


def _split_name(name: str) -> tuple[str, str]:
    last, _, first = name.partition(", ")
    return (last or "UNKNOWN"), first


def _dates(claim: Claim837, today: date) -> tuple[str, str]:
    start, end = claim.service_from or today, claim.service_to or today
    if start == end:
        return "D8", f"{start:%Y%m%d}"
    return "RD8", f"{start:%Y%m%d}-{end:%Y%m%d}"


def _write_277ca(
    env: Envelope, control: int, batch: Batch837, decisions: Sequence[ClaimDecision]
) -> str:
    w = env.open("HN", control, "005010X214")
    st = w.count
    day = f"{env.today:%Y%m%d}"
    w.add("ST", "277", "0001", "005010X214")
    w.add("BHT", "0085", "08", f"{control}", day, env.hhmm, "TH")
    payers: dict[tuple[str, str], list[ClaimDecision]] = {}
    for d in decisions:
        payers.setdefault((d.claim.payer_id, d.claim.payer_name), []).append(d)
    hl = 0
    for (payer_id, payer_name), group in payers.items():
        hl += 1
        top = hl
        w.add("HL", top, "", "20", "1")
        payer = payer_name or "SANDBOX PAYER"
        w.add("NM1", "PR", "2", payer, "", "", "", "", "PI", payer_id or "SBX")
        w.add("TRN", "1", f"{control}{top:03d}")
        w.add("DTP", "050", "D8", day)
        w.add("DTP", "009", "D8", day)
        hl += 1
        receiver = hl
        w.add("HL", receiver, top, "21", "1")
        w.add(
            "NM1",
            "41",
            "2",
            batch.submitter_name or "SUBMITTER",
            "",
            "",
            "",
            "",
            "46",
            batch.submitter_id or batch.sender_id,
        )
        w.add("TRN", "2", batch.reference or batch.group_control)
        _totals(w, group, "A1", day, ("90", "AA"))
        providers: dict[str, list[ClaimDecision]] = {}
        for d in group:
            providers.setdefault(d.claim.billing_npi or d.claim.billing_tax_id, []).append(d)
        for number, (provider_id, claims) in enumerate(providers.items(), start=1):
            hl += 1
            parent = hl
            first = claims[0].claim
            w.add("HL", parent, receiver, "19", "1")
            qualifier = "XX" if first.billing_npi else "FI"
            w.add(
                "NM1",
                "85",
                "2",
                first.billing_provider_name or "PROVIDER",
                "",
                "",
                "",
                "",
                qualifier,
                provider_id or "000000000",
            )
            w.add("TRN", "1", f"{control}{top:03d}{number:03d}")
            _totals(w, claims, "A1", "", ("QA", "QC"))
            for d in claims:
                hl += 1
                _claim_277(w, d, hl, parent, day, env.today)
    w.add("SE", w.count - st + 1, "0001")
    return env.close(w, control, 1)


def _totals(
    w: SegmentWriter, claims: Sequence[ClaimDecision], cat: str, day: str, qty: tuple[str, str]
) -> None:
    ok = [d.claim.charge for d in claims if d.accepted]
    bad = [d.claim.charge for d in claims if not d.accepted]
    total = sum(ok, Decimal(0)) + sum(bad, Decimal(0))
    w.add("STC", composite(cat, "19"), day, "WQ", amt(total))
    if ok:
        w.add("QTY", qty[0], len(ok))
    if bad:
        w.add("QTY", qty[1], len(bad))
    if ok:
        w.add("AMT", "YU", amt(sum(ok, Decimal(0))))
    if bad:
        w.add("AMT", "YY", amt(sum(bad, Decimal(0))))


def _claim_277(
    w: SegmentWriter, d: ClaimDecision, hl: int, parent: int, day: str, today: date
) -> None:
    claim = d.claim
    last, first = _split_name(claim.patient_name)
    w.add("HL", hl, parent, "PT")
    w.add("NM1", "QC", "1", last, first, "", "", "", "MI", claim.subscriber_member_id or "UNKNOWN")
    w.add("TRN", "2", claim.pcn)
    status = composite(*d.status)
    extra = composite(*d.extra) if d.extra else ""
    action = "WQ" if d.accepted else "U"
    w.add("STC", status, day, action, amt(claim.charge), "", "", "", "", "", extra, "", d.message)
    if d.payer_claim_no:
        w.add("REF", "1K", d.payer_claim_no)
    w.add("DTP", "472", *_dates(claim, today))
