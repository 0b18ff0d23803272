"""`medbill ledger check` and `medbill remittance list|undo|repost`."""

from __future__ import annotations

import argparse

from tabulate import tabulate

from medbill_tui.cli import unmatched
from medbill_tui.domain.money import fmt_money
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.users import require


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ledger = sub.add_parser("ledger", help="check the ledger")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    ledger_sub.add_parser("check", help="exit 1 and list problems if the ledger disagrees")
    remit = sub.add_parser("remittance", help="posted 835 payments")
    remit_sub = remit.add_subparsers(dest="remit_command", metavar="ACTION", required=True)
    remit_sub.add_parser("list", help="recent payments")
    undo = remit_sub.add_parser("undo", help="reverse a posted payment (supervisors)")
    undo.add_argument("remittance_id", type=int, metavar="ID")
    undo.add_argument("--reason", required=True)
    repost = remit_sub.add_parser("repost", help="post an undone payment again (supervisors)")
    repost.add_argument("remittance_id", type=int, metavar="ID")
    unmatched.add_parser(remit_sub)


def run_ledger(runtime: Runtime, args: argparse.Namespace) -> int:
    problems = RemittanceService(runtime.engine, runtime.clock, runtime.actor).check_ledger()
    if not problems:
        print(
            "ledger ok: every reversal negates its entry, every claim's charge is on the "
            "ledger, transfers net to zero, every payment balances"
        )
        return 0
    for problem in problems:
        print(f"{problem.what}: {problem.detail}")
    print(f"{len(problems)} problem(s)")
    return 1


def run_remittance(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.remit_command == "unmatched":
        return unmatched.run(runtime, args)
    if args.remit_command in ("undo", "repost"):
        require(runtime.role, "undo-posting")
    service = RemittanceService(runtime.engine, runtime.clock, runtime.actor)
    if args.remit_command == "repost":
        claims = service.repost(args.remittance_id)
        print(f"posted remittance {args.remittance_id} again: {claims} claims")
        return 0
    if args.remit_command == "undo":
        notes: list[str] = []
        count = service.undo(args.remittance_id, args.reason, notes)
        print(f"reversed {count} ledger entries of remittance {args.remittance_id}")
        for note in notes:
            print(note)
        return 0
    rows = service.recent()
    if not rows:
        print("no payments posted yet")
        return 0
    table = [
        [
            r["id"],
            r["trace_no"],
            r["payer"],
            fmt_money(r["amount"]),
            r["paid_on"],
            r["status"],
            r["imported_by"],
        ]
        for r in rows
    ]
    print(
        tabulate(
            table,
            headers=["Id", "Trace", "Payer", "Amount", "Paid on", "Status", "By"],
            disable_numparse=True,
        )
    )
    return 0
