"""`medbill report queues|aging|denials|payments|productivity`: plain (tabulate), CSV or JSON.

Dates are YYYY-MM-DD. A bad date, a start after the end or an as-of date in the future prints
one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from tabulate import tabulate

from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.domain.report_period import PeriodError, parse_optional_day
from medbill_tui.records.queues import QueueSummary
from medbill_tui.records.reports import AGED_FROM
from medbill_tui.reports.format import FORMATS, Report, render
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.queues import QueueService
from medbill_tui.services.reports import ReportInvalid, ReportService

EXIT_USAGE = 2


def format_queue_summaries(summaries: tuple[QueueSummary, ...], fmt: str) -> str:
    """Render queue counts and amounts; JSON amounts are decimal strings."""
    if fmt == "json":
        data = {s.kind.value: {"count": s.count, "amount": money_str(s.amount)} for s in summaries}
        return json.dumps(data, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["queue", "count", "amount"])
        for s in summaries:
            writer.writerow([s.kind.value, s.count, money_str(s.amount)])
        return out.getvalue().rstrip("\n")
    rows = [[s.kind.label, f"{s.count:,}", fmt_money(s.amount)] for s in summaries]
    return tabulate(
        rows,
        headers=["Queue", "Count", "Amount"],
        colalign=("left", "right", "right"),
        disable_numparse=True,
    )


def report_queues(runtime: Runtime, fmt: str) -> str:
    """The `report queues` text for the database behind `runtime`."""
    return format_queue_summaries(QueueService(runtime.engine, runtime.clock).summaries(), fmt)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `report` command and its reports."""
    report = sub.add_parser("report", help="print a report")
    reports = report.add_subparsers(dest="report_name", metavar="REPORT", required=True)

    def one(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = reports.add_parser(name, help=help_text)
        parser.add_argument("--format", choices=FORMATS, default="plain")
        return parser

    one("queues", "count and amount of each work queue")
    aging = one("aging", "open balances as of a date by aging bucket and responsibility")
    aging.add_argument("--as-of", metavar="DATE", help="rows posted on or before (default today)")
    aging.add_argument("--by-payer", action="store_true", help="one row per payer too")
    aging.add_argument(
        "--aged-from",
        choices=AGED_FROM,
        default=None,
        help="count days from the date of service or the day the claim was billed "
        "(default: MEDBILL_AGING_FROM, else service)",
    )
    for name, help_text in (
        ("denials", "denials opened in the period by reason, payer and outcome"),
        ("payments", "money received in the period per payer, with the ledger's totals"),
        ("productivity", "per user: items worked, claims created and sent, denials resolved"),
    ):
        parser = one(name, help_text)
        parser.add_argument(
            "--from", dest="start", metavar="DATE", help="first day (default: 30 days up to --to)"
        )
        parser.add_argument("--to", dest="end", metavar="DATE", help="last day (default today)")


def build_report(service: ReportService, args: argparse.Namespace) -> Report:
    """Run the report `args` name; raises PeriodError or ReportInvalid for bad dates."""
    if args.report_name == "aging":
        as_of = parse_optional_day(args.as_of, "--as-of")
        return service.aging(as_of, aged_from=args.aged_from, by_payer=args.by_payer)
    start = parse_optional_day(args.start, "--from")
    end = parse_optional_day(args.end, "--to")
    if args.report_name == "denials":
        return service.denials(start, end)
    if args.report_name == "payments":
        return service.payments(start, end)
    return service.productivity(start, end)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Print the report; exit 2 with one line on stderr for a bad date or range."""
    if args.report_name == "queues":
        print(report_queues(runtime, args.format))
        return 0
    try:
        service = ReportService(runtime.engine, runtime.clock, runtime.settings.timers.aging_from)
        report = build_report(service, args)
    except (PeriodError, ReportInvalid) as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(render(report, args.format))
    return 0
