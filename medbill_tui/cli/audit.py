"""`medbill audit [--user U] [--since DATE] [--until DATE] [--entity E] [--id N] [--action A]
[--limit N] [--before ID] [--format plain|csv|json]`: the audit trail, newest first.

Dates are whole UTC days, `--until` inclusive; a bad date exits 2 with one line. Reading the
trail needs a supervisor or an admin (exit 3 otherwise). A full page ends with the
`--before ID` that shows the next (older) one.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import UTC

from tabulate import tabulate

from medbill_tui.domain.report_period import PeriodError, parse_optional_day
from medbill_tui.records.audit import AuditEvent, AuditFilter
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.audit import ENTITIES, AuditService
from medbill_tui.services.users import RoleRefused

EXIT_USAGE = 2
READERS = ("supervisor", "admin")
HEADERS = ["id", "at", "user", "action", "entity", "entity_id", "detail"]


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `audit` command."""
    audit = sub.add_parser("audit", help="who viewed or changed what, newest first")
    audit.add_argument("--user", metavar="LOGIN", help="only this person's events")
    audit.add_argument("--since", metavar="DATE", help="from this UTC day (YYYY-MM-DD)")
    audit.add_argument("--until", metavar="DATE", help="up to and including this UTC day")
    audit.add_argument("--entity", choices=ENTITIES, help="only events about this kind of record")
    audit.add_argument("--id", type=_count, metavar="N", help="only the record with this id")
    audit.add_argument("--action", metavar="A", help="only this action (view, create, login…)")
    audit.add_argument("--limit", type=_count, default=200, metavar="N", help="default 200")
    audit.add_argument("--before", type=_count, metavar="ID", help="events older than event ID")
    audit.add_argument("--format", choices=("plain", "csv", "json"), default="plain")


def _when(event: AuditEvent) -> str:
    return event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _row(e: AuditEvent) -> list[object]:
    return [e.id, _when(e), e.actor, e.action, e.entity, e.entity_id, e.detail]


def format_events(events: tuple[AuditEvent, ...], fmt: str, limit: int) -> str:
    """The events as a table, CSV or JSON (times in UTC)."""
    more = events[-1].id if len(events) == limit else None
    if fmt == "json":
        items = [dict(zip(HEADERS, _row(e), strict=True)) for e in events]
        return json.dumps({"count": len(items), "next_before": more, "events": items}, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADERS)
        writer.writerows(["" if v is None else v for v in _row(e)] for e in events)
        return out.getvalue().rstrip("\n")
    if not events:
        return "no audit events match"
    table = [
        [
            _when(e)[5:16],
            e.actor[:10],
            e.action[:14],
            e.entity[:10],
            "" if e.entity_id is None else e.entity_id,
            (e.detail or "")[:24],
        ]
        for e in events
    ]
    body = tabulate(
        table,
        headers=["When (UTC)", "User", "Action", "Entity", "Id", "Detail"],
        disable_numparse=True,
    )
    tail = f"{len(events)} event(s), newest first"
    if more is not None:
        tail += f"; older ones: --before {more}"
    return f"{body}\n{tail}"


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """`medbill audit`: bad dates exit 2; a biller exits 3."""
    try:
        since = parse_optional_day(args.since, "--since")
        until = parse_optional_day(args.until, "--until")
    except PeriodError as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if since and until and since > until:
        print(f"medbill: --since {since} is after --until {until}", file=sys.stderr)
        return EXIT_USAGE
    if runtime.role not in READERS:
        raise RoleRefused(
            f"Only a supervisor or an admin may read the audit trail; you are "
            f"{'a ' + runtime.role if runtime.role else 'not a user'}."
        )
    service = AuditService(runtime.engine, runtime.actor)
    filt = AuditFilter(args.user, since, until, args.entity, args.id, args.action)
    after = service.cursor_before(args.before) if args.before else None
    events = service.page(filt, after, args.limit)
    print(format_events(events, args.format, args.limit))
    return 0
