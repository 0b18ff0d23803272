"""Reading HL7 v2 fields with python-hl7: values by segment, field, repeat and component,
dates and numbers, each refusal naming the segment and field (`Hl7Refused`)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


class Hl7Refused(Exception):
    """The message cannot be taken: `code` AE or AR, `where` the segment-field, `reason`."""

    def __init__(self, code: str, where: str, reason: str) -> None:
        self.code = code
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


def segment(msg: Any, name: str) -> Any:
    """The first `name` segment (AE when there is none)."""
    found = segments(msg, name)
    if not found:
        raise Hl7Refused("AE", name, f"the {name} segment is missing")
    return found[0]


def segments(msg: Any, name: str) -> list[Any]:
    return list(msg.segments(name)) if any(str(s[0]) == name for s in msg) else []


def field(seg: Any, n: int, repeat: int = 1, component: int = 1) -> str:
    """Field `n` (repeat, component) of `seg`, stripped; empty when absent."""
    try:
        return str(seg.extract_field(1, n, repeat, component)).strip()
    except (IndexError, KeyError):
        return ""


def field_repeats(seg: Any, n: int) -> tuple[str, ...]:
    out = []
    for repeat in range(1, 13):
        value = field(seg, n, repeat)
        if not value:
            break
        out.append(value.upper())
    return tuple(out)


def required(seg: Any, name: str, n: int, component: int = 1, what: str = "") -> str:
    value = field(seg, n, 1, component)
    if not value:
        where = f"{name}-{n}" + (f".{component}" if component > 1 else "")
        raise Hl7Refused("AE", where, f"{what or 'a required value'} is missing")
    return value


def date_or_none(value: str) -> date | None:
    try:
        return hl7_date(value, "", "", required=False)
    except Hl7Refused:
        return None


def hl7_date(value: str, where: str, what: str, *, required: bool) -> date | None:
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


def number(value: str, where: str, what: str) -> Decimal:
    try:
        found = Decimal(value.strip())
    except InvalidOperation:
        raise Hl7Refused("AE", where, f"the {what} {value!r} is not a number") from None
    if not found.is_finite():
        raise Hl7Refused("AE", where, f"the {what} {value!r} is not a number")
    return found


def us_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%m/%d/%Y")


def phone(seg: Any, n: int) -> str:
    """An XTN phone: area code + local number when sent in parts, else the first component."""
    area, local = field(seg, n, 1, 6), field(seg, n, 1, 7)
    return area + local if local else field(seg, n)
