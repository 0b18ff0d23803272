"""271 eligibility response (005010X279A1) read through x12sdk into plain records.

Each subscriber (2000C) or dependent (2000D) answer carries the TRN02 of our 270
(`MBE<id>`), its rejections (AAA, in words), whether the coverage is active (EB01 1-5),
inactive (6-8) or another payer's (R), the plan dates (DTP 346/347, or 291/307 ranges) and
the benefits asked about (EB01 A/B/C/G). A rejection of the whole request (2000A/2100B AAA)
applies to every check of the 270 named by BHT03.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from medbill_tui.edi import eligibility_words as words
from medbill_tui.edi.x12sdk_adapter import read_models


@dataclass(frozen=True, slots=True)
class Benefit:
    """One EB of kind copay, coinsurance, deductible or out-of-pocket."""

    kind: str
    service_type: str
    level: str
    network: str
    period: str
    amount: Decimal | None
    percent: Decimal | None

    def as_row(self) -> dict[str, str]:
        """Stored as JSON (amounts as strings: money stays Decimal)."""
        return {
            "kind": self.kind,
            "service_type": self.service_type,
            "level": self.level,
            "network": self.network,
            "period": self.period,
            "amount": "" if self.amount is None else str(self.amount),
            "percent": "" if self.percent is None else str(self.percent),
        }


@dataclass(frozen=True, slots=True)
class EligibilityAnswer:
    """What the payer said about one person asked about."""

    trace: str
    member_id: str
    outcome: str  # active | inactive | other-payer | rejected | unknown
    words: str
    plan_from: date | None
    plan_to: date | None
    benefits: tuple[Benefit, ...]


@dataclass(frozen=True, slots=True)
class Response271:
    """One 271 transaction set: its BHT03 (our 270's reference) and the answers in it."""

    reference: str
    rejected_whole: str
    answers: tuple[EligibilityAnswer, ...]


def read_271(text: str) -> list[Response271]:
    """Every transaction set of a 271; raises `X12SdkRefused` for what x12sdk cannot read."""
    return [_response(model) for model in read_models(text)]


def _response(model: dict[str, Any]) -> Response271:
    reference = model["header"]["bht_segment"].get("submitter_transactional_identifier", "")
    whole: list[str] = []
    answers: list[EligibilityAnswer] = []
    for source in model.get("loop_2000a", []):
        whole += _aaa(source.get("aaa_segment", []))
        whole += _aaa(source.get("loop_2100a", {}).get("aaa_segment", []))
        for receiver in source.get("loop_2000b", []):
            whole += _aaa(receiver.get("loop_2100b", {}).get("aaa_segment", []))
            for subscriber in receiver.get("loop_2000c", []):
                dependents = subscriber.get("loop_2000d", [])
                if not dependents or subscriber.get("trn_segment"):
                    answers.append(_answer(subscriber, "c"))
                member = _member_id(subscriber["loop_2100c"])
                answers += [_answer(dep, "d", member) for dep in dependents]
    return Response271(reference, "; ".join(whole), tuple(answers))


def _aaa(segments: list[dict[str, Any]]) -> list[str]:
    return [
        words.aaa_words(s.get("reject_reason_code", ""), s.get("follow_up_action_code", ""))
        for s in segments
    ]


def _member_id(person: dict[str, Any]) -> str:
    return str(person.get("nm1_segment", {}).get("identification_code", ""))


def _answer(loop: dict[str, Any], level: str, member_id: str = "") -> EligibilityAnswer:
    """One person's answer; a dependent without an id of their own has the subscriber's."""
    traces = [t.get("reference_identification_1", "") for t in loop.get("trn_segment", [])]
    person = loop.get(f"loop_2100{level}", {})
    rejections = _aaa(person.get("aaa_segment", []))
    plan_from, plan_to = _plan_dates(person.get("dtp_segment", []))
    status: set[str] = set()
    benefits: list[Benefit] = []
    for info in person.get(f"loop_2110{level}", []):
        eb = info.get("eb_segment", {})
        rejections += _aaa(info.get("aaa_segment", []))
        code = eb.get("eligibility_benefit_information", "")
        if code in words.ACTIVE_CODES:
            status.add("active")
        elif code in words.INACTIVE_CODES:
            status.add("inactive")
        elif code == words.OTHER_PAYER:
            status.add("other-payer")
        elif code in words.BENEFIT_KINDS:
            benefits += _benefits(eb, code)
    outcome = "rejected" if rejections else _outcome(status)
    return EligibilityAnswer(
        trace=next((t for t in traces if t), ""),
        member_id=_member_id(person) or member_id,
        outcome=outcome,
        words="; ".join(rejections),
        plan_from=plan_from,
        plan_to=plan_to,
        benefits=tuple(benefits),
    )


def _outcome(status: set[str]) -> str:
    for outcome in ("active", "inactive", "other-payer"):
        if outcome in status:
            return outcome
    return "unknown"


def _benefits(eb: dict[str, Any], code: str) -> list[Benefit]:
    service_types = eb.get("service_type_code") or ["30"]
    return [
        Benefit(
            kind=words.BENEFIT_KINDS[code],
            service_type=words.SERVICE_TYPES.get(st, st),
            level=words.LEVELS.get(eb.get("coverage_level_code", ""), "individual"),
            network=words.NETWORK.get(eb.get("inplan_network_indicator", ""), ""),
            period=words.PERIODS.get(eb.get("time_period_qualifier", ""), ""),
            amount=_decimal(eb.get("benefit_amount")),
            percent=_decimal(eb.get("benefit_percent")),
        )
        for st in service_types
    ]


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plan_dates(dtps: list[dict[str, Any]]) -> tuple[date | None, date | None]:
    start: date | None = None
    end: date | None = None
    for dtp in dtps:
        qualifier = dtp.get("date_time_qualifier", "")
        first, last = _period(str(dtp.get("date_time_period", "")))
        if qualifier in ("346", "356"):
            start = first
        elif qualifier in ("347", "357"):
            end = first
        elif qualifier in ("291", "307") and start is None:
            start, end = first, last if last is not None else end
    return start, end


def _period(raw: str) -> tuple[date | None, date | None]:
    """A date or a range, as x12sdk gives them (ISO or CCYYMMDD, ranges with '-')."""
    digits = raw.replace("-", "")
    if len(digits) == 8:
        return _date(digits), None
    if len(digits) == 16:
        return _date(digits[:8]), _date(digits[8:])
    return None, None


def _date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
