"""`medbill fees import FILE.csv [--payer ID] [--yes]`: preview a price list, then apply it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.common import CommandError
from medbill_tui.domain.fees import parse_fee_csv
from medbill_tui.domain.money import fmt_money
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.fees import FeeService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fees = sub.add_parser("fees", help="fee schedules")
    fees_sub = fees.add_subparsers(dest="fees_command", metavar="ACTION", required=True)
    imp = fees_sub.add_parser("import", help="import prices from a CSV (code,modifier,price)")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--payer", metavar="PAYER_ID", help="the payer's id (default schedule if omitted)"
    )
    imp.add_argument("--yes", action="store_true", help="apply without asking")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    parsed = parse_fee_csv(content)
    if parsed.errors:
        lines = [f"{path}: {len(parsed.errors)} bad row(s); nothing was changed"]
        lines += [f"  {e}" for e in parsed.errors[:50]]
        raise CommandError("\n".join(lines))
    service = FeeService(runtime.engine, runtime.actor, runtime.role)
    preview = service.preview(parsed.prices, args.payer)
    changes = preview.changes
    if not changes:
        print(f"{path.name}: no changes to {preview.schedule}")
        return 0
    rows = [
        [c.code, c.modifier, "new" if c.old is None else fmt_money(c.old), fmt_money(c.new)]
        for c in changes
    ]
    print(
        tabulate(
            rows,
            headers=["Code", "Mod", "Old", "New"],
            disable_numparse=True,
            colalign=("left", "left", "right", "right"),
        )
    )
    new = sum(1 for c in changes if c.old is None)
    print(
        f"{len(changes)} change(s) to {preview.schedule}: {new} new, {len(changes) - new} changed"
    )
    if not args.yes:
        if not sys.stdin.isatty():
            print("nothing changed: re-run with --yes to apply")
            return 0
        if input("Apply these changes? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing changed")
            return 0
    applied = service.apply(preview, path.name)
    print(f"applied {applied} change(s)")
    return 0
