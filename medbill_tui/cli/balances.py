"""`medbill balances import FILE.csv [--dry-run]`: post the open A/R a practice brings from
its old system as opening balances (supervisors and admins).

Exit 0 posted (or a clean dry run), 1 rows refused (each listed with its line and field,
nothing posted), 2 a file that cannot be read, 3 not a supervisor."""

from __future__ import annotations

import argparse
from pathlib import Path

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from medbill_tui.domain.money import fmt_money
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.opening_balances import OpeningBalanceService
from medbill_tui.services.users import require

LISTED = 200


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    balances = sub.add_parser("balances", help="opening balances from the system a practice left")
    actions = balances.add_subparsers(dest="balances_command", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="post open A/R from a CSV: account,date_of_service,responsibility,amount,"
        "original_claim_no (supervisors)",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="check and list only; post nothing")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    require(runtime.role, "import-balances")
    path: Path = args.file
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {path}: {exc}", EXIT_USAGE)
    service = OpeningBalanceService(runtime.engine, runtime.actor, runtime.role)
    plan = service.check(content, runtime.clock.today())
    if plan.errors:
        listed = [f"  {e}" for e in plan.errors[:LISTED]]
        if len(plan.errors) > LISTED:
            listed.append(f"  … and {len(plan.errors) - LISTED} more")
        head = f"{path}: {len(plan.errors)} error(s); nothing was posted"
        return fail("\n".join([head, *listed]), EXIT_FAILED)
    summary = f"{len(plan.postings)} opening balance(s), {fmt_money(plan.total)}"
    if args.dry_run:
        print(f"{path.name}: would post {summary} (dry run: nothing posted)")
        return EXIT_OK
    service.post(plan, path.name)
    print(f"{path.name}: posted {summary}")
    return EXIT_OK
