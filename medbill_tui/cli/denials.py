"""`medbill denials replay`: where routing rules would send past denials (read-only)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.common import iso_date
from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.domain.routing_replay import ReplayReport
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.runtime.denial_rules import load_denial_rules
from medbill_tui.services.routing import RoutingService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    denials = sub.add_parser("denials", help="denial routing rules")
    denials_sub = denials.add_subparsers(dest="denials_command", metavar="ACTION", required=True)
    replay = denials_sub.add_parser(
        "replay",
        help="show where the rules (or a candidate file) would route past denials; changes nothing",
    )
    replay.add_argument("--since", type=iso_date, default=None, metavar="DATE")
    replay.add_argument(
        "--rules", type=Path, default=None, metavar="FILE", help="a candidate rules file"
    )
    replay.add_argument("--format", choices=("plain", "csv", "json"), default="plain")


HEADERS = ("category", "action", "items", "amount", "changed_category", "previously_unrouted")


def format_replay(report: ReplayReport, since: str, fmt: str) -> str:
    """The replay as a table, CSV or JSON (amounts as decimal strings)."""
    rows = [
        (line.category, line.action, line.items, line.amount, line.changed, line.unrouted)
        for line in report.lines
    ]
    total = ("total", "", report.items, report.amount, report.changed, report.unrouted)
    if fmt == "json":
        data = {
            "rules": report.source,
            "since": since or None,
            "lines": [
                dict(zip(HEADERS, (*r[:3], money_str(r[3]), *r[4:]), strict=True)) for r in rows
            ],
            "total": dict(
                zip(HEADERS[2:], (total[2], money_str(total[3]), *total[4:]), strict=True)
            ),
        }
        return json.dumps(data, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADERS)
        for r in [*rows, total]:
            writer.writerow([*r[:3], money_str(r[3]), *r[4:]])
        return out.getvalue().rstrip("\n")
    table = [
        [r[0], r[1], f"{r[2]:,}", fmt_money(r[3]), f"{r[4]:,}", f"{r[5]:,}"] for r in [*rows, total]
    ]
    head = f"rules: {report.source}\ndenials: " + (f"since {since}" if since else "all")
    if not rows:
        return f"{head}\nno denials to replay"
    body = tabulate(
        table,
        headers=["Category", "Action", "Items", "Amount", "Change category", "Not routed yet"],
        colalign=("left", "left", "right", "right", "right", "right"),
        disable_numparse=True,
    )
    return f"{head}\n{body}\nnothing was changed (a replay only reads)"


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """`medbill denials replay`: exit 2 when the rules file is not usable."""
    rules = load_denial_rules(args.rules or runtime.settings.denial_rules)
    report = RoutingService(runtime.engine).replay(rules, args.since)
    since = args.since.isoformat() if args.since else ""
    print(format_replay(report, since, args.format))
    return 0
