"""`medbill patients merge FROM_ACCOUNT INTO_ACCOUNT [--yes]`: move a duplicate account into
the one that stays (supervisors and admins). Exit 0 merged (or nothing asked for), 1 refused
(held work, drafts, a merged account), 2 not a pair (unknown, the same one), 3 the role."""

from __future__ import annotations

import argparse
import sys

from medbill_tui.cli import patient_import
from medbill_tui.cli.common import EXIT_OK, EXIT_USAGE, fail
from medbill_tui.records.patient_merge import MergePlan
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.patient_merge import MergeInvalid, PatientMergeService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    patients = sub.add_parser("patients", help="patient accounts: import, merge a duplicate")
    actions = patients.add_subparsers(dest="patients_command", metavar="ACTION", required=True)
    merge = actions.add_parser(
        "merge", help="move every row of a duplicate account into another (supervisors)"
    )
    merge.add_argument("source", metavar="FROM_ACCOUNT", help="the duplicate (kept, marked merged)")
    merge.add_argument("target", metavar="INTO_ACCOUNT", help="the account that stays")
    merge.add_argument("--yes", action="store_true", help="merge without asking")
    patient_import.add_parser(actions)


def plan_plain(plan: MergePlan) -> str:
    source, target = plan.source, plan.target
    lines = [
        f"merge {source.account_no} ({source.name}, born {source.dob:%m/%d/%Y})",
        f" into {target.account_no} ({target.name}, born {target.dob:%m/%d/%Y})",
        f"moves: {plan.counts_text()}",
    ]
    lines += [f"note: {note}" for note in plan.notes]
    return "\n".join(lines)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.patients_command == "import":
        return patient_import.run(runtime, args)
    service = PatientMergeService(runtime.engine, runtime.clock, runtime.actor, runtime.role)
    try:
        plan = service.preview(args.source, args.target)
    except MergeInvalid as exc:
        return fail(str(exc), EXIT_USAGE)
    print(plan_plain(plan))
    if not args.yes:
        if plan.blockers:
            return fail("cannot merge now: " + "; ".join(plan.blockers), 1)
        if not sys.stdin.isatty():
            print("nothing changed: re-run with --yes to merge")
            return EXIT_OK
        if input("Merge these accounts? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing changed")
            return EXIT_OK
    try:
        done = service.merge(args.source, args.target)
    except MergeInvalid as exc:
        return fail(str(exc), EXIT_USAGE)
    print(f"merged {done.source.account_no} into {done.target.account_no}")
    return EXIT_OK
