"""`medbill patients import FILE.csv [--dry-run]`: a practice's patients, with up to three
coverages each, checked row by row first and then added all together or not at all.

Exit 0 added (or a clean dry run), 1 rows refused (each listed with its line and field,
nothing added), 2 a file that cannot be read."""

from __future__ import annotations

import argparse
from pathlib import Path

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from medbill_tui.cli.progress import ProgressLine
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.patient_import import PatientImportService

LISTED = 200
"""Refused rows listed in full; the rest are counted."""


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = actions.add_parser(
        "import", help="add a practice's patients and coverages from a CSV (docs/patient-import.md)"
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="check and list only; add nothing")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {path}: {exc}", EXIT_USAGE)
    service = PatientImportService(runtime.engine, runtime.actor)
    plan = service.check(content, runtime.clock.today())
    if plan.errors:
        listed = [f"  {e}" for e in plan.errors[:LISTED]]
        if len(plan.errors) > LISTED:
            listed.append(f"  … and {len(plan.errors) - LISTED} more")
        head = f"{path}: {len(plan.errors)} error(s); nothing was added"
        return fail("\n".join([head, *listed]), EXIT_FAILED)
    summary = f"{len(plan.patients)} patient(s) with {plan.coverages} coverage(s)"
    if args.dry_run:
        print(f"{path.name}: would add {summary} (dry run: nothing added)")
        return EXIT_OK
    bar = ProgressLine("adding patients")
    try:
        service.add(plan, path.name, bar.update)
    finally:
        bar.finish()
    print(f"{path.name}: added {summary}")
    return EXIT_OK
