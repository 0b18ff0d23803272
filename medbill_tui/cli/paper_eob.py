"""`medbill payments post-eob FILE.csv [--dry-run]`: post a keyed batch of paper EOBs (checks
and their claims) through the same posting as an 835; all of it or, refused, none."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from medbill_tui.cli.signin import activate_denial_rules
from medbill_tui.domain.money import money_str
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.paper_eobs import PaperEobRefused, PaperEobService

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_action(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`payments post-eob`."""
    action = actions.add_parser(
        "post-eob", help="post a keyed batch of paper EOBs (CSV: a row per service line)"
    )
    action.add_argument("file", metavar="FILE.csv", type=Path)
    action.add_argument("--dry-run", action="store_true", help="check and show; post nothing")
    action.add_argument("--format", choices=("plain", "json"), default="plain")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Exit 1 when the batch is refused (unbalanced, unknown payer or claim, a check posted
    before): nothing posted. Exit 2 when the file cannot be read."""
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"medbill: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    activate_denial_rules(runtime)
    service = PaperEobService(runtime.engine, runtime.clock, runtime.actor)
    try:
        checks = service.read(text)
        outcomes = service.post(checks, dry_run=args.dry_run)
    except PaperEobRefused as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_FAILED
    verb = "would post" if args.dry_run else "posted"
    if args.format == "json":
        rows = [
            {
                "check_no": o.trace_no,
                "payer": o.payer_name,
                "amount": money_str(o.amount),
                "claims": o.matched,
                "denials": o.denials,
                "status": o.status,
            }
            for o in outcomes
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for o in outcomes:
        denials = f", {o.denials} denials to work" if o.denials else ""
        print(
            f"{verb} check {o.trace_no} from {o.payer_name}: {money_str(o.amount)} "
            f"on {o.matched} claims{denials}"
        )
    return 0
