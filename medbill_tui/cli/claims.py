"""`medbill claims create|submit|outbox` (`outbox` in `cli/outbox.py`), and
`claims void|correct|rebill CLAIM_NO [--reason TEXT]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli import claim_print
from medbill_tui.cli import outbox as outbox_cli
from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK
from medbill_tui.cli.progress import ProgressLine
from medbill_tui.domain.money import fmt_money, money_str
from medbill_tui.records.claims import ClaimReplaced, ClaimRun, SubmissionRun
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.submissions import SubmissionService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    claims = sub.add_parser("claims", help="create and send claims")
    claims_sub = claims.add_subparsers(dest="claims_command", metavar="ACTION", required=True)
    create = claims_sub.add_parser("create", help="scrub unbilled encounters, bill the clean ones")
    create.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    create.add_argument("--format", choices=("plain", "json"), default="plain")
    create.add_argument(
        "--encounter",
        type=int,
        action="append",
        metavar="ID",
        help="only this encounter (repeatable)",
    )
    submit = claims_sub.add_parser("submit", help="send ready claims as 837P files")
    submit.add_argument("--out", type=Path, metavar="DIR", help="outbox folder (MEDBILL_OUTBOX)")
    submit.add_argument("--dry-run", action="store_true", help="report only; send nothing")
    submit.add_argument(
        "--paper-only",
        action="store_true",
        help="print the claims of payers billed on paper (CMS-1500 PDF); send no 837P",
    )
    submit.add_argument("--format", choices=("plain", "json"), default="plain")
    outbox_cli.add_parser(claims_sub)
    claim_print.add_action(claims_sub)
    for action, words in CHAIN_HELP.items():
        chain = claims_sub.add_parser(action, help=words)
        chain.add_argument("claim_no", metavar="CLAIM_NO", help="our claim number (C…)")
        chain.add_argument("--reason", default="", metavar="TEXT", help="why (kept in history)")


CHAIN_HELP = {
    "void": "void a sent claim (frequency 8; supervisors and admins)",
    "correct": "send a corrected claim from the visit's charges (frequency 7)",
    "rebill": "bill again as an original a claim the payer never received (frequency 1)",
}
FREQUENCY_WORDS = {"7": "replacement (7)", "8": "void (8)", "1": "original (1)"}


def chain_plain(action: str, made: ClaimReplaced) -> str:
    """`claim C100601 (void (8)) replaces C100145; ready to send; 1 open item closed`."""
    closed = f"; {made.closed_items} open item(s) closed" if made.closed_items else ""
    money = "; its money is reversed when the payer confirms" if action == "void" else ""
    return (
        f"claim {made.claim_no} ({FREQUENCY_WORDS[made.frequency]}) replaces "
        f"{made.replaced_no}; ready to send{closed}{money}"
    )


def claim_run_json(run: ClaimRun) -> str:
    return json.dumps(
        {
            "dry_run": run.dry_run,
            "created": run.created,
            "skipped": len(run.skipped),
            "amount": money_str(run.amount),
            "by_payer": [
                {"payer": b.payer_name, "claims": b.claims, "amount": money_str(b.amount)}
                for b in run.batches
            ],
            "skipped_encounters": [
                {
                    "encounter_id": s.encounter_id,
                    "dos": s.dos.isoformat(),
                    "reasons": list(s.reasons),
                }
                for s in run.skipped
            ],
            "not_billable": [
                {"encounter_id": n.encounter_id, "reason": n.reason} for n in run.not_billable
            ],
        },
        indent=2,
    )


def claim_run_plain(run: ClaimRun) -> str:
    verb = "would create" if run.dry_run else "created"
    lines = [
        f"{verb} {run.created} claim(s) for {fmt_money(run.amount)}; "
        f"skipped {len(run.skipped)} encounter(s)"
    ]
    if run.batches:
        rows = [[b.payer_name, b.claims, fmt_money(b.amount)] for b in run.batches]
        lines.append(
            tabulate(
                rows,
                headers=["Payer", "Claims", "Amount"],
                disable_numparse=True,
                colalign=("left", "right", "right"),
            )
        )
    for s in run.skipped:
        lines.append(f"skipped encounter {s.encounter_id} ({s.dos}): " + "; ".join(s.reasons))
    for n in run.not_billable:
        lines.append(f"not billed: encounter {n.encounter_id}: {n.reason}")
    return "\n".join(lines)


def submission_json(run: SubmissionRun) -> str:
    return json.dumps(
        {
            "dry_run": run.dry_run,
            "claims": run.claims,
            "amount": money_str(run.amount),
            "groups": [
                {
                    "clearinghouse": g.clearinghouse,
                    "payer": g.payer_name,
                    "claims": g.claims,
                    "amount": money_str(g.amount),
                }
                for g in run.groups
            ],
            "files": [
                {
                    "path": f.path,
                    "clearinghouse": f.clearinghouse,
                    "isa13": f.isa13,
                    "claims": f.claims,
                    "amount": money_str(f.amount),
                }
                for f in run.files
            ],
            "repaired": list(run.repaired),
        },
        indent=2,
    )


def submission_plain(run: SubmissionRun) -> str:
    verb = "would send" if run.dry_run else "sent"
    lines = [f"{verb} {run.claims} claim(s) for {fmt_money(run.amount)}"]
    if run.groups:
        rows = [[g.clearinghouse, g.payer_name, g.claims, fmt_money(g.amount)] for g in run.groups]
        lines.append(
            tabulate(
                rows,
                headers=["Clearinghouse", "Payer", "Claims", "Amount"],
                disable_numparse=True,
                colalign=("left", "left", "right", "right"),
            )
        )
    lines += [
        f"wrote {f.path} (ISA13 {f.isa13}, {f.claims} claims)"
        if f.isa13
        else f"wrote {f.path} ({f.claims} claims on CMS-1500 forms to print and mail)"
        for f in run.files
    ]
    lines += [
        f"wrote again {path} (sent before, it never reached the outbox)" for path in run.repaired
    ]
    return "\n".join(lines)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    if args.claims_command == "outbox":
        return outbox_cli.run(runtime, args)
    if args.claims_command == "print":
        return claim_print.run(runtime, args)
    if args.claims_command in CHAIN_HELP:
        claims = ClaimService(
            runtime.engine, runtime.clock, runtime.actor, role=runtime.role, lease=runtime.cli_lease
        )
        act = {"void": claims.void, "correct": claims.correct, "rebill": claims.rebill}
        made = act[args.claims_command](args.claim_no, args.reason)
        print(chain_plain(args.claims_command, made))
        return 0
    if args.claims_command == "submit":
        progress = ProgressLine("Sending claims")
        sender = SubmissionService(
            runtime.engine, runtime.clock, runtime.actor, runtime.settings.outbox
        )
        sent = sender.submit(
            dry_run=args.dry_run,
            out_dir=args.out,
            progress=progress.update,
            paper_only=args.paper_only,
        )
        progress.finish()
        print(submission_json(sent) if args.format == "json" else submission_plain(sent))
        return 0
    service = ClaimService(runtime.engine, runtime.clock, runtime.actor)
    result = service.create(args.encounter, dry_run=args.dry_run)
    print(claim_run_json(result) if args.format == "json" else claim_run_plain(result))
    # An encounter asked for by id that gets no claim is work not done (exit 1).
    named_left_out = args.encounter and (result.skipped or result.not_billable)
    return EXIT_FAILED if named_left_out else EXIT_OK
