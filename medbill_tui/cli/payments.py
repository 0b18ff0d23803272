"""`medbill payments post|refund ACCOUNT AMOUNT --method cash|check|card [--ref R]`: front-desk
money through the ledger, with a receipt file; `--dry-run` shows where a payment would go."""

from __future__ import annotations

import argparse
import json
import sys

from medbill_tui.cli import paper_eob
from medbill_tui.cli.paper_eob import add_action
from medbill_tui.domain.money import money_str
from medbill_tui.domain.patient_payments import METHODS
from medbill_tui.records.payments import PaymentPreview, Receipt
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.patient_payments import PatientPaymentService, PaymentNotPosted

EXIT_FAILED = 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `payments` command."""
    payments = sub.add_parser("payments", help="post a patient's payment or refund a credit")
    actions = payments.add_subparsers(dest="payments_command", metavar="ACTION", required=True)
    for name, words in (
        ("post", "post a payment, oldest visits first (or --visit first)"),
        ("refund", "give back (part of) an account's credit"),
    ):
        action = actions.add_parser(name, help=words)
        action.add_argument("account", metavar="ACCOUNT", help="account number, e.g. A000123")
        action.add_argument("amount", metavar="AMOUNT", help="e.g. 40 or 40.00")
        action.add_argument("--method", choices=METHODS, required=True)
        action.add_argument("--ref", default="", help="check or card reference")
        action.add_argument("--format", choices=("plain", "json"), default="plain")
        if name == "post":
            action.add_argument(
                "--visit",
                type=int,
                action="append",
                default=[],
                metavar="ENCOUNTER",
                help="apply to this visit first (repeat)",
            )
            action.add_argument(
                "--dry-run", action="store_true", help="show where it would go; post nothing"
            )
    add_action(actions)


def _lines(lines: tuple[tuple[int, object, object], ...]) -> list[dict[str, str]]:
    return [{"encounter_id": str(e), "dos": str(d), "amount": str(a)} for e, d, a in lines]


def _show(result: Receipt | PaymentPreview, fmt: str, receipt_file: str | None) -> str:
    credit = result.credit
    if fmt == "json":
        body: dict[str, object] = {
            "account": result.account_no,
            "amount": money_str(result.amount),
            "applied": _lines(result.lines),
            "credit": money_str(credit),
        }
        if isinstance(result, Receipt):
            body |= {
                "receipt_no": result.receipt_no,
                "kind": result.kind,
                "balance_after": money_str(result.balance_after),
                "receipt": receipt_file,
            }
        return json.dumps(body, indent=2)
    out = [f"  visit #{e} ({d:%m/%d/%Y}): {a}" for e, d, a in result.lines]
    if credit > 0:
        out.append(f"  left as a credit on the account: {credit}")
    if isinstance(result, PaymentPreview):
        return "\n".join([f"would apply {result.amount} to {result.account_no}:", *out])
    head = f"{result.kind} {result.receipt_no} of {result.amount} posted to {result.account_no}"
    return "\n".join([head, *out, f"receipt: {receipt_file}"])


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Refusals (bad amount, no such account, refund above the credit) exit 1, nothing posted."""
    if args.payments_command == "post-eob":
        return paper_eob.run(runtime, args)
    service = PatientPaymentService(
        runtime.engine, runtime.clock, runtime.actor, runtime.settings.data_dir / "receipts"
    )
    try:
        patient_id = service.account(args.account)
        if args.payments_command == "refund":
            receipt, path = service.refund(patient_id, args.amount, args.method, args.ref)
        elif args.dry_run:
            print(_show(service.preview(patient_id, args.amount, args.visit), args.format, None))
            return 0
        else:
            receipt, path = service.pay(patient_id, args.amount, args.method, args.ref, args.visit)
    except PaymentNotPosted as exc:
        print(f"medbill: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(_show(receipt, args.format, str(path)))
    return 0
