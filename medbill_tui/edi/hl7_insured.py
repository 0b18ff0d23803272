"""Who is insured and who pays: IN1 with the IN2 that follows it, and GT1, read into records.

IN2 fills what IN1 leaves empty: the member id (IN2-61 the patient's own member number,
IN2-6 Medicare, IN2-8 Medicaid) and the relationship to the insured (IN2-72). Social
security numbers (IN2-2) are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medbill_tui.edi.hl7_fields import Hl7Refused, field, hl7_date, phone, us_date

_RELATIONSHIP = {
    "SEL": "18",
    "SELF": "18",
    "18": "18",
    "SPO": "01",
    "01": "01",
    "CHD": "19",
    "19": "19",
}
_SELF = frozenset({"SEL", "SELF", "18", ""})


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
class Person:
    """Who a PID or GT1 names: the EHR's id (PID-3, GT1-2; a guarantor's may be empty) and
    demographics, dates as MM/DD/YYYY, empty where the EHR sent none."""

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


def insurances(msg: Any) -> tuple[Insurance, ...]:
    """The IN1 segments in order, each read with the IN2 right after it."""
    pairs: list[tuple[Any, Any]] = []
    for seg in msg:
        name = str(seg[0])
        if name == "IN1":
            pairs.append((seg, None))
        elif name == "IN2" and pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], seg)
    return tuple(_insurance(n, in1, in2) for n, (in1, in2) in enumerate(pairs, start=1))


def _insurance(n: int, in1: Any, in2: Any) -> Insurance:
    where = f"IN1 #{n}"
    plan = field(in1, 2) or field(in1, 3)
    if not plan:
        raise Hl7Refused("AE", f"{where} IN1-2", "the insurance plan id is missing")
    said = field(in1, 17) or _in2(in2, 72)
    relationship = _RELATIONSHIP.get(said.upper(), "G8" if said else "18")
    start = hl7_date(field(in1, 12), f"{where} IN1-12", "plan effective date", required=False)
    end = hl7_date(field(in1, 13), f"{where} IN1-13", "plan expiration date", required=False)
    sub_dob = hl7_date(field(in1, 18), f"{where} IN1-18", "insured's birth date", required=False)
    member = field(in1, 36) or field(in1, 49) or _in2(in2, 61) or _in2(in2, 6) or _in2(in2, 8)
    return Insurance(
        n,
        plan,
        member,
        field(in1, 8),
        relationship,
        field(in1, 16, 1, 2),
        field(in1, 16),
        us_date(sub_dob),
        field(in1, 43).upper()[:1],
        us_date(start),
        us_date(end),
    )


def _in2(in2: Any, n: int) -> str:
    return "" if in2 is None else field(in2, n)


def guarantor(msg: Any, ehr_id: str) -> Person | None:
    """The first GT1's guarantor (GT1-3 name, GT1-5 address, GT1-6 phone, GT1-8 birth date,
    GT1-9 sex), or None when the patient is their own."""
    gt1 = [seg for seg in msg if str(seg[0]) == "GT1"]
    if not gt1:
        return None
    seg = gt1[0]
    gid = field(seg, 2)
    if field(seg, 11).upper() in _SELF or (gid and gid == ehr_id):
        return None
    dob = hl7_date(field(seg, 8), "GT1-8", "guarantor's birth date", required=False)
    sex = field(seg, 9).upper()[:1]
    return Person(
        gid,
        field(seg, 3),
        field(seg, 3, 1, 2),
        us_date(dob),
        sex if sex in ("M", "F") else "U",
        field(seg, 5),
        field(seg, 5, 1, 3),
        field(seg, 5, 1, 4),
        field(seg, 5, 1, 5),
        phone(seg, 6),
    )
