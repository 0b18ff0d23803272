"""`medbill eligibility request`: a 270 asking about the coverages due a check."""

from __future__ import annotations

import argparse
from pathlib import Path

from medbill_tui.cli.common import positive_int
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.eligibility import DEFAULT_SINCE_DAYS, EligibilityService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    eligibility = sub.add_parser("eligibility", help="ask payers about coverage (270)")
    actions = eligibility.add_subparsers(
        dest="eligibility_command", metavar="ACTION", required=True
    )
    request = actions.add_parser(
        "request",
        help="write a 270 for active coverages with an unbilled visit or not verified lately",
    )
    request.add_argument(
        "--since-days",
        type=positive_int,
        default=DEFAULT_SINCE_DAYS,
        metavar="N",
        help=f"ask again when the last answer is older than N days (default {DEFAULT_SINCE_DAYS})",
    )
    request.add_argument("--payer", metavar="ID", help="only this payer (its payer ID)")
    request.add_argument(
        "--coverage",
        type=positive_int,
        action="append",
        metavar="ID",
        help="only this coverage (repeatable), whatever its last answer",
    )
    request.add_argument("--out", type=Path, metavar="DIR", help="outbox folder (MEDBILL_OUTBOX)")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    service = EligibilityService(
        runtime.engine, runtime.clock, runtime.actor, runtime.settings.outbox
    )
    result = service.request(
        args.coverage,
        since_days=args.since_days,
        payer_code=args.payer,
        out_dir=args.out,
    )
    if result.path is None:
        print("no coverage is due an eligibility check; nothing written")
    else:
        print(f"wrote {result.path}: {result.coverages} coverage(s) asked about")
    return 0
