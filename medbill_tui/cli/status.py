"""`medbill status request`: a 276 asking about the claims waiting too long for an answer."""

from __future__ import annotations

import argparse
from pathlib import Path

from medbill_tui.cli.common import positive_int
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.status_checks import DEFAULT_OLDER_THAN_DAYS, StatusCheckService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser("status", help="ask payers about claims (276)")
    actions = status.add_subparsers(dest="status_command", metavar="ACTION", required=True)
    request = actions.add_parser(
        "request", help="write a 276 for claims sent long ago with no answer yet"
    )
    request.add_argument(
        "--older-than-days",
        type=positive_int,
        default=DEFAULT_OLDER_THAN_DAYS,
        metavar="N",
        help=f"claims sent more than N days ago, not asked about since (default "
        f"{DEFAULT_OLDER_THAN_DAYS})",
    )
    request.add_argument(
        "--claim", type=positive_int, action="append", metavar="ID", help="only this claim"
    )
    request.add_argument("--out", type=Path, metavar="DIR", help="outbox folder (MEDBILL_OUTBOX)")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    service = StatusCheckService(
        runtime.engine, runtime.clock, runtime.actor, runtime.settings.outbox
    )
    result = service.request(args.claim, older_than_days=args.older_than_days, out_dir=args.out)
    if result.path is None:
        print("no claim is waiting long enough for a status request; nothing written")
    else:
        print(f"wrote {result.path}: {result.claims} claim(s) asked about")
    return 0
