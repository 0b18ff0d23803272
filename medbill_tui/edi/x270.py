"""270 eligibility request (005010X279A1) writer: pure, records in, X12 text out.

One transaction set: per payer an information source (2000A), the practice as the information
receiver (2000B) and, per coverage asked about, a subscriber (2000C) whose TRN02 is the
check's trace (`MBE<id>`): the 271 echoes it back, which is how its answers find their check.
When the patient is not the subscriber (a spouse or child on the subscriber's plan) the patient
is the dependent (2000D/2100D) under the subscriber, and the trace, date and service types move
there, as the guide has it for a dependent without a member id of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from medbill_tui.edi.inquiry_envelope import InquiryEnvelope, by_payer, id_in_trace
from medbill_tui.edi.segments import SegmentWriter

VERSION = "005010X279A1"
TRACE_PREFIX = "MBE"
HEALTH_BENEFIT_PLAN = "30"


@dataclass(frozen=True, slots=True)
class Dependent:
    """The patient, when someone else is the subscriber (2100D: name, birth date, sex)."""

    last_name: str
    first_name: str
    dob: date | None
    sex: str


@dataclass(frozen=True, slots=True)
class EligibilityAsk:
    """One coverage to ask about on `service_date`."""

    check_id: int
    payer_name: str
    payer_code: str
    member_id: str
    last_name: str
    first_name: str
    dob: date | None
    sex: str
    service_date: date
    service_types: tuple[str, ...] = (HEALTH_BENEFIT_PLAN,)
    dependent: Dependent | None = None
    """The patient when not the subscriber (the other fields are then the subscriber's)."""

    @property
    def trace(self) -> str:
        return f"{TRACE_PREFIX}{self.check_id}"


@dataclass(frozen=True, slots=True)
class Receiver:
    """The practice asking (2100B) and its EIN (TRN03 is "1" and the EIN)."""

    name: str
    npi: str
    tin: str


def write_270(env: InquiryEnvelope, receiver: Receiver, asks: Sequence[EligibilityAsk]) -> str:
    """The 270 text asking about `asks` (at least one), grouped by payer."""
    if not asks:
        raise ValueError("a 270 needs at least one coverage")
    w, st_start = env.open_transaction("HS", "270", VERSION, "0022")
    hl = 0
    for (code, name), group in by_payer(asks):
        hl += 1
        source = hl
        w.add("HL", str(source), "", "20", "1")
        w.add("NM1", "PR", "2", name, "", "", "", "", "PI", code)
        hl += 1
        info = hl
        w.add("HL", str(info), str(source), "21", "1")
        w.add("NM1", "1P", "2", receiver.name, "", "", "", "", "XX", receiver.npi)
        for ask in group:
            hl += 1
            subscriber = hl
            dependent = ask.dependent
            w.add("HL", str(subscriber), str(info), "22", "0" if dependent is None else "1")
            if dependent is None:
                w.add("TRN", "1", ask.trace, f"1{receiver.tin}")
            w.add("NM1", "IL", "1", ask.last_name, ask.first_name, "", "", "", "MI", ask.member_id)
            _demographics(w, ask.dob, ask.sex)
            if dependent is not None:
                hl += 1
                w.add("HL", str(hl), str(subscriber), "23", "0")
                w.add("TRN", "1", ask.trace, f"1{receiver.tin}")
                w.add("NM1", "03", "1", dependent.last_name, dependent.first_name)
                _demographics(w, dependent.dob, dependent.sex)
            w.add("DTP", "291", "D8", f"{ask.service_date:%Y%m%d}")
            for service_type in ask.service_types:
                w.add("EQ", service_type)
    return env.close(w, st_start)


def _demographics(w: SegmentWriter, dob: date | None, sex: str) -> None:
    if dob is not None:
        w.add("DMG", "D8", f"{dob:%Y%m%d}", sex if sex in ("F", "M") else "")


def check_id_of(trace: str) -> int | None:
    """The check id in a trace we wrote (`MBE<id>`), None for anyone else's."""
    return id_in_trace(trace, TRACE_PREFIX)
