"""Code tables the demo practice bills with: procedures, prices, diagnoses, denial reasons.

Procedure labels and CARC descriptions live in `medbill_tui/data/*.csv` (our own words, never
AMA descriptor text). Diagnoses are real billable ICD-10-CM codes, written with the dot.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ProcedureCode:
    """A CPT/HCPCS code with our own short label."""

    code: str
    code_set: str
    label: str


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("medbill_tui").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def procedure_codes() -> tuple[ProcedureCode, ...]:
    """The procedure codes of `data/procedure_codes.csv`, in file order."""
    return tuple(
        ProcedureCode(r["code"], r["code_set"], r["label"])
        for r in _read_csv("procedure_codes.csv")
    )


@cache
def carc_codes() -> tuple[tuple[str, str], ...]:
    """(code, description) of `data/carc.csv`, in file order."""
    return tuple((r["code"], r["description"]) for r in _read_csv("carc.csv"))


PRICES: dict[str, str] = {
    "99202": "110.00",
    "99203": "165.00",
    "99204": "250.00",
    "99205": "330.00",
    "99211": "45.00",
    "99212": "90.00",
    "99213": "135.00",
    "99214": "195.00",
    "99215": "265.00",
    "99385": "240.00",
    "99386": "260.00",
    "99387": "285.00",
    "99391": "170.00",
    "99392": "180.00",
    "99393": "195.00",
    "99394": "215.00",
    "99395": "220.00",
    "99396": "235.00",
    "99397": "255.00",
    "36415": "15.00",
    "81002": "12.00",
    "85025": "28.00",
    "80053": "38.00",
    "80061": "45.00",
    "83036": "32.00",
    "87880": "35.00",
    "87804": "40.00",
    "93000": "65.00",
    "90471": "30.00",
    "90686": "42.00",
    "90715": "65.00",
    "96372": "35.00",
    "20610": "145.00",
    "11102": "160.00",
    "17110": "135.00",
    "69210": "85.00",
    "94640": "45.00",
    "94010": "70.00",
    "96127": "22.00",
    "99406": "30.00",
    "G0438": "225.00",
    "G0439": "170.00",
    "G0444": "28.00",
    "J1885": "18.00",
    "J3301": "12.00",
    "J1100": "8.00",
    "Q0091": "55.00",
    "A4550": "22.00",
}
"""The practice's default charge (fee_schedule row with payer_id NULL) per code."""

PREVENTIVE = frozenset(
    {
        "99385",
        "99386",
        "99387",
        "99391",
        "99392",
        "99393",
        "99394",
        "99395",
        "99396",
        "99397",
        "G0438",
        "G0439",
        "G0444",
        "90471",
        "90686",
        "90715",
        "Q0091",
        "96127",
    }
)
"""Codes plans pay without patient cost sharing."""

EM_CODES = frozenset(
    {"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"}
)

# Diagnoses by clinical group (all billable ICD-10-CM codes).
CHRONIC = (
    "E11.9",
    "E11.65",
    "E11.22",
    "I10",
    "E78.5",
    "E78.2",
    "E66.9",
    "E66.01",
    "E03.9",
    "J44.9",
    "J45.909",
    "I48.91",
    "I25.10",
    "F41.1",
    "F32.A",
    "F33.1",
    "K21.9",
    "G47.00",
    "R73.03",
    "E55.9",
    "M17.11",
    "G43.909",
    "M79.7",
    "F17.210",
    "D50.9",
    "D64.9",
    "N95.1",
)
ACUTE = (
    "J06.9",
    "J02.9",
    "J02.0",
    "J01.90",
    "J20.9",
    "J18.9",
    "R05.9",
    "R50.9",
    "R51.9",
    "H66.90",
    "H10.9",
    "N39.0",
    "R30.0",
    "R35.0",
    "K59.00",
    "K58.9",
    "R10.9",
    "R10.13",
    "L30.9",
    "L70.0",
    "R42",
    "R53.83",
    "M54.50",
    "M54.2",
    "M25.561",
    "M25.511",
)
SECONDARY_DX = ("Z79.4", "Z79.899", "Z71.6", "Z13.31")
WELL_ADULT = ("Z00.00", "Z00.01")
WELL_CHILD = ("Z00.129", "Z00.121")
VACCINE_DX = "Z23"
PAP_DX = ("Z01.419", "Z12.4")
DEPRESSION_SCREEN_DX = "Z13.31"

