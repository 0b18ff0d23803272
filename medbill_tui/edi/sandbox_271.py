"""The sandbox payer answers a 270 with a 271: most coverages active with benefits that vary
by payer and seed, some inactive, some rejected (AAA), deterministically for the seed and input."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.segments import SegmentWriter
from medbill_tui.edi.x12sdk_adapter import read_models
from medbill_tui.edi.x270 import VERSION

INACTIVE_SHARE = 0.1
REJECT_SHARE = 0.08
REJECTIONS = (("75", "C"), ("72", "C"), ("58", "C"))


def respond_270(text_270: str, *, seed: int, today: date) -> str:
    """The 271 answering every subscriber of `text_270` (raises `X12SdkRefused` on a bad one)."""
    models = read_models(text_270)
    digest = hashlib.sha256(text_270.encode("latin-1")).digest()
    control = int.from_bytes(digest[:4], "big") % 900_000_000 + 1
    envelope = Envelope(
        sender_qualifier="ZZ",
        sender_id=_isa(text_270, 8),
        receiver_qualifier="ZZ",
        receiver_id=_isa(text_270, 6),
        gs_sender=_isa(text_270, 8),
        gs_receiver=_isa(text_270, 6),
        usage=_isa(text_270, 15) or "T",
        today=today,
        minutes=digest[4] * 5,
    )
    w = envelope.open("HB", control, VERSION)
    for number, model in enumerate(models, start=1):
        _transaction(w, model, number, seed, today, envelope.hhmm)
    return envelope.close(w, control, len(models))


def _isa(text: str, position: int) -> str:
    return text[:106].split(text[3])[position].strip()


def _transaction(
    w: SegmentWriter, model: dict[str, Any], number: int, seed: int, today: date, hhmm: str
) -> None:
    start = w.count + 1
    st02 = f"{number:04d}"
    w.add("ST", "271", st02, VERSION)
    reference = model["header"]["bht_segment"]["submitter_transactional_identifier"]
    w.add("BHT", "0022", "11", reference, f"{today:%Y%m%d}", hhmm)
    hl = 0
    for source in model.get("loop_2000a", []):
        hl += 1
        source_hl = hl
        payer = source["loop_2100a"]["nm1_segment"]
        payer_code = payer.get("identification_code", "")
        w.add("HL", str(hl), "", "20", "1")
        w.add(
            "NM1",
            "PR",
            "2",
            payer["name_last_or_organization_name"],
            "",
            "",
            "",
            "",
            "PI",
            payer_code,
        )
        for receiver in source.get("loop_2000b", []):
            hl += 1
            receiver_hl = hl
            who = receiver["loop_2100b"]["nm1_segment"]
            w.add("HL", str(hl), str(source_hl), "21", "1")
            w.add(
                "NM1",
                "1P",
                "2",
                who["name_last_or_organization_name"],
                "",
                "",
                "",
                "",
                who.get("identification_code_qualifier", "XX"),
                who.get("identification_code", ""),
            )
            for subscriber in receiver.get("loop_2000c", []):
                hl += 1
                subscriber_hl = hl
                dependents = subscriber.get("loop_2000d") or []
                w.add("HL", str(hl), str(receiver_hl), "22", "1" if dependents else "0")
                if not dependents:
                    _person(w, subscriber, "c", payer_code, seed, today)
                    continue
                _name(w, subscriber["loop_2100c"]["nm1_segment"], "IL")
                for dependent in dependents:
                    hl += 1
                    w.add("HL", str(hl), str(subscriber_hl), "23", "0")
                    _person(w, dependent, "d", payer_code, seed, today)
    w.add("SE", str(w.count - start + 2), st02)


def _name(w: SegmentWriter, name: dict[str, Any], entity: str) -> None:
    """NM1 for the subscriber (IL, with the member id) or the dependent (03, name only)."""
    last = name.get("name_last_or_organization_name", "")
    first = name.get("name_first", "")
    if entity == "IL":
        w.add("NM1", "IL", "1", last, first, "", "", "", "MI", name.get("identification_code", ""))
    else:
        w.add("NM1", "03", "1", last, first)


def _person(
    w: SegmentWriter, loop: dict[str, Any], level: str, payer_code: str, seed: int, today: date
) -> None:
    """The answer for the person asked about: the subscriber (2000C) or a dependent (2000D)."""
    trace = loop.get("trn_segment", [{}])[0]
    w.add(
        "TRN",
        "2",
        trace.get("reference_identification_1", ""),
        trace.get("originating_company_identifier", ""),
    )
    person = loop[f"loop_2100{level}"]
    _name(w, person["nm1_segment"], "IL" if level == "c" else "03")
    rng = random.Random(f"{seed}:{trace.get('reference_identification_1', '')}")
    roll = rng.random()
    if roll < REJECT_SHARE:
        reason, action = rng.choice(REJECTIONS)
        w.add("AAA", "Y", "", reason, action)
        return
    dmg = person.get("dmg_segment")
    if dmg:
        w.add("DMG", "D8", str(dmg["date_time_period"]).replace("-", ""))
    year = today.year
    w.add("DTP", "346", "D8", f"{year}0101")
    if roll < REJECT_SHARE + INACTIVE_SHARE:
        w.add("DTP", "347", "D8", f"{year - 1}1231")
        w.add("EB", "6", "IND", "30")
        return
    w.add("DTP", "347", "D8", f"{year}1231")
    w.add("EB", "1", "IND", "30", "", "SANDBOX PLAN")
    plan = random.Random(f"{seed}:{payer_code}")
    copay = plan.choice((15, 20, 25, 40))
    coinsurance = plan.choice(("0.1", "0.2", "0.3"))
    deductible = plan.choice((500, 1000, 2500))
    remaining = rng.randrange(0, deductible + 1, 50)
    w.add("EB", "B", "IND", "98", "", "", "27", copay, "", "", "", "", "Y")
    w.add("EB", "A", "IND", "98", "", "", "27", "", coinsurance, "", "", "", "N")
    for level, amount, left in (
        ("IND", deductible, remaining),
        ("FAM", deductible * 2, remaining + deductible),
    ):
        w.add("EB", "C", level, "30", "", "", "23", amount, "", "", "", "", "Y")
        w.add("EB", "C", level, "30", "", "", "29", left, "", "", "", "", "Y")
    w.add("EB", "G", "IND", "30", "", "", "23", deductible * 4, "", "", "", "", "Y")
