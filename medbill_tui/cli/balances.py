"""`medbill balances import FILE.csv [--dry-run]`: post the open A/R a practice brings from
its old system as opening balances (supervisors and admins). `medbill balances pay`: a
payer's check for one of them, keyed against its original claim number.

Exit 0 posted (or a clean dry run), 1 rows refused (each listed with its line and field,
nothing posted) or a payment that does not fit, 2 a file that cannot be read or a bad amount
or date, 3 not a supervisor (import)."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from medbill_tui.domain.money import fmt_money, to_money
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.opening_balances import OpeningBalanceService
from medbill_tui.services.opening_payments import OpeningPaymentNotPosted, OpeningPaymentService
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
    pay = actions.add_parser(
        "pay", help="post a payer's check for an opening balance (by its original claim number)"
    )
    pay.add_argument("account")
    pay.add_argument("original_claim_no", metavar="ORIGINAL_CLAIM")
    pay.add_argument("amount", help="what the payer paid")
    pay.add_argument("--payer", required=True, help="the payer id the balance is owed by")
    pay.add_argument("--check", required=True, help="the check or EFT trace number")
    pay.add_argument("--adjust", default="0", help="contractual adjustment (CO) on the EOB")
    pay.add_argument("--paid-on", default="", help="the check's date (default: today)")
    pay.add_argument(
        "--date-of-service",
        default="",
        help="the balance's date of service, when the original claim has balances on several",
    )


def _amount(text: str, zero_ok: bool) -> Decimal | None:
    try:
        value = to_money(text)
    except ValueError:
        return None
    return value if value > 0 or (zero_ok and value == 0) else None


def _pay(runtime: Runtime, args: argparse.Namespace) -> int:
    paid, adjusted = _amount(args.amount, False), _amount(args.adjust, True)
    if paid is None or adjusted is None:
        return fail("the amount is above zero and the adjustment zero or more", EXIT_USAGE)
    paid_on = runtime.clock.today()
    if args.paid_on:
        try:
            paid_on = date.fromisoformat(args.paid_on)
        except ValueError:
            return fail(f"--paid-on {args.paid_on!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
    service_date = None
    if args.date_of_service:
        try:
            service_date = date.fromisoformat(args.date_of_service)
        except ValueError:
            return fail(
                f"--date-of-service {args.date_of_service!r} is not a date (YYYY-MM-DD)",
                EXIT_USAGE,
            )
    service = OpeningPaymentService(runtime.engine, runtime.actor)
    try:
        left = service.pay(
            args.account,
            args.original_claim_no,
            args.payer,
            paid,
            adjusted,
            args.check,
            paid_on,
            service_date,
        )
    except OpeningPaymentNotPosted as exc:
        return fail(str(exc), EXIT_FAILED)
    print(f"posted {fmt_money(paid)} (adjusted {fmt_money(adjusted)}); {fmt_money(left)} left")
    return EXIT_OK


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.balances_command == "pay":
        return _pay(runtime, args)
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
