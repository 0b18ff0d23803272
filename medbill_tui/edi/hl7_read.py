"""HL7 v2 (2.3 to 2.5.1) ADT^A04/A08/A40 and DFT^P03 messages, read into plain records.

Parsing is python-hl7's (`hl7`); every check here names the segment and field it refuses,
so the ACK and the error list say what to fix. `Hl7Refused.code` is the ACK code: AR for
a message that will never be taken (type, version, framing), AE for one whose data is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import hl7

from medbill_tui.edi.hl7_fields import (
    Hl7Refused,
    date_or_none,
    field,
    field_repeats,
    hl7_date,
    number,
    phone,
    required,
    segment,
    segments,
    us_date,
)
from medbill_tui.edi.hl7_insured import Insurance, Person, guarantor, insurances

VERSIONS = frozenset({"2.3", "2.3.1", "2.4", "2.5", "2.5.1"})
TAKEN = frozenset({"ADT^A04", "ADT^A08", "ADT^A40", "DFT^P03"})
CREDIT_TYPES = frozenset({"CR", "CD"})
MLLP_START, MLLP_END = "\x0b", "\x1c"


@dataclass(frozen=True, slots=True)
class Header:
    facility: str
    control_id: str
    message_type: str
    sent_on: date | None


@dataclass(frozen=True, slots=True)
class Registration:
    """ADT^A04 (register) or ADT^A08 (update)."""

    header: Header
    patient: Person
    insurances: tuple[Insurance, ...]
    guarantor: Person | None
    """GT1 when the guarantor is someone else; None when the patient is their own."""


@dataclass(frozen=True, slots=True)
class Merge:
    """ADT^A40: the patient of MRG-1 merges into the patient of PID-3."""

    header: Header
    survivor_ehr_id: str
    merged_ehr_id: str


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One FT1. `units` is negative for a credit (FT1-6 CR/CD or a negative FT1-10)."""

    segment_no: int
    dos: date
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    amount: Decimal | None
    """FT1-11 (the line's total), else FT1-12 times units; None: price from the fee schedule."""
    diagnoses: tuple[str, ...]
    provider_code: str


@dataclass(frozen=True, slots=True)
class ChargePosting:
    """DFT^P03: charges of one visit."""

    header: Header
    ehr_id: str
    visit_number: str
    location: str
    attending_code: str
    lines: tuple[ChargeLine, ...]


Message = Registration | Merge | ChargePosting


def split_messages(data: str) -> list[str]:
    """The messages of a file or stream: MLLP framing dropped, `\\n` taken as `\\r`, split
    at each MSH."""
    text = data.replace(MLLP_START, "").replace(MLLP_END, "\r").replace("\r\n", "\r")
    text = text.replace("\n", "\r")
    out: list[str] = []
    for line in (s.strip() for s in text.split("\r")):
        if not line:
            continue
        if line.startswith("MSH") or not out:
            out.append(line)
        else:
            out[-1] += "\r" + line
    return out


def parse(raw: str) -> Any:
    """The python-hl7 message, or AR when there is no MSH to read."""
    if not raw.strip().startswith("MSH") or len(raw.strip()) < 8:
        raise Hl7Refused("AR", "MSH", "the message does not begin with an MSH segment")
    try:
        return hl7.parse(raw.strip())
    except Exception as exc:  # python-hl7 raises several kinds on broken text
        raise Hl7Refused("AR", "MSH", f"the message cannot be read ({exc})") from None


def header(msg: Any) -> Header:
    """MSH: sending facility, control id, type and version (AR for what is never taken)."""
    msh = msg.segment("MSH")
    facility = field(msh, 4) or field(msh, 3)
    control_id = field(msh, 10)
    if not control_id:
        raise Hl7Refused("AR", "MSH-10", "the message control id is missing")
    kind = f"{field(msh, 9)}^{field(msh, 9, 1, 2)}"
    if kind not in TAKEN:
        taken = ", ".join(sorted(TAKEN))
        raise Hl7Refused("AR", "MSH-9", f"message type {kind} is not taken here (only {taken})")
    version = field(msh, 12)
    if version not in VERSIONS:
        raise Hl7Refused("AR", "MSH-12", f"HL7 version {version or '(none)'} is not 2.3 to 2.5.1")
    sent = date_or_none(field(msh, 7))
    return Header(facility[:60], control_id[:60], kind, sent)


