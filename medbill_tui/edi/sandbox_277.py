"""The sandbox payer answers a 276 with a 277 (X212): a claim it paid (in its memory, by patient
control number) is finalized with its payment; the others are pending, acknowledged, asked
for documents, finalized awaiting the payment cycle or in error, by seed and trace."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.sandbox_memory import SandboxMemory
from medbill_tui.edi.segments import SegmentWriter, composite
from medbill_tui.edi.x12sdk_adapter import read_models
from medbill_tui.edi.x276 import VERSION

ANSWERS = (  # category, status code, weight
    ("P1", "20", 55),  # pending, in process: accepted for processing
    ("A2", "20", 15),  # acknowledged: accepted into the adjudication system
    ("R4", "60", 15),  # documentation requested: information requested electronically
    ("F0", "3", 10),  # finalized: adjudicated, waiting for the payment cycle
    ("E0", "33", 5),  # error: subscriber and subscriber ID not found
)


def respond_276(text_276: str, *, seed: int, today: date, memory: SandboxMemory) -> str:
    """The 277 answering every claim of `text_276` (raises `X12SdkRefused` on a bad one)."""
    models = read_models(text_276)
    digest = hashlib.sha256(text_276.encode("latin-1")).digest()
    control = int.from_bytes(digest[:4], "big") % 900_000_000 + 1
    head = text_276[:106].split(text_276[3])
    envelope = Envelope(
        "ZZ", head[8].strip(), "ZZ", head[6].strip(), head[8].strip(), head[6].strip(),
        head[15].strip() or "T", today, digest[4] * 5,
    )  # fmt: skip
    paid = {kept["pcn"]: number for number, kept in memory.paid.items()}
    w = envelope.open("HN", control, VERSION)
    for number, model in enumerate(models, start=1):
        _transaction(w, model, number, seed, today, envelope.hhmm, paid)
    return envelope.close(w, control, len(models))


def _transaction(
    w: SegmentWriter,
    model: dict[str, Any],
    number: int,
    seed: int,
    today: date,
    hhmm: str,
    paid: dict[str, str],
) -> None:
    start = w.count + 1
    st02 = f"{number:04d}"
    w.add("ST", "277", st02, VERSION)
    reference = model["header"]["bht_segment"]["submitter_transactional_identifier"]
    w.add("BHT", "0010", "08", reference, f"{today:%Y%m%d}", hhmm, "DG")
    hl = 0
    for source in model.get("loop_2000a", []):
        hl += 1
        source_hl = hl
        w.add("HL", str(hl), "", "20", "1")
        _name(w, source["loop_2100a"]["nm1_segment"])
        for receiver in source.get("loop_2000b", []):
            hl += 1
            receiver_hl = hl
            w.add("HL", str(hl), str(source_hl), "21", "1")
            _name(w, receiver["loop_2100b"]["nm1_segment"])
            for provider in receiver.get("loop_2000c", []):
                hl += 1
                provider_hl = hl
                w.add("HL", str(hl), str(receiver_hl), "19", "1")
                _name(w, provider["loop_2100c"]["nm1_segment"])
                for subscriber in provider.get("loop_2000d", []):
                    hl += 1
                    subscriber_hl = hl
                    dependents = subscriber.get("loop_2000e", [])
                    w.add("HL", str(hl), str(provider_hl), "22", "1" if dependents else "0")
                    _name(w, subscriber["loop_2100d"]["nm1_segment"])
                    for claim in subscriber.get("loop_2200d", []):
                        _claim(w, claim, seed, today, paid)
                    for dependent in dependents:
                        hl += 1
                        w.add("HL", str(hl), str(subscriber_hl), "23")
                        _name(w, dependent["loop_2100e"]["nm1_segment"])
                        for claim in dependent.get("loop_2200e", []):
                            _claim(w, claim, seed, today, paid)
    w.add("SE", str(w.count - start + 2), st02)


def _name(w: SegmentWriter, nm1: dict[str, Any]) -> None:
    w.add(
        "NM1",
        nm1["entity_identifier_code"],
        nm1["entity_type_qualifier"],
        nm1.get("name_last_or_organization_name", ""),
        nm1.get("name_first", ""),
        "",
        "",
        "",
        nm1.get("identification_code_qualifier", ""),
        nm1.get("identification_code", ""),
    )


def _claim(
    w: SegmentWriter, claim: dict[str, Any], seed: int, today: date, paid: dict[str, str]
) -> None:
    trace = claim["trn_segment"]["reference_identification_1"]
    refs = {r["reference_identification_qualifier"]: r["reference_identification"]
            for r in claim.get("ref_segment", [])}  # fmt: skip
    pcn = refs.get("EJ", "")
    total = claim.get("amt_segment", {}).get("monetary_amount", "")
    w.add("TRN", "2", trace)
    payer_claim_no = paid.get(pcn)
    if payer_claim_no is not None:
        category, code = "F1", "1"
    else:
        rng = random.Random(f"{seed}:{trace}")
        category, code, _ = rng.choices(ANSWERS, weights=[a[2] for a in ANSWERS])[0]
        payer_claim_no = (
            refs.get("1K") or f"SBX{int(hashlib.sha256(pcn.encode()).hexdigest()[:8], 16)}"
        )
    w.add("STC", composite(category, code), f"{today:%Y%m%d}", "", str(total))
    w.add("REF", "1K", payer_claim_no)
    if pcn:
        w.add("REF", "EJ", pcn)
    dtp = claim.get("dtp_segment")
    if dtp:
        period = str(dtp["date_time_period"]).replace("-", "")
        qualifier = "RD8" if len(period) == 16 else "D8"
        value = f"{period[:8]}-{period[8:]}" if qualifier == "RD8" else period
        w.add("DTP", "472", qualifier, value)
