"""`medbill credits [list] | refund-payer ID REF | refund-patient ID REF | apply ID VISIT`: visits
a payer's payment left in credit, and working them (a payer's refund needs a supervisor: exit 3
otherwise). `medbill work next credits` takes the next one nobody holds."""

from __future__ import annotations

import argparse
import json

from tabulate import tabulate

from medbill_tui.domain.money import fmt_money
from medbill_tui.records.credits import CreditRow
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.credits import CreditService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `credits` command."""
    credits = sub.add_parser("credits", help="credit balances a payer's payment left; refunds")
    actions = credits.add_subparsers(dest="credits_command", metavar="ACTION")
    listing = actions.add_parser("list", help="the open credits, oldest first (the default)")
    listing.add_argument("--format", choices=("plain", "json"), default="plain")
    for name, words in (
        ("refund-payer", "give a payer's credit back to the payer (supervisor)"),
        ("refund-patient", "give a patient's credit back to the patient"),
    ):
        refund = actions.add_parser(name, help=words)
        refund.add_argument("item", type=int, metavar="ID")
        refund.add_argument("reference", metavar="REF", help="the check or transfer number")
    apply = actions.add_parser("apply", help="apply a patient's credit to another visit")
    apply.add_argument("item", type=int, metavar="ID")
    apply.add_argument("visit", type=int, metavar="VISIT", help="the visit (encounter) number")


def credits_json(rows: list[CreditRow]) -> str:
    return json.dumps(
        [
            {
                "work_item_id": r.work_item_id,
                "opened_on": r.opened_on.isoformat(),
                "patient": r.patient_name,
                "account_no": r.account_no,
                "visit": r.encounter_id,
                "dos": r.dos.isoformat(),
                "claim_no": r.claim_no,
                "payer": r.payer_name,
                "trace_no": r.trace_no,
                "responsibility": r.responsibility,
                "amount": str(r.amount),
                "held_by": r.holder,
            }
            for r in rows
        ],
        indent=2,
    )


def credits_plain(rows: list[CreditRow]) -> str:
    if not rows:
        return "no open credits"
    table = [
        [
            r.work_item_id,
            f"{r.opened_on:%m/%d/%Y}",
            f"{r.patient_name[:20]} ({r.account_no})",
            r.claim_no or "-",
            r.payer_name[:20],
            r.responsibility,
            fmt_money(r.amount),
            r.holder or "",
        ]
        for r in rows
    ]
    headers = ["Item", "Opened", "Patient", "Claim", "Payer", "Side", "Credit", "Held by"]
    return tabulate(table, headers=headers, disable_numparse=True)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Dispatch `medbill credits ACTION` (refusals: exit 1; a biller refunding a payer: 3)."""
    service = CreditService(
        runtime.engine, runtime.clock, runtime.actor, role=runtime.role, lease=runtime.cli_lease
    )
    command = args.credits_command or "list"
    if command == "list":
        rows = service.open_items()
        as_json = getattr(args, "format", "plain") == "json"
        print(credits_json(rows) if as_json else credits_plain(rows))
        return 0
    if command == "refund-payer":
        done = service.refund_to_payer(args.item, args.reference)
    elif command == "refund-patient":
        done = service.refund_to_patient(args.item, args.reference)
    else:
        done = service.apply_to_visit(args.item, args.visit)
    print(done.words)
    return 0
