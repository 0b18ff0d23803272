"""Scrubber rules about a patient's day: visits (E/M) with procedures, two visits, and units
over a medically unlikely edit (MUE)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from medbill_tui.domain.codes import clean_code
from medbill_tui.domain.ncci import DAY_CLINICAL_EDIT, EM_BYPASS_MODIFIER
from medbill_tui.domain.scrub_model import Issue, LineEntry, ScrubContext, error, fmt_date, warning

VISIT_RANGES = (
    (99202, 99215),  # office and outpatient
    (99221, 99239),  # hospital inpatient and observation
    (99242, 99255),  # consultations
    (99281, 99285),  # emergency department
    (99304, 99316),  # nursing facility
    (99341, 99350),  # home or residence
    (99381, 99397),  # preventive medicine
)
"""CPT visit (E/M) codes that bill one visit; add-ons, care management and counselling are
not visits of their own."""
PREVENTIVE_VISITS = frozenset({"G0402", "G0438", "G0439"}) | frozenset(
    str(code) for code in range(99381, 99398)
)
SURGERY_SECTION = (10004, 69990)
"""CPT surgery codes: procedures with a global period, for which a visit the same day is paid
only as a separate, significant service (modifier 25)."""
SPECIMEN_COLLECTION = ((36400, 36425), (36591, 36600))
"""Blood draws and specimen collection: in the surgery section's numbers, but with no global
period (a visit the same day needs no 25)."""


def _number(code: str) -> int | None:
    return int(code) if len(code) == 5 and code.isascii() and code.isdigit() else None


def is_visit(code: str) -> bool:
    """A visit (E/M) code billing a whole visit, including preventive ones."""
    n = _number(code)
    return code in PREVENTIVE_VISITS or (
        n is not None and any(low <= n <= high for low, high in VISIT_RANGES)
    )


def is_surgical_procedure(code: str) -> bool:
    """A CPT surgery-section procedure other than specimen collection."""
    n = _number(code)
    if n is None or not SURGERY_SECTION[0] <= n <= SURGERY_SECTION[1]:
        return False
    return not any(low <= n <= high for low, high in SPECIMEN_COLLECTION)


def _others(ctx: ScrubContext) -> list[tuple[str, frozenset[str]]]:
    return [
        (clean_code(code), frozenset(clean_code(m) for m in mods if m.strip()))
        for code, mods in ctx.enc.other_lines_same_day
    ]


def _day(ctx: ScrubContext) -> str:
    return fmt_date(ctx.enc.dos) if ctx.enc.dos else "the same day"


def check_visit_with_procedure(ctx: ScrubContext) -> Iterator[Issue]:
    """EM-PROC-25: a visit billed the same day as a surgical procedure carries modifier 25."""
    procedures = [(e.code, f"line {e.number}") for e in ctx.lines if is_surgical_procedure(e.code)]
    procedures += [(c, "another encounter that day") for c, _ in _others(ctx)]
    procedures = [(c, where) for c, where in procedures if is_surgical_procedure(c)]
    if not procedures:
        return
    for entry in ctx.lines:
        if not is_visit(entry.code) or EM_BYPASS_MODIFIER in entry.modifiers:
            continue
        bundling = {
            p.column1 for p in ctx.codes.bundled_pairs(entry.code) if p.applies_on(ctx.enc.dos)
        }
        # a pair NCCI-PAIR reports (with the edit's own words) is not reported twice
        unreported = [(c, where) for c, where in procedures if c not in bundling]
        if not unreported:
            continue
        code, where = unreported[0]
        yield error(
            f"line.{entry.number}.modifier.1",
            f"Line {entry.number}: visit {entry.code} is billed with procedure {code} ({where}) "
            f"on {_day(ctx)} without modifier 25 — the payer pays the visit only as a separate, "
            f"significant service. Add 25 to line {entry.number} if it was one; otherwise "
            f"remove line {entry.number}.",
        )


def _visit_pair_allowed(first: tuple[str, frozenset[str]], second: LineEntry) -> bool:
    """A preventive visit and a problem visit with 25 may be billed the same day."""
    first_preventive = first[0] in PREVENTIVE_VISITS
    second_preventive = second.code in PREVENTIVE_VISITS
    if first_preventive == second_preventive:
        return False
    problem_mods = second.modifiers if first_preventive else first[1]
    return EM_BYPASS_MODIFIER in problem_mods


def check_second_visit(ctx: ScrubContext) -> Iterator[Issue]:
    """EM-TWICE: one visit per patient per day (a preventive visit and a problem visit with
    25 excepted)."""
    seen: list[tuple[str, frozenset[str], str]] = [
        (code, mods, "another encounter that day") for code, mods in _others(ctx) if is_visit(code)
    ]
    for entry in ctx.lines:
        if not is_visit(entry.code):
            continue
        clash = next(
            (s for s in seen if not _visit_pair_allowed((s[0], s[1]), entry)),
            None,
        )
        if clash is not None:
            preventive = (clash[0] in PREVENTIVE_VISITS) != (entry.code in PREVENTIVE_VISITS)
            problem = clash[0] if entry.code in PREVENTIVE_VISITS else entry.code
            fix = (
                f"If a separate problem was handled, add modifier 25 to the problem visit "
                f"({problem}); otherwise remove this line."
                if preventive
                else "Bill one visit with the level that covers both, or remove this line."
            )
            yield error(
                f"line.{entry.number}.code",
                f"Line {entry.number}: a second visit ({entry.code}) for this patient on "
                f"{_day(ctx)} — {clash[0]} is already billed ({clash[2]}). {fix}",
            )
        seen.append((entry.code, entry.modifiers, f"line {entry.number}"))


def check_unit_limits(ctx: ScrubContext) -> Iterator[Issue]:
    """MUE: units within the code's medically unlikely edit, per line or per day."""
    day_units: dict[str, Decimal] = {}
    for code, units in ctx.enc.other_units_same_day:
        key = clean_code(code)
        day_units[key] = day_units.get(key, Decimal(0)) + units
    for entry in ctx.lines:
        limit = ctx.codes.unit_limit(entry.code) if entry.code else None
        units = entry.line.units
        if limit is None or not units.is_finite() or units <= 0:
            continue
        field = f"line.{entry.number}.units"
        if not limit.per_day:
            if units > limit.max_units:
                yield error(
                    field,
                    f"Line {entry.number}: {units.normalize():f} units of {entry.code} — the "
                    f"limit is {limit.max_units} per line (MUE). Put further units on their "
                    "own line with the modifier that says why (RT/LT, 76, 91), or correct it.",
                )
            continue
        total = day_units.get(entry.code, Decimal(0)) + units
        day_units[entry.code] = total
        if total > limit.max_units:
            words = (
                f"Line {entry.number}: {total.normalize():f} units of {entry.code} on "
                f"{_day(ctx)} — the limit is {limit.max_units} per day (MUE)"
            )
            if limit.indicator == DAY_CLINICAL_EDIT:
                yield warning(
                    field,
                    f"{words}; the payer pays the rest only on appeal with the records.",
                )
            else:
                yield error(field, f"{words}, a policy limit. Correct the units.")
