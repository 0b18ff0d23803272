"""`medbill followups due [--as-of DATE] [--all] [--format plain|json]`: the follow-up list
(denials near their deadline first, then claims accepted with no payment in time)."""

from __future__ import annotations

import argparse
import json
import sys

from tabulate import tabulate

from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.domain.report_period import PeriodError, check_as_of, parse_optional_day
from medbill_tui.records.followups import FollowupRow
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.followups import FollowupService

EXIT_USAGE = 2
RANK_WORDS = {0: "denial deadline", 1: "accepted, unpaid", 2: "follow-up"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `followups` command."""
    followups = sub.add_parser("followups", help="claims and accounts to follow up")
    actions = followups.add_subparsers(dest="followups_command", metavar="ACTION", required=True)
    due = actions.add_parser("due", help="follow-ups due on or before a date, deadlines first")
    due.add_argument("--as-of", metavar="DATE", help="YYYY-MM-DD, not after today (default today)")
    due.add_argument("--all", action="store_true", help="every open follow-up, due or not")
    due.add_argument("--format", choices=("plain", "json"), default="plain")


def format_due(rows: tuple[FollowupRow, ...], as_of: str, fmt: str) -> str:
    """The list as a table or JSON (amounts as decimal strings, dates ISO)."""
    if fmt == "json":
        items = [
            {
                "work_item_id": r.work_item_id,
                "kind": r.kind,
                "entity": r.entity,
                "entity_id": r.entity_id,
                "label": r.label,
                "patient": r.patient_name,
                "payer": r.payer_name or None,
                "priority": RANK_WORDS[r.rank],
                "why": r.why,
                "due_on": r.due_on.isoformat(),
                "owed": money_str(r.amount),
                "owner": r.owner,
            }
            for r in rows
        ]
        return json.dumps({"as_of": as_of, "count": len(items), "items": items}, indent=2)
    if not rows:
        return f"no follow-ups due on or before {as_of}"
    table = [
        [
            r.label,
            r.patient_name[:13],
            (r.payer_name or "—")[:10],
            r.why[:20],
            r.due_on.strftime("%m/%d/%y"),
            fmt_money(r.amount),
        ]
        for r in rows
    ]
    body = tabulate(
        table,
        headers=["Claim/Acct", "Patient", "Payer", "Why", "Due", "Owed"],
        colalign=("left", "left", "left", "left", "left", "right"),
        disable_numparse=True,
    )
    return f"{body}\n{len(rows):,} follow-up(s) as of {as_of}"


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """`medbill followups due`: a bad or future --as-of exits 2 with one line on stderr."""
    today = runtime.clock.today()
    try:
        as_of = check_as_of(parse_optional_day(args.as_of, "--as-of"), today)
    except PeriodError as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    service = FollowupService(runtime.engine, runtime.clock, runtime.actor, runtime.settings.timers)
    rows = service.due(as_of, show_all=args.all)
    print(format_due(rows, as_of.isoformat(), args.format))
    return 0
