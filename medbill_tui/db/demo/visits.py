"""What happened at a visit: diagnoses, service lines and place of service.

`make_visit` is a pure function of the random stream and the patient's age, sex and payer, so
the mix of visits looks like a family practice: sick visits, check-ups, shots, small procedures.
"""

from __future__ import annotations

import random
from datetime import date

from medbill_tui.db.demo.codes import (
    ACUTE,
    ADD_ONS,
    BLOOD_TESTS,
    CHRONIC,
    DEPRESSION_SCREEN_DX,
    DRUG_FOR_INJECTION,
    PAP_DX,
    PROCEDURES,
    SECONDARY_DX,
    VACCINE_DX,
    WELL_ADULT,
    WELL_CHILD,
)

Line = tuple[str, tuple[str, ...], str]
"""(procedure code, modifiers, diagnosis pointers)."""

MAX_LINES = 4
MAX_DX = 4
EST_LEVELS = ("99212", "99213", "99214", "99215")
NEW_LEVELS = ("99202", "99203", "99204", "99205")
EST_WEIGHTS = (8, 45, 38, 9)
NEW_WEIGHTS = (10, 40, 40, 10)
DX_COUNT_WEIGHTS = (35, 35, 20, 10)


class _Visit:
    __slots__ = ("dx", "lines")

    def __init__(self) -> None:
        self.dx: list[str] = []
        self.lines: list[Line] = []

    def add_dx(self, code: str) -> int:
        """Pointer (1-based) of `code`, adding it if there is room (else pointer 1)."""
        if code in self.dx:
            return self.dx.index(code) + 1
        if len(self.dx) >= MAX_DX:
            return 1
        self.dx.append(code)
        return len(self.dx)

    def add_line(self, code: str, pointers: str, modifiers: tuple[str, ...] = ()) -> bool:
        if len(self.lines) >= MAX_LINES or any(line[0] == code for line in self.lines):
            return False
        self.lines.append((code, modifiers, pointers))
        return True

    def room(self) -> int:
        return MAX_LINES - len(self.lines)


def _em_pointers(visit: _Visit) -> str:
    return "".join(str(i) for i in range(1, min(len(visit.dx), 4) + 1))


def _flu_season(day: date) -> bool:
    return day.month >= 9 or day.month <= 3


def _sick(rng: random.Random, visit: _Visit, age: int, telehealth: bool) -> None:
    count = rng.choices((1, 2, 3, 4), DX_COUNT_WEIGHTS)[0]
    chronic_share = 0.1 if age < 18 else (0.6 if age >= 65 else 0.45)
    visit.add_dx(rng.choice(CHRONIC if rng.random() < chronic_share else ACUTE))
    while len(visit.dx) < count:
        r = rng.random()
        pool = CHRONIC if r < 0.5 else (ACUTE if r < 0.85 else SECONDARY_DX)
        visit.add_dx(rng.choice(pool))
    new = rng.random() < 0.07
    levels, weights = (NEW_LEVELS, NEW_WEIGHTS) if new else (EST_LEVELS, EST_WEIGHTS)
    shift = min(len(visit.dx) - 1, 2) if not new and rng.random() < 0.5 else 0
    level = min(rng.choices(range(4), weights)[0] + shift, 3)
    visit.add_line(levels[level], _em_pointers(visit), ("95",) if telehealth else ())
    if telehealth:
        return
    drew_blood = False
    for pointer, code in enumerate(list(visit.dx), start=1):
        for add_on, chance in ADD_ONS.get(code, ()):
            if visit.room() < 1 or rng.randrange(100) >= chance:
                continue
            if add_on in BLOOD_TESTS and not drew_blood:
                if visit.room() < 2:
                    continue
                drew_blood = visit.add_line("36415", str(pointer))
            if visit.add_line(add_on, str(pointer)) and add_on == "96372":
                drug = DRUG_FOR_INJECTION.get(code)
                if drug:
                    visit.add_line(drug, str(pointer))


