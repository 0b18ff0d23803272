"""HL7 v2 (2.3 to 2.5.1) ADT^A04/A08/A40 and DFT^P03 messages, read into plain records.

Parsing is python-hl7's (`hl7`); every check here names the segment and field it refuses,
so the ACK and the error list say what to fix. `Hl7Refused.code` is the ACK code: AR for
a message that will never be taken (type, version, framing), AE for one whose data is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import hl7

VERSIONS = frozenset({"2.3", "2.3.1", "2.4", "2.5", "2.5.1"})
TAKEN = frozenset({"ADT^A04", "ADT^A08", "ADT^A40", "DFT^P03"})
CREDIT_TYPES = frozenset({"CR", "CD"})
MLLP_START, MLLP_END = "\x0b", "\x1c"
_RELATIONSHIP = {"SEL": "18", "SELF": "18", "18": "18", "SPO": "01", "01": "01", "CHD": "19"}
_RELATIONSHIP["19"] = "19"


class Hl7Refused(Exception):
    """The message cannot be taken: `code` AE or AR, `where` the segment-field, `reason`."""

    def __init__(self, code: str, where: str, reason: str) -> None:
        self.code = code
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class Header:
    facility: str
    control_id: str
    message_type: str
    sent_on: date | None


@dataclass(frozen=True, slots=True)
class PatientData:
    """PID: the EHR's id (PID-3) and demographics, dates as MM/DD/YYYY."""

    ehr_id: str
    last_name: str
    first_name: str
    dob: str
    sex: str
    address1: str
    city: str
    state: str
    zip: str
    phone: str


@dataclass(frozen=True, slots=True)
class Insurance:
    """One IN1 (with its IN2 if any), in the order sent: 1 primary, 2 secondary ..."""

    segment_no: int
    plan_code: str
    member_id: str
    group_no: str
    relationship: str
    subscriber_first_name: str
    subscriber_last_name: str
    subscriber_dob: str
    subscriber_sex: str
    effective_from: str
    effective_to: str


@dataclass(frozen=True, slots=True)
class Registration:
    """ADT^A04 (register) or ADT^A08 (update)."""

    header: Header
    patient: PatientData
    insurances: tuple[Insurance, ...]
    guarantor_ehr_id: str
    """GT1-2 when the guarantor is someone else; empty when the patient is their own."""


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
    for segment in (s.strip() for s in text.split("\r")):
        if not segment:
            continue
        if segment.startswith("MSH") or not out:
            out.append(segment)
        else:
            out[-1] += "\r" + segment
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
    facility = _get(msh, 4) or _get(msh, 3)
    control_id = _get(msh, 10)
    if not control_id:
        raise Hl7Refused("AR", "MSH-10", "the message control id is missing")
    kind = f"{_get(msh, 9)}^{_get(msh, 9, 1, 2)}"
    if kind not in TAKEN:
        taken = ", ".join(sorted(TAKEN))
        raise Hl7Refused("AR", "MSH-9", f"message type {kind} is not taken here (only {taken})")
    version = _get(msh, 12)
    if version not in VERSIONS:
        raise Hl7Refused("AR", "MSH-12", f"HL7 version {version or '(none)'} is not 2.3 to 2.5.1")
    sent = _date_or_none(_get(msh, 7))
    return Header(facility[:60], control_id[:60], kind, sent)


def read_message(msg: Any, head: Header) -> Message:
    """The message's content as records (AE naming the segment-field for bad data)."""
    if head.message_type == "ADT^A40":
        return Merge(head, _ehr_id(msg), _required(_segment(msg, "MRG"), "MRG", 1))
    if head.message_type == "DFT^P03":
        return _charges(msg, head)
    guarantor = ""
    gt1 = _segments(msg, "GT1")
    ehr_id = _ehr_id(msg)
    if gt1:
        gid = _get(gt1[0], 2)
        self_rel = _get(gt1[0], 11).upper() in ("SEL", "SELF", "18", "")
        guarantor = "" if self_rel or gid == ehr_id else gid
        if not self_rel and not gid:
            raise Hl7Refused("AE", "GT1-2", "the guarantor's id is missing")
    return Registration(head, _patient(msg, ehr_id), _insurances(msg), guarantor)


def _patient(msg: Any, ehr_id: str) -> PatientData:
    pid = _segment(msg, "PID")
    dob = _date(_get(pid, 7), "PID-7", "date of birth", required=True)
    return PatientData(
        ehr_id,
        _required(pid, "PID", 5, 1, "the patient's last name"),
        _required(pid, "PID", 5, 2, "the patient's first name"),
        _us(dob),
        (_get(pid, 8) or "U").upper()[:1] if _get(pid, 8).upper()[:1] in "MFU" else "U",
        _get(pid, 11),
        _get(pid, 11, 1, 3),
        _get(pid, 11, 1, 4),
        _get(pid, 11, 1, 5),
        _phone(pid),
    )


def _phone(pid: Any) -> str:
    area, local = _get(pid, 13, 1, 6), _get(pid, 13, 1, 7)
    return area + local if local else _get(pid, 13)


