"""Scrubber rules about diagnoses and the lines' diagnosis pointers."""

from __future__ import annotations

from collections.abc import Iterator

from medbill_tui.domain.scrub_model import (
    MAX_DIAGNOSES,
    MAX_POINTERS,
    Issue,
    ScrubContext,
    error,
    show,
)


def check_dx_required(ctx: ScrubContext) -> Iterator[Issue]:
    """DX-REQUIRED: at least one diagnosis."""
    if not any(entry.raw.strip() for entry in ctx.dx):
        yield error(
            "dx.1",
            "No diagnosis entered — add at least one ICD-10 code that explains the visit.",
        )


def check_max_dx(ctx: ScrubContext) -> Iterator[Issue]:
    """MAX-DX: no more than 12 diagnoses."""
    extra = len(ctx.dx) - MAX_DIAGNOSES
    if extra > 0:
        yield error(
            f"dx.{MAX_DIAGNOSES + 1}",
            f"{len(ctx.dx)} diagnoses entered; a claim holds at most {MAX_DIAGNOSES} — remove "
            f"{extra}, keeping the ones the service lines point to.",
        )


def check_icd_format(ctx: ScrubContext) -> Iterator[Issue]:
    """ICD-FORMAT: each diagnosis looks like an ICD-10-CM code."""
    for entry in ctx.dx:
        if entry.code is not None:
            continue
        if not entry.raw.strip():
            yield error(
                f"dx.{entry.number}",
                f"Diagnosis {entry.number} is blank — enter a code or remove the empty row.",
            )
        else:
            yield error(
                f"dx.{entry.number}",
                f"Diagnosis {entry.number}: '{show(entry.raw)}' is not an ICD-10-CM code — "
                "codes are a letter, a digit, a digit or letter, then up to 4 more after the "
                "dot (e.g. E11.9, M54.50).",
            )


def check_icd_exists(ctx: ScrubContext) -> Iterator[Issue]:
    """ICD-EXISTS: each well-formed diagnosis is in the ICD-10-CM code set."""
    for entry in ctx.dx:
        if entry.code is not None and entry.info is None:
            yield error(
                f"dx.{entry.number}",
                f"Diagnosis {entry.number}: {entry.code} is not in the ICD-10-CM code set — "
                "check for a typo and look the code up again.",
            )


def check_icd_billable(ctx: ScrubContext) -> Iterator[Issue]:
    """ICD-BILLABLE: each diagnosis is a billable (most specific) code, not a category."""
    for entry in ctx.dx:
        if entry.code is None or entry.info is None or entry.info.billable:
            continue
        kind = "a category" if len(entry.code) == 3 else "a heading"
        about = f" ({show(entry.info.description, 50)})" if entry.info.description.strip() else ""
        yield error(
            f"dx.{entry.number}",
            f"Diagnosis {entry.number}: {entry.code}{about} is {kind}, not a billable code — "
            f"pick a more specific code that begins with {entry.code}, adding characters "
            "after the dot.",
        )


def check_dx_duplicate(ctx: ScrubContext) -> Iterator[Issue]:
    """DX-DUPLICATE: no diagnosis entered twice."""
    first: dict[str, int] = {}
    for entry in ctx.dx:
        if entry.code is None:
            continue
        if entry.code in first:
            yield error(
                f"dx.{entry.number}",
                f"Diagnosis {entry.number}: {entry.code} is the same as diagnosis "
                f"{first[entry.code]} — remove the repeat and point lines at diagnosis "
                f"{first[entry.code]}.",
            )
        else:
            first[entry.code] = entry.number


def check_pointers(ctx: ScrubContext) -> Iterator[Issue]:
    """DX-POINTER: each line points at 1 or more entered diagnoses, without repeats."""
    usable = min(len(ctx.dx), MAX_DIAGNOSES)
    for entry in ctx.lines:
        field = f"line.{entry.number}.pointers"
        pointers = entry.line.pointers
        if not pointers:
            yield error(
                field,
                f"Line {entry.number}: no diagnosis pointer — point it at the diagnosis "
                "(up to 4) that explains why the service was done.",
            )
            continue
        seen: set[int] = set()
        for pointer in pointers:
            if pointer in seen:
                yield error(
                    field,
                    f"Line {entry.number}: diagnosis pointer {pointer} is listed twice — "
                    "remove the repeat.",
                )
                continue
            seen.add(pointer)
            if 1 <= pointer <= usable:
                continue
            if usable == 0:
                hint = "enter the diagnosis first"
            elif pointer > MAX_DIAGNOSES and len(ctx.dx) > MAX_DIAGNOSES:
                hint = f"a claim can only point at diagnoses 1 to {MAX_DIAGNOSES}"
            else:
                hint = (
                    "there is 1 diagnosis; use 1"
                    if usable == 1
                    else f"there are {usable} diagnoses; use 1 to {usable}"
                )
            yield error(
                field,
                f"Line {entry.number}: pointer {show(str(pointer), 12)} does not point at an "
                f"entered diagnosis — {hint}.",
            )


def check_max_pointers(ctx: ScrubContext) -> Iterator[Issue]:
    """MAX-POINTERS: no more than 4 pointers per line."""
    for entry in ctx.lines:
        count = len(entry.line.pointers)
        if count > MAX_POINTERS:
            yield error(
                f"line.{entry.number}.pointers",
                f"Line {entry.number} points at {count} diagnoses; a line can point at no more "
                f"than {MAX_POINTERS} — keep the {MAX_POINTERS} most relevant, main reason first.",
            )