def _preventive(rng: random.Random, visit: _Visit, age: int, sex: str, medicare: bool,
                dos: date) -> None:  # fmt: skip
    if age < 18:
        visit.add_dx(WELL_CHILD[0] if rng.random() < 0.8 else WELL_CHILD[1])
    else:
        abnormal = rng.random() < 0.3
        visit.add_dx(WELL_ADULT[1] if abnormal else WELL_ADULT[0])
        if abnormal:
            visit.add_dx(rng.choice(CHRONIC))
    if medicare:
        code = "G0439" if rng.random() < 0.9 else "G0438"
    elif age < 1:
        code = "99391"
    elif age < 5:
        code = "99392"
    elif age < 12:
        code = "99393"
    elif age < 18:
        code = "99394"
    else:
        new = rng.random() < 0.1
        band = 0 if age < 40 else (1 if age < 65 else 2)
        code = (("99385", "99386", "99387") if new else ("99395", "99396", "99397"))[band]
    visit.add_line(code, _em_pointers(visit))
    if 11 <= age <= 12 and rng.random() < 0.4:
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90715", pointer)
    elif age >= 3 and _flu_season(dos) and rng.random() < 0.5:
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90686", pointer)
    if age >= 18 and rng.random() < 0.4 and visit.room() >= 2:
        visit.add_line("36415", "1")
        visit.add_line(rng.choice(("80053", "80061", "85025")), "1")
    if age >= 12 and rng.random() < 0.2:
        pointer = str(visit.add_dx(DEPRESSION_SCREEN_DX))
        visit.add_line("G0444" if medicare else "96127", pointer)
    if sex == "F" and 21 <= age <= 65 and rng.random() < 0.15:
        visit.add_line("Q0091", str(visit.add_dx(rng.choice(PAP_DX))))


def _nurse(rng: random.Random, visit: _Visit, age: int, dos: date) -> None:
    r = rng.random()
    if age >= 3 and r < (0.6 if _flu_season(dos) else 0.2):
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90686", pointer)
    elif r < 0.8:
        dx = rng.choice(tuple(DRUG_FOR_INJECTION))
        pointer = str(visit.add_dx(dx))
        visit.add_line("96372", pointer)
        visit.add_line(DRUG_FOR_INJECTION[dx], pointer)
    else:
        visit.add_dx("I10")
        visit.add_line("99211", "1")


def _procedure(rng: random.Random, visit: _Visit) -> None:
    code, diagnoses, extra = rng.choice(PROCEDURES)
    visit.add_dx(rng.choice(diagnoses))
    with_visit = rng.random() < 0.55
    if with_visit:
        if rng.random() < 0.5:
            visit.add_dx(rng.choice(CHRONIC))
        visit.add_line(rng.choice(("99213", "99213", "99214")), _em_pointers(visit), ("25",))
    visit.add_line(code, "1", ("RT",) if code == "20610" else ())
    if extra and (extra != "A4550" or rng.random() < 0.3):
        visit.add_line(extra, "1")


def make_visit(rng: random.Random, age: int, sex: str, payer: str,
               dos: date) -> tuple[list[str], list[Line], str]:  # fmt: skip
    """Diagnoses (in order), service lines and place of service of one encounter."""
    visit = _Visit()
    r = rng.random()
    pos = "11"
    if r < 0.14:
        _preventive(rng, visit, age, sex, payer == "medicare" and age >= 65, dos)
    elif r < 0.21:
        _nurse(rng, visit, age, dos)
    elif r < 0.30:
        _procedure(rng, visit)
        if rng.random() < 0.15:
            pos = "22"
    else:
        telehealth = age >= 12 and rng.random() < 0.08
        _sick(rng, visit, age, telehealth)
        if telehealth:
            pos = "02"
        elif rng.random() < 0.02:
            pos = "22"
    return visit.dx, visit.lines, pos
