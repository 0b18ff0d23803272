"""Scrubber rules about service lines: codes, modifiers, units, charges, repeats, bundling."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from medbill_tui.domain.codes import clean_code, is_evaluation_and_management, is_modifier_format
from medbill_tui.domain.ncci import (
    BYPASS_MODIFIERS,
    EM_BYPASS_MODIFIER,
    NcciPair,
)
from medbill_tui.domain.scrub_model import (
    MAX_LINES,
    MAX_MODIFIERS,
    Issue,
    LineEntry,
    ScrubContext,
    error,
    fmt_date,
    show,
    warning,
)

REPEAT_MODIFIERS = frozenset({"76", "77", "91"}) | BYPASS_MODIFIERS
"""Modifiers that say a repeated code is a real second service."""


def check_lines_required(ctx: ScrubContext) -> Iterator[Issue]:
    """LINES-REQUIRED: at least one service line."""
    if not ctx.lines:
        yield error(
            "line.1.code", "No service lines — add at least one procedure code with its charge."
        )


def check_max_lines(ctx: ScrubContext) -> Iterator[Issue]:
    """MAX-LINES: no more than 50 lines on one claim."""
    extra = len(ctx.lines) - MAX_LINES
    if extra > 0:
        yield error(
            f"line.{MAX_LINES + 1}.code",
            f"This encounter has {len(ctx.lines)} service lines; a claim holds at most "
            f"{MAX_LINES} — move {extra} to a second encounter or combine repeated codes "
            "into one line with more units.",
        )


def check_proc_format(ctx: ScrubContext) -> Iterator[Issue]:
    """PROC-FORMAT: each line's code looks like a CPT or HCPCS code."""
    for entry in ctx.lines:
        if entry.code_set is not None:
            continue
        field = f"line.{entry.number}.code"
        if not entry.code:
            yield error(
                field,
                f"Line {entry.number}: procedure code is missing — enter a CPT or HCPCS code.",
            )
        else:
            yield error(
                field,
                f"Line {entry.number}: '{show(entry.line.code)}' is not a CPT or HCPCS code — "
                "CPT is 5 digits (99213) or 4 digits and F, T or U; HCPCS is a letter and "
                "4 digits (G0439).",
            )


def check_proc_exists(ctx: ScrubContext) -> Iterator[Issue]:
    """PROC-EXISTS: the code is known (error); a practice-added unverified code warns."""
    for entry in ctx.lines:
        if entry.code_set is None:
            continue
        field = f"line.{entry.number}.code"
        if entry.info is None:
            yield error(
                field,
                f"Line {entry.number}: {entry.code} is not in the {entry.code_set} code list — "
                "check for a typo; if it is a new code, ask an admin to add it.",
            )
        elif not entry.info.verified:
            yield warning(
                field,
                f"Line {entry.number}: {entry.code} was added by the practice and has not been "
                f"verified — check the code and its description against the current "
                f"{entry.info.code_set} list.",
            )


def check_modifiers(ctx: ScrubContext) -> Iterator[Issue]:
    """MOD-VALID: up to 4 modifiers per line, each 2 characters, known, not repeated."""
    for entry in ctx.lines:
        seen: dict[str, int] = {}
        for count, (box, mod) in enumerate(entry.modifier_slots, start=1):
            field = f"line.{entry.number}.modifier.{box}"
            where = f"Line {entry.number}, modifier {box}"
            if count == MAX_MODIFIERS + 1:
                yield error(
                    field,
                    f"Line {entry.number} has {len(entry.modifier_slots)} modifiers; a line "
                    f"holds at most {MAX_MODIFIERS} — keep the ones that change payment first.",
                )
            if not is_modifier_format(mod):
                yield error(
                    field,
                    f"{where}: '{show(mod)}' is not a modifier — modifiers are 2 letters or "
                    "digits, such as 25 or LT.",
                )
            elif mod in seen:
                yield error(
                    field, f"{where}: {mod} is already modifier {seen[mod]} — remove the repeat."
                )
            elif ctx.codes.modifier(mod) is None:
                yield error(
                    field,
                    f"{where}: {mod} is not a known modifier — check it or pick one from the list.",
                )
            seen.setdefault(mod, box)


def _is_positive(value: Decimal) -> bool:
    return value.is_finite() and value > 0


def check_units(ctx: ScrubContext) -> Iterator[Issue]:
    """UNITS-POSITIVE: units are more than 0."""
    for entry in ctx.lines:
        if not _is_positive(entry.line.units):
            yield error(
                f"line.{entry.number}.units",
                f"Line {entry.number}: units must be more than 0 — enter how many times or "
                "time units the service was given (usually 1).",
            )


