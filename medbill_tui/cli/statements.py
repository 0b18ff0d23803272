"""`medbill statements run|collections|hold|release`: patient statements and the dunning cycle.

`run` sends what is due as of a date (default today): one 80-column text file per guarantor
in a new folder `<as-of>_run<id>` of the statements directory (MEDBILL_STATEMENTS). A bad
date, an as-of date in the future or before the latest run prints one line on stderr and
exits 2; `--dry-run` lists what would be sent and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.progress import ProgressLine
from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.domain.report_period import PeriodError, parse_optional_day
from medbill_tui.records.statements import Action, StatementEntry, StatementRunResult
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.statements import AsOfRefused, StatementService

EXIT_USAGE = 2
MAX_LISTED = 40
"""Skipped accounts listed one per line in plain output (the rest are counted)."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `statements` command and its actions."""
    parser = sub.add_parser("statements", help="patient statements and the dunning cycle")
    actions = parser.add_subparsers(dest="statements_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="send the statements due (first, reminder, final)")
    run.add_argument("--as-of", metavar="DATE", help="statement date (default today)")
    run.add_argument("--dry-run", action="store_true", help="list only; write nothing")
    run.add_argument("--out", type=Path, metavar="DIR", help="folder (MEDBILL_STATEMENTS)")
    run.add_argument("--format", choices=("plain", "json"), default="plain")
    coll = actions.add_parser(
        "collections", help="list accounts proposed for collections, or confirm them"
    )
    coll.add_argument("--confirm", nargs="+", metavar="ACCOUNT", help="refer these guarantors")
    coll.add_argument("--format", choices=("plain", "json"), default="plain")
    hold = actions.add_parser("hold", help="stop statements for an account")
    hold.add_argument("account", metavar="ACCOUNT")
    hold.add_argument("--reason", required=True, help="why (shown when a run skips it)")
    release = actions.add_parser("release", help="end an account's statement hold")
    release.add_argument("account", metavar="ACCOUNT")


def entry_json(entry: StatementEntry) -> dict[str, object]:
    d = entry.decision
    return {
        "account": entry.account_no,
        "guarantor": entry.name,
        "action": d.action.value,
        "step": d.step.value if d.step else None,
        "cycle": d.cycle_no,
        "balance": money_str(entry.balance),
        "reason": d.reason,
        "due_on": d.due_on.isoformat() if d.due_on else None,
        "file": entry.file or None,
    }


def run_json(result: StatementRunResult) -> str:
    """The run as JSON; amounts are decimal strings."""
    return json.dumps(
        {
            "as_of": result.as_of.isoformat(),
            "dry_run": result.dry_run,
            "run_id": result.run_id,
            "folder": result.folder or None,
            "statements": len(result.sent),
            "amount": money_str(result.amount),
            "counts": {a.value: len(result.having(a)) for a in Action},
            "entries": [entry_json(e) for e in result.entries],
        },
        indent=2,
    )


def _table(entries: tuple[StatementEntry, ...], last: str) -> str:
    rows = [
        [
            e.account_no,
            e.name[:24],
            e.decision.step.label if e.decision.step else "",
            fmt_money(e.balance),
            getattr(e.decision, last)[:30] if last else "",
        ]
        for e in entries
    ]
    return tabulate(
        rows,
        headers=["Account", "Guarantor", "Step", "Balance", ""],
        colalign=("left", "left", "left", "right", "left"),
        disable_numparse=True,
    )


def run_plain(result: StatementRunResult) -> str:
    """What the run did (or would do), fit for 80 columns."""
    sent = result.sent
    verb = "would send" if result.dry_run else "sent"
    steps = ", ".join(
        f"{label} {n}"
        for label, n in (
            (s, sum(1 for e in sent if e.decision.step and e.decision.step.label == s))
            for s in ("statement", "reminder", "final notice")
        )
        if n
    )
    lines = [
        f"as of {result.as_of}: {verb} {len(sent)} statement(s) for "
        f"{fmt_money(result.amount)}" + (f" ({steps})" if steps else "")
    ]
    if sent:
        lines.append(_table(sent, ""))
    skipped = result.having(Action.SKIP)
    if skipped:
        lines.append(f"\nskipped {len(skipped)} account(s):")
        for e in skipped[:MAX_LISTED]:
            lines.append(
                f"  {e.account_no:<10} {fmt_money(e.balance):>10}  {e.decision.reason}"[:80]
            )
        if len(skipped) > MAX_LISTED:
            lines.append(f"  … and {len(skipped) - MAX_LISTED} more (--format json lists all)")
    waiting = result.having(Action.WAIT)
    if waiting:
        first = min(e.decision.due_on for e in waiting if e.decision.due_on)
        lines.append(f"\nnot due yet: {len(waiting)} account(s) (the next on {first})")
    closed = result.having(Action.CLOSE)
    if closed:
        verb_close = "would close" if result.dry_run else "closed"
        lines.append(f"{verb_close} {len(closed)} cycle(s): paid in full")
    proposed = result.having(Action.PROPOSE)
    if proposed:
        lines.append(f"\nproposed for collections: {len(proposed)} account(s); a supervisor")
        lines.append("confirms: medbill statements collections --confirm ACCOUNT...")
        lines.append(_table(proposed, "reason"))
    if result.folder:
        lines.append(f"\nwrote {len(sent)} file(s) to {result.folder}")
    return "\n".join(lines)


def _run(service: StatementService, args: argparse.Namespace) -> int:
    try:
        as_of = parse_optional_day(args.as_of, "--as-of")
        progress = ProgressLine("Writing statements")
        try:
            result = service.run(
                as_of, dry_run=args.dry_run, out_dir=args.out, progress=progress.update
            )
        finally:
            progress.finish()
    except (PeriodError, AsOfRefused) as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(run_json(result) if args.format == "json" else run_plain(result))
    return 0


def _collections(service: StatementService, args: argparse.Namespace) -> int:
    if args.confirm:
        entries = service.confirm_collections(args.confirm).confirmed
        verb = "referred to collections"
    else:
        entries = service.preview().having(Action.PROPOSE)
        verb = "proposed for collections"
    if args.format == "json":
        print(
            json.dumps(
                {"confirmed": bool(args.confirm), "accounts": [entry_json(e) for e in entries]},
                indent=2,
            )
        )
        return 0
    print(f"{verb}: {len(entries)} account(s)")
    if entries:
        print(_table(entries, "reason"))
    return 0


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Dispatch `medbill statements ACTION`."""
    settings = runtime.settings
    service = StatementService(
        runtime.engine,
        runtime.clock,
        runtime.actor,
        settings.statements_dir or settings.data_dir / "statements",
        settings.dunning,
        role=runtime.role,
    )
    if args.statements_command == "run":
        return _run(service, args)
    if args.statements_command == "collections":
        return _collections(service, args)
    hold = args.statements_command == "hold"
    account = service.set_hold(args.account, hold, args.reason if hold else "")
    print(f"{account}: {'on statement hold' if hold else 'statement hold released'}")
    return 0
