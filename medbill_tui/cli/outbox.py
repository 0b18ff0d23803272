"""`medbill claims outbox [--repair] [--dry-run] [--out DIR] [--format plain|json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from medbill_tui.records.outbox import OutboxReport
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.outbox import OutboxService


def add_parser(claims_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = claims_sub.add_parser(
        "outbox",
        help="find (and with --repair write again) sent files missing from the outbox",
    )
    outbox.add_argument(
        "--repair",
        action="store_true",
        help="write the missing files again from the database and remove stale .part files",
    )
    outbox.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    outbox.add_argument("--out", type=Path, metavar="DIR", help="outbox folder (MEDBILL_OUTBOX)")
    outbox.add_argument("--format", choices=("plain", "json"), default="plain")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Exit 0: nothing is missing (or all of it was written again); 1: files are missing (a
    report) or could not be written."""
    service = OutboxService(
        runtime.engine,
        runtime.actor,
        args.out or runtime.settings.outbox,
        runtime.settings.data_dir / "letters",
    )
    report = service.repair(dry_run=args.dry_run or not args.repair)
    print(_json(report) if args.format == "json" else _plain(report))
    return 0 if report.clean else 1


def _json(report: OutboxReport) -> str:
    return json.dumps(
        {
            "dry_run": report.dry_run,
            "missing": list(report.missing),
            "present": list(report.present),
            "stale": list(report.stale),
            "failed": list(report.failed),
        },
        indent=2,
    )


def _plain(report: OutboxReport) -> str:
    if not (report.missing or report.stale or report.failed):
        return "every file sent is in its folder"
    missing = "missing" if report.dry_run else "written again"
    stale = "stale temporary file" if report.dry_run else "removed stale temporary file"
    lines = [f"{missing}: {path}" for path in report.missing if path not in _failed(report)]
    lines += [f"{stale}: {path}" for path in report.stale]
    lines += [f"could not write {words}" for words in report.failed]
    if report.dry_run and (report.missing or report.stale):
        lines.append("run `medbill claims outbox --repair` to write them again")
    return "\n".join(lines)


def _failed(report: OutboxReport) -> set[str]:
    return {words.rsplit(": ", 1)[0] for words in report.failed}
