"""What happened at a visit: diagnoses, service lines and place of service.

`make_visit` is a pure function of the random stream and the patient's age, sex and payer, so
the mix of visits looks like a family practice: sick visits, check-ups, shots, small procedures.
"""

from __future__ import annotations

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
from medbill_tui.db.demo.state import Rand, cumulative, pick, weighted

Line = tuple[str, tuple[str, ...], str]
"""(procedure code, modifiers, diagnosis pointers)."""

MAX_LINES = 4
MAX_DX = 4
EST_LEVELS = ("99212", "99213", "99214", "99215")
NEW_LEVELS = ("99202", "99203", "99204", "99205")
EST_CUM = cumulative((8, 45, 38, 9))
NEW_CUM = cumulative((10, 40, 40, 10))
DX_COUNT_CUM = cumulative((35, 35, 20, 10))
INJECTION_DX = tuple(DRUG_FOR_INJECTION)


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


def _sick(rand: Rand, visit: _Visit, age: int, telehealth: bool) -> None:
    count = weighted(rand, (1, 2, 3, 4), DX_COUNT_CUM)
    chronic_share = 0.1 if age < 18 else (0.6 if age >= 65 else 0.45)
    visit.add_dx(pick(rand, CHRONIC if rand() < chronic_share else ACUTE))
    while len(visit.dx) < count:
        r = rand()
        pool = CHRONIC if r < 0.5 else (ACUTE if r < 0.85 else SECONDARY_DX)
        visit.add_dx(pick(rand, pool))
    new = rand() < 0.07
    levels, cum = (NEW_LEVELS, NEW_CUM) if new else (EST_LEVELS, EST_CUM)
    shift = min(len(visit.dx) - 1, 2) if not new and rand() < 0.5 else 0
    level = min(weighted(rand, (0, 1, 2, 3), cum) + shift, 3)
    visit.add_line(levels[level], _em_pointers(visit), ("95",) if telehealth else ())
    if telehealth:
        return
    drew_blood = False
    for pointer, code in enumerate(list(visit.dx), start=1):
        for add_on, chance in ADD_ONS.get(code, ()):
            if visit.room() < 1 or rand() * 100 >= chance:
                continue
            if add_on in BLOOD_TESTS and not drew_blood:
                if visit.room() < 2:
                    continue
                drew_blood = visit.add_line("36415", str(pointer))
            if visit.add_line(add_on, str(pointer)) and add_on == "96372":
                drug = DRUG_FOR_INJECTION.get(code)
                if drug:
                    visit.add_line(drug, str(pointer))


def _preventive(rand: Rand, visit: _Visit, age: int, sex: str, medicare: bool, dos: date) -> None:
    if age < 18:
        visit.add_dx(WELL_CHILD[0] if rand() < 0.8 else WELL_CHILD[1])
    else:
        abnormal = rand() < 0.3
        visit.add_dx(WELL_ADULT[1] if abnormal else WELL_ADULT[0])
        if abnormal:
            visit.add_dx(pick(rand, CHRONIC))
    if medicare:
        code = "G0439" if rand() < 0.9 else "G0438"
    elif age < 1:
        code = "99391"
    elif age < 5:
        code = "99392"
    elif age < 12:
        code = "99393"
    elif age < 18:
        code = "99394"
    else:
        new = rand() < 0.1
        band = 0 if age < 40 else (1 if age < 65 else 2)
        code = (("99385", "99386", "99387") if new else ("99395", "99396", "99397"))[band]
    visit.add_line(code, _em_pointers(visit))
    if 11 <= age <= 12 and rand() < 0.4:
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90715", pointer)
    elif age >= 3 and _flu_season(dos) and rand() < 0.5:
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90686", pointer)
    if age >= 18 and rand() < 0.4 and visit.room() >= 2:
        visit.add_line("36415", "1")
        visit.add_line(pick(rand, ("80053", "80061", "85025")), "1")
    if age >= 12 and rand() < 0.2:
        pointer = str(visit.add_dx(DEPRESSION_SCREEN_DX))
        visit.add_line("G0444" if medicare else "96127", pointer)
    if sex == "F" and 21 <= age <= 65 and rand() < 0.15:
        visit.add_line("Q0091", str(visit.add_dx(pick(rand, PAP_DX))))


def _nurse(rand: Rand, visit: _Visit, age: int, dos: date) -> None:
    r = rand()
    if age >= 3 and r < (0.6 if _flu_season(dos) else 0.2):
        pointer = str(visit.add_dx(VACCINE_DX))
        visit.add_line("90471", pointer)
        visit.add_line("90686", pointer)
    elif r < 0.8:
        dx = pick(rand, INJECTION_DX)
        pointer = str(visit.add_dx(dx))
        visit.add_line("96372", pointer)
        visit.add_line(DRUG_FOR_INJECTION[dx], pointer)
    else:
        visit.add_dx("I10")
        visit.add_line("99211", "1")


def _procedure(rand: Rand, visit: _Visit) -> None:
    code, diagnoses, extra = pick(rand, PROCEDURES)
    visit.add_dx(pick(rand, diagnoses))
    with_visit = rand() < 0.55
    if with_visit:
        if rand() < 0.5:
            visit.add_dx(pick(rand, CHRONIC))
        visit.add_line(pick(rand, ("99213", "99213", "99214")), _em_pointers(visit), ("25",))
    visit.add_line(code, "1", ("RT",) if code == "20610" else ())
    if extra and (extra != "A4550" or rand() < 0.3):
        visit.add_line(extra, "1")


def make_visit(
    rand: Rand, age: int, sex: str, payer: str, dos: date
) -> tuple[list[str], list[Line], str]:
    """Diagnoses (in order), service lines and place of service of one encounter."""
    visit = _Visit()
    r = rand()
    pos = "11"
    if r < 0.14:
        _preventive(rand, visit, age, sex, payer == "medicare" and age >= 65, dos)
    elif r < 0.21:
        _nurse(rand, visit, age, dos)
    elif r < 0.30:
        _procedure(rand, visit)
        if rand() < 0.15:
            pos = "22"
    else:
        telehealth = age >= 12 and rand() < 0.08
        _sick(rand, visit, age, telehealth)
        if telehealth:
            pos = "02"
        elif rand() < 0.02:
            pos = "22"
    return visit.dx, visit.lines, pos