ALL_DIAGNOSES: tuple[str, ...] = (
    CHRONIC
    + ACUTE
    + SECONDARY_DX
    + WELL_ADULT
    + WELL_CHILD
    + (VACCINE_DX,)
    + PAP_DX
    + ("H61.23", "B07.9", "L82.1", "D48.5")
)
"""Every diagnosis the demo uses."""

# Labs and in-office services a diagnosis tends to bring along: dx -> ((code, chance %), ...)
ADD_ONS: dict[str, tuple[tuple[str, int], ...]] = {
    "E11.9": (("83036", 45), ("80053", 20)),
    "E11.65": (("83036", 60), ("80053", 25)),
    "E11.22": (("83036", 50), ("80053", 40)),
    "R73.03": (("83036", 40),),
    "E78.5": (("80061", 45),),
    "E78.2": (("80061", 50),),
    "I10": (("80053", 20),),
    "D50.9": (("85025", 60),),
    "D64.9": (("85025", 60),),
    "R53.83": (("85025", 40), ("80053", 20)),
    "J02.9": (("87880", 55),),
    "J02.0": (("87880", 70),),
    "R50.9": (("87804", 35),),
    "J06.9": (("87804", 10),),
    "N39.0": (("81002", 70),),
    "R30.0": (("81002", 70),),
    "R35.0": (("81002", 50),),
    "R42": (("93000", 40),),
    "I48.91": (("93000", 50),),
    "I25.10": (("93000", 25),),
    "J45.909": (("94640", 30), ("94010", 10)),
    "J44.9": (("94010", 20), ("94640", 20)),
    "J20.9": (("94640", 15), ("96372", 10)),
    "F17.210": (("99406", 50),),
    "F32.A": (("96127", 40),),
    "F33.1": (("96127", 40),),
    "F41.1": (("96127", 30),),
    "M54.50": (("96372", 15),),
    "G43.909": (("96372", 20),),
}
BLOOD_TESTS = frozenset({"83036", "80053", "80061", "85025"})
DRUG_FOR_INJECTION = {"M54.50": "J1885", "G43.909": "J1885", "J20.9": "J1100"}

# Procedure visits: (procedure, diagnoses to choose from, extra supply/drug or "")
PROCEDURES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("20610", ("M17.11", "M25.561"), "J3301"),
    ("17110", ("B07.9", "L82.1"), ""),
    ("11102", ("D48.5",), "A4550"),
    ("69210", ("H61.23",), ""),
    ("94640", ("J45.909", "J44.9"), ""),
)

# Denial reasons: (group, CARC, RARC choices, weight)
DENIALS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("CO", "16", ("M51", "N290", "MA130", "N382"), 14),
    ("CO", "18", ("",), 6),
    ("OI", "22", ("MA04", ""), 6),
    ("PR", "27", ("N30", ""), 5),
    ("CO", "29", ("",), 3),
    ("CO", "50", ("N115", ""), 9),
    ("CO", "96", ("N130",), 6),
    ("CO", "97", ("M80", "N20"), 9),
    ("CO", "109", ("",), 5),
    ("CO", "197", ("N54", ""), 7),
    ("PR", "204", ("N130", ""), 6),
    ("CO", "242", ("N130", ""), 4),
    ("CO", "11", ("M76",), 4),
    ("CO", "31", ("N382",), 4),
    ("CO", "4", ("M51", ""), 4),
    ("CO", "B7", ("N290",), 2),
)
LINE_DENIALS: tuple[tuple[str, str, str], ...] = (
    ("CO", "97", "M80"),
    ("CO", "97", "N20"),
    ("CO", "50", "N115"),
    ("CO", "151", ""),
    ("CO", "B15", ""),
    ("CO", "234", ""),
)
"""Line-level denials on partly paid claims: (group, CARC, RARC)."""

HOLD_REASONS = (
    "Waiting on the referral number from the PCP",
    "Check the modifier on the procedure line",
    "Verify the patient's new insurance card",
    "Provider has not signed the visit note",
    "Prior authorization still pending",
    "Diagnosis needs more specificity",
)

ENCOUNTER_HOLD_REASONS = (
    "provider has not signed the visit note",
    "coding review requested",
    "waiting for the outside lab's results to attach",
    "patient says the insurance changed; card requested",
)

PATIENT_PAYMENT_MEMOS = (
    "Patient payment - card",
    "Patient payment - check",
    "Patient payment - cash",
    "Patient payment - portal",
)
