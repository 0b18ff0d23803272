"""276 claim status request (005010X212) writer: pure, records in, X12 text out.

Per payer an information source (2000A), the clearinghouse submitter as the information
receiver (2000B), the practice as the service provider (2000C) and, per claim, the subscriber
(2000D) with its claim: TRN02 is the check's trace (`MBS<id>`), echoed back by the 277.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medbill_tui.edi.inquiry_envelope import InquiryEnvelope, by_payer, id_in_trace
from medbill_tui.edi.segments import amount

VERSION = "005010X212"
TRACE_PREFIX = "MBS"


@dataclass(frozen=True, slots=True)
class StatusAsk:
    """One claim to ask about."""

    check_id: int
    payer_name: str
    payer_code: str
    member_id: str
    last_name: str
    first_name: str
    dob: date | None
    sex: str
    claim_no: str
    payer_claim_no: str
    total: Decimal
    first_dos: date
    last_dos: date

    @property
    def trace(self) -> str:
        return f"{TRACE_PREFIX}{self.check_id}"


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks: the submitter (2100B, ETIN) and the practice (2100C, NPI)."""

    submitter_name: str
    submitter_id: str
    practice_name: str
    npi: str


def write_276(env: InquiryEnvelope, asker: Asker, asks: Sequence[StatusAsk]) -> str:
    """The 276 text asking about `asks` (at least one), grouped by payer."""
    if not asks:
        raise ValueError("a 276 needs at least one claim")
    w, st_start = env.open_transaction("HR", "276", VERSION, "0010")
    hl = 0
    for (code, name), group in by_payer(asks):
        hl += 1
        source = hl
        w.add("HL", str(source), "", "20", "1")
        w.add("NM1", "PR", "2", name, "", "", "", "", "PI", code)
        hl += 1
        receiver = hl
        w.add("HL", str(receiver), str(source), "21", "1")
        w.add("NM1", "41", "2", asker.submitter_name, "", "", "", "", "46", asker.submitter_id)
        hl += 1
        provider = hl
        w.add("HL", str(provider), str(receiver), "19", "1")
        w.add("NM1", "1P", "2", asker.practice_name, "", "", "", "", "XX", asker.npi)
        for ask in group:
            hl += 1
            w.add("HL", str(hl), str(provider), "22", "0")
            if ask.dob is not None:
                sex = ask.sex if ask.sex in ("F", "M") else ""
                w.add("DMG", "D8", f"{ask.dob:%Y%m%d}", sex)
            w.add("NM1", "IL", "1", ask.last_name, ask.first_name, "", "", "", "MI", ask.member_id)
            w.add("TRN", "1", ask.trace)
            if ask.payer_claim_no:
                w.add("REF", "1K", ask.payer_claim_no)
            w.add("REF", "EJ", ask.claim_no)
            w.add("AMT", "T3", amount(ask.total))
            if ask.first_dos == ask.last_dos:
                w.add("DTP", "472", "D8", f"{ask.first_dos:%Y%m%d}")
            else:
                w.add("DTP", "472", "RD8", f"{ask.first_dos:%Y%m%d}-{ask.last_dos:%Y%m%d}")
    return env.close(w, st_start)


def check_id_of(trace: str) -> int | None:
    """The check id in a trace we wrote (`MBS<id>`), None for anyone else's."""
    return id_in_trace(trace, TRACE_PREFIX)