def _insurances(msg: Any) -> tuple[Insurance, ...]:
    out = []
    for n, in1 in enumerate(_segments(msg, "IN1"), start=1):
        where = f"IN1 #{n}"
        plan = _get(in1, 2) or _get(in1, 3)
        if not plan:
            raise Hl7Refused("AE", f"{where} IN1-2", "the insurance plan id is missing")
        relationship = _RELATIONSHIP.get(_get(in1, 17).upper(), "G8" if _get(in1, 17) else "18")
        start = _date(_get(in1, 12), f"{where} IN1-12", "plan effective date", required=False)
        end = _date(_get(in1, 13), f"{where} IN1-13", "plan expiration date", required=False)
        sub_dob = _date(_get(in1, 18), f"{where} IN1-18", "insured's birth date", required=False)
        out.append(
            Insurance(
                n,
                plan,
                _get(in1, 36) or _get(in1, 49),
                _get(in1, 8),
                relationship,
                _get(in1, 16, 1, 2),
                _get(in1, 16),
                _us(sub_dob),
                _get(in1, 43).upper()[:1],
                _us(start),
                _us(end),
            )
        )
    return tuple(out)


def _charges(msg: Any, head: Header) -> ChargePosting:
    pv1 = _segments(msg, "PV1")
    visit = pv1[0] if pv1 else None
    lines = []
    for n, ft1 in enumerate(_segments(msg, "FT1"), start=1):
        where = f"FT1 #{n}"
        dos = _date(_get(ft1, 4), f"{where} FT1-4", "transaction date", required=True)
        assert dos is not None
        code = _get(ft1, 7).strip().upper()
        if not code:
            raise Hl7Refused("AE", f"{where} FT1-7", "the procedure code is missing")
        units = _number(_get(ft1, 10) or "1", f"{where} FT1-10", "quantity")
        if units == 0:
            raise Hl7Refused("AE", f"{where} FT1-10", "the quantity is zero")
        if _get(ft1, 6).upper() in CREDIT_TYPES:
            units = -abs(units)
        total = _get(ft1, 11)
        unit_price = _get(ft1, 12)
        amount = None
        if total:
            amount = abs(_number(total, f"{where} FT1-11", "extended amount"))
        elif unit_price:
            amount = abs(_number(unit_price, f"{where} FT1-12", "unit amount") * units)
        lines.append(
            ChargeLine(
                n,
                dos,
                code,
                _repeats(ft1, 26),
                units,
                amount,
                tuple(c.replace(".", "").upper() for c in _repeats(ft1, 19)),
                _get(ft1, 20) or _get(ft1, 21),
            )
        )
    if not lines:
        raise Hl7Refused("AE", "FT1", "a DFT^P03 must carry at least one FT1 segment")
    if len({line.dos for line in lines}) > 1:
        raise Hl7Refused("AE", "FT1-4", "the lines of one visit must share the date of service")
    return ChargePosting(
        head,
        _ehr_id(msg),
        _get(visit, 19) if visit is not None else "",
        _get(visit, 3) if visit is not None else "",
        _get(visit, 7) if visit is not None else "",
        tuple(lines),
    )


def _ehr_id(msg: Any) -> str:
    return _required(_segment(msg, "PID"), "PID", 3, 1, "the patient id")


def _segment(msg: Any, name: str) -> Any:
    found = _segments(msg, name)
    if not found:
        raise Hl7Refused("AE", name, f"the {name} segment is missing")
    return found[0]


def _segments(msg: Any, name: str) -> list[Any]:
    return list(msg.segments(name)) if any(str(s[0]) == name for s in msg) else []


def _get(segment: Any, field: int, repeat: int = 1, component: int = 1) -> str:
    try:
        return str(segment.extract_field(1, field, repeat, component)).strip()
    except (IndexError, KeyError):
        return ""


def _repeats(segment: Any, field: int) -> tuple[str, ...]:
    out = []
    for repeat in range(1, 13):
        value = _get(segment, field, repeat)
        if not value:
            break
        out.append(value.upper())
    return tuple(out)


def _required(segment: Any, name: str, field: int, component: int = 1, what: str = "") -> str:
    value = _get(segment, field, 1, component)
    if not value:
        where = f"{name}-{field}" + (f".{component}" if component > 1 else "")
        raise Hl7Refused("AE", where, f"{what or 'a required value'} is missing")
    return value


def _date_or_none(value: str) -> date | None:
    try:
        return _date(value, "", "", required=False)
    except Hl7Refused:
        return None


def _date(value: str, where: str, what: str, required: bool) -> date | None:
    if not value:
        if required:
            raise Hl7Refused("AE", where, f"the {what} is missing")
        return None
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(\d{0,6}(\.\d+)?([+-]\d{4})?)", value)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Hl7Refused("AE", where, f"the {what} {value!r} is not a date (YYYYMMDD)") from None


def _number(value: str, where: str, what: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise Hl7Refused("AE", where, f"the {what} {value!r} is not a number") from None
    if not number.is_finite():
        raise Hl7Refused("AE", where, f"the {what} {value!r} is not a number")
    return number


def _us(day: date | None) -> str:
    return "" if day is None else day.strftime("%m/%d/%Y")


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
