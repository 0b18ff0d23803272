"""Real-shaped HL7 v2.5.1 messages written for the tests (a clinic EHR called CLINIC)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from medbill_tui.records.hl7 import Hl7Mapping
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.hl7_interface import Hl7Service
from tests.conftest import DEMO_TODAY, TEST_LOGIN

MSH = "MSH|^~\\&|EPIC|CLINIC|MEDBILL|BILLING|20261030091500||{type}|{control}|P|2.5.1"


@dataclass(frozen=True)
class Practice:
    """The demo's first provider (EHR code DR1) and payer (plan BCBS01), location MAIN → 11."""

    npi: str
    payer_code: str


def mapped_practice(engine: Engine, role: str = "admin") -> tuple[Hl7Service, Practice]:
    with engine.connect() as conn:
        npi = conn.execute(text("SELECT npi FROM provider ORDER BY id LIMIT 1")).scalar_one()
        payer = conn.execute(text("SELECT payer_code FROM payer ORDER BY id LIMIT 1")).scalar_one()
    service = Hl7Service(engine, Clock(DEMO_TODAY), TEST_LOGIN, role)
    service.set_mapping(Hl7Mapping("CLINIC", "provider", "DR1", npi))
    service.set_mapping(Hl7Mapping("CLINIC", "payer", "BCBS01", payer))
    service.set_mapping(Hl7Mapping("CLINIC", "location", "MAIN", "11"))
    return service, Practice(npi, payer)


def adt(
    control: str,
    ehr_id: str = "E1001",
    event: str = "A04",
    last: str = "Quill",
    dob: str = "19800115",
    plan: str = "BCBS01",
) -> str:
    return "\r".join(
        [
            MSH.format(type=f"ADT^{event}^ADT_A01", control=control),
            f"EVN|{event}|20261030091500",
            f"PID|1||{ehr_id}^^^EPIC^MR||{last}^Jane^M||{dob}|F|||"
            "12 Elm St^^Springfield^IL^62701||^PRN^PH^^^217^5551234",
            "PV1|1|O",
            in1(plan),
            f"GT1|1|{ehr_id}|Quill^Jane|||||19800115|F||SEL",
        ]
    )


def in1(plan: str) -> str:
    """IN1: 2 plan, 8 group, 12 effective, 16 insured, 17 relationship, 18 DOB, 36 policy."""
    fields = ["IN1", "1", plan, plan, "Blue Cross"] + [""] * 3 + ["GRP77"] + [""] * 3
    fields += ["20260101", "", "", "", "Quill^Jane", "SEL", "19800115"] + [""] * 17 + ["XQ123456"]
    assert fields[12] == "20260101" and fields[36] == "XQ123456"
    return "|".join(fields)


def dft(
    control: str,
    lines: list[str],
    ehr_id: str = "E1001",
    visit: str = "V5001",
    location: str = "MAIN",
) -> str:
    return "\r".join(
        [
            MSH.format(type="DFT^P03", control=control),
            "EVN|P03|20261030091500",
            f"PID|1||{ehr_id}^^^EPIC^MR||Quill^Jane||19800115|F",
            f"PV1|1|O|{location}^^^CLINIC||||DR1^Lee^Ann||||||||||||{visit}",
            *lines,
        ]
    )


def ft1(
    n: int,
    code: str,
    qty: str = "1",
    kind: str = "CG",
    dx: str = "J06.9",
    modifiers: str = "",
    day: str = "20261030",
) -> str:
    """FT1: 4 date, 6 type, 7 code, 10 quantity, 19 diagnoses, 20 performed by, 26 modifiers."""
    fields = ["FT1", str(n), "", "", day, "", kind, f"{code}^^CPT4", "", "", qty]
    fields += [""] * 8 + [dx, "DR1^Lee^Ann", "", "", "", "", "", modifiers]
    return "|".join(fields)