def check_charge(ctx: ScrubContext) -> Iterator[Issue]:
    """CHARGE-POSITIVE: the charge is more than $0.00, in whole cents."""
    for entry in ctx.lines:
        charge = entry.line.charge
        field = f"line.{entry.number}.charge"
        if not _is_positive(charge):
            yield error(
                field,
                f"Line {entry.number}: charge must be more than $0.00 — enter the practice's "
                "fee for the service.",
            )
            continue
        exponent = charge.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            yield error(
                field,
                f"Line {entry.number}: charge {show(str(charge), 20)} has fractions of a cent — "
                "round it to cents.",
            )


def _mod_key(modifiers: frozenset[str]) -> str:
    return ",".join(sorted(modifiers))


def _describe_mods(modifiers: frozenset[str]) -> str:
    if not modifiers:
        return "no modifiers"
    return f"modifier{'s' if len(modifiers) > 1 else ''} {', '.join(sorted(modifiers))}"


def check_duplicate_lines(ctx: ScrubContext) -> Iterator[Issue]:
    """DUP-LINE: the same code and modifiers twice in the encounter or already billed that day."""
    other: set[tuple[str, str]] = {
        (clean_code(code), _mod_key(frozenset(clean_code(m) for m in mods if m.strip())))
        for code, mods in ctx.enc.other_lines_same_day
    }
    day = fmt_date(ctx.enc.dos) if ctx.enc.dos else "the same day"
    fix = (
        "if the service really was done again, add 76 (same provider), 77 (another provider) "
        "or 91 (repeat lab test)"
    )
    first: dict[tuple[str, str], int] = {}
    for entry in ctx.lines:
        if not entry.code or entry.modifiers & REPEAT_MODIFIERS:
            continue
        key = (entry.code, _mod_key(entry.modifiers))
        what = f"{entry.code} with {_describe_mods(entry.modifiers)}"
        if key in first:
            yield warning(
                f"line.{entry.number}.code",
                f"Line {entry.number} repeats line {first[key]} ({what}) — remove it or add "
                f"its units to line {first[key]}; {fix}.",
            )
        elif key in other:
            yield warning(
                f"line.{entry.number}.code",
                f"Line {entry.number}: {what} was already billed for this patient on {day} in "
                f"another encounter — remove it; {fix}.",
            )
        first.setdefault(key, entry.number)


def _bypassed(pair: NcciPair, col2_mods: frozenset[str], col1_mods: frozenset[str]) -> bool:
    if not pair.modifier_allowed:
        return False
    if (col2_mods | col1_mods) & BYPASS_MODIFIERS:
        return True
    return (is_evaluation_and_management(pair.column2) and EM_BYPASS_MODIFIER in col2_mods) or (
        is_evaluation_and_management(pair.column1) and EM_BYPASS_MODIFIER in col1_mods
    )


def _clause(note: str) -> str:
    """A note as the middle of a sentence: first letter lower-cased unless an acronym."""
    if len(note) > 1 and note[0].isupper() and not note[1].isupper():
        return note[0].lower() + note[1:]
    return note


def _ncci_issue(entry: LineEntry, pair: NcciPair, partner: str) -> Issue:
    field = f"line.{entry.number}.code"
    head = f"Line {entry.number}: {pair.column2}"
    why = f" — {_clause(pair.note)}." if pair.note else "."
    if not pair.modifier_allowed:
        return error(
            field,
            f"{head} and {pair.column1} ({partner}) are never billable together{why} "
            f"Remove line {entry.number}.",
        )
    if is_evaluation_and_management(pair.column2) or is_evaluation_and_management(pair.column1):
        fix = (
            "If a separate, significant problem was handled, add modifier 25 to the visit "
            f"code; otherwise remove line {entry.number}."
        )
    else:
        fix = (
            "If it was a distinct service (other site, session or practitioner), add 59 or "
            f"XE/XS/XP/XU to line {entry.number}; otherwise remove it."
        )
    return error(field, f"{head} is bundled into {pair.column1} ({partner}){why} {fix}")


def check_ncci_pairs(ctx: ScrubContext) -> Iterator[Issue]:
    """NCCI-PAIR: a column-2 code billed with its column-1 code without an allowed modifier."""
    billed: dict[str, list[tuple[str, frozenset[str], int]]] = {}
    for entry in ctx.lines:
        billed.setdefault(entry.code, []).append(
            (f"line {entry.number}", entry.modifiers, entry.number)
        )
    for code, mods in ctx.enc.other_lines_same_day:
        cleaned = frozenset(clean_code(m) for m in mods if m.strip())
        billed.setdefault(clean_code(code), []).append(("another encounter that day", cleaned, 0))
    for entry in ctx.lines:
        for pair in ctx.codes.bundled_pairs(entry.code):
            if not pair.applies_on(ctx.enc.dos):
                continue
            for partner, partner_mods, number in billed.get(pair.column1, ()):
                if number != entry.number and not _bypassed(pair, entry.modifiers, partner_mods):
                    yield _ncci_issue(entry, pair, partner)
                    break