def read_message(msg: Any, head: Header) -> Message:
    """The message's content as records (AE naming the segment-field for bad data)."""
    if head.message_type == "ADT^A40":
        return Merge(head, _ehr_id(msg), required(segment(msg, "MRG"), "MRG", 1))
    if head.message_type == "DFT^P03":
        return _charges(msg, head)
    ehr_id = _ehr_id(msg)
    return Registration(head, _patient(msg, ehr_id), insurances(msg), guarantor(msg, ehr_id))


def _patient(msg: Any, ehr_id: str) -> Person:
    pid = segment(msg, "PID")
    dob = hl7_date(field(pid, 7), "PID-7", "date of birth", required=True)
    return Person(
        ehr_id,
        required(pid, "PID", 5, 1, "the patient's last name"),
        required(pid, "PID", 5, 2, "the patient's first name"),
        us_date(dob),
        (field(pid, 8) or "U").upper()[:1] if field(pid, 8).upper()[:1] in "MFU" else "U",
        field(pid, 11),
        field(pid, 11, 1, 3),
        field(pid, 11, 1, 4),
        field(pid, 11, 1, 5),
        phone(pid, 13),
    )


def _charges(msg: Any, head: Header) -> ChargePosting:
    pv1 = segments(msg, "PV1")
    visit = pv1[0] if pv1 else None
    lines = []
    for n, ft1 in enumerate(segments(msg, "FT1"), start=1):
        where = f"FT1 #{n}"
        dos = hl7_date(field(ft1, 4), f"{where} FT1-4", "transaction date", required=True)
        assert dos is not None
        code = field(ft1, 7).strip().upper()
        if not code:
            raise Hl7Refused("AE", f"{where} FT1-7", "the procedure code is missing")
        units = number(field(ft1, 10) or "1", f"{where} FT1-10", "quantity")
        if units == 0:
            raise Hl7Refused("AE", f"{where} FT1-10", "the quantity is zero")
        if field(ft1, 6).upper() in CREDIT_TYPES:
            units = -abs(units)
        total = field(ft1, 11)
        unit_price = field(ft1, 12)
        amount = None
        if total:
            amount = abs(number(total, f"{where} FT1-11", "extended amount"))
        elif unit_price:
            amount = abs(number(unit_price, f"{where} FT1-12", "unit amount") * units)
        lines.append(
            ChargeLine(
                n,
                dos,
                code,
                field_repeats(ft1, 26),
                units,
                amount,
                tuple(c.replace(".", "").upper() for c in field_repeats(ft1, 19)),
                field(ft1, 20) or field(ft1, 21),
            )
        )
    if not lines:
        raise Hl7Refused("AE", "FT1", "a DFT^P03 must carry at least one FT1 segment")
    if len({line.dos for line in lines}) > 1:
        raise Hl7Refused("AE", "FT1-4", "the lines of one visit must share the date of service")
    return ChargePosting(
        head,
        _ehr_id(msg),
        field(visit, 19) if visit is not None else "",
        field(visit, 3) if visit is not None else "",
        field(visit, 7) if visit is not None else "",
        tuple(lines),
    )


def _ehr_id(msg: Any) -> str:
    return required(segment(msg, "PID"), "PID", 3, 1, "the patient id")


def ack(msg: Any, code: str, reason: str | None) -> str:
    """The ACK for `msg` (MSA-1 `code`, MSA-3 the reason), as HL7 text ending in `\\r`."""
    answer = msg.create_ack(code, application="MEDBILL", facility="BILLING")
    if reason:
        answer.segment("MSA").assign_field(msg.escape(reason[:200]), 3)
    return str(answer)


def bare_ack(code: str, reason: str) -> str:
    """An ACK for text with no header to answer from (broken framing, no MSH)."""
    text = reason.replace("|", " ").replace("^", " ").replace("~", " ").replace("\\", " ")
    text = text.replace("&", " ")[:200]
    return f"MSH|^~\\&|MEDBILL|BILLING|||||ACK|||2.5.1\rMSA|{code}||{text}\r"
