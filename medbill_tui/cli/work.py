"""`medbill work next QUEUE | release ID | renew ID | reassign ID LOGIN`: take the next work item
nobody holds (with a lease), give one back, keep it longer, or (supervisors) give it to someone.

`work next` prints the item and its lease; with nothing free it prints `null` (JSON) or says so
and exits 0, so a script loops until then. A release that changes nothing exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from medbill_tui.records.work import QUEUE_KINDS, WorkLease, until_words
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.work import WorkService

EXIT_FAILED = 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `work` command."""
    work = sub.add_parser("work", help="take the next work item nobody holds; leases")
    actions = work.add_subparsers(dest="work_command", metavar="ACTION", required=True)
    take = actions.add_parser("next", help="take the next item nobody holds, with a lease")
    take.add_argument(
        "queue",
        choices=tuple(QUEUE_KINDS),
        metavar="QUEUE",
        help="denials, rejections, followups, unmatched or credits",
    )
    take.add_argument("--format", choices=("plain", "json"), default="plain")
    release = actions.add_parser("release", help="give back an item you hold")
    release.add_argument("item", type=int, metavar="ID")
    renew = actions.add_parser("renew", help="keep an item you hold for another lease")
    renew.add_argument("item", type=int, metavar="ID")
    renew.add_argument("--format", choices=("plain", "json"), default="plain")
    reassign = actions.add_parser("reassign", help="give an item to someone (supervisor)")
    reassign.add_argument("item", type=int, metavar="ID")
    reassign.add_argument("login", metavar="LOGIN")
    reassign.add_argument("--format", choices=("plain", "json"), default="plain")


def lease_json(lease: WorkLease | None) -> str:
    """The item and its lease as JSON (`null` when there was nothing to take)."""
    if lease is None:
        return "null"
    return json.dumps(
        {
            "work_item_id": lease.work_item_id,
            "kind": lease.kind,
            "claim_id": lease.claim_id,
            "claim_no": lease.claim_no,
            "patient_id": lease.patient_id,
            "patient": lease.patient_name,
            "account_no": lease.account_no,
            "encounter_id": lease.encounter_id,
            "detail": lease.detail,
            "owner": lease.owner,
            "lease_until": lease.lease_until.isoformat(),
        },
        indent=2,
    )


def lease_plain(lease: WorkLease) -> str:
    """'item 17 · denial · claim C100017 · Doe, Jane (A00042) · yours until 14:32'."""
    parts = [f"item {lease.work_item_id}", lease.kind]
    if lease.claim_no:
        parts.append(f"claim {lease.claim_no}")
    if lease.patient_name:
        account = f" ({lease.account_no})" if lease.account_no else ""
        parts.append(f"{lease.patient_name}{account}")
    parts.append(f"held by {lease.owner} until {until_words(lease.lease_until)}")
    text = " · ".join(parts)
    return f"{text}\n{lease.detail}" if lease.detail else text


def _show(lease: WorkLease, fmt: str) -> None:
    print(lease_json(lease) if fmt == "json" else lease_plain(lease))


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    """Dispatch `medbill work ACTION` (refusals: ServiceError, exit 1; roles: exit 3)."""
    service = WorkService(
        runtime.engine,
        runtime.clock,
        runtime.actor,
        runtime.settings.lease_minutes,
        role=runtime.role,
    )
    if args.work_command == "next":
        lease = service.next(args.queue)
        if args.format == "json":
            print(lease_json(lease))
        elif lease is None:
            print(service.why_nothing(args.queue))
        else:
            print(lease_plain(lease))
        return 0
    if args.work_command == "release":
        released = service.release(args.item)
        if not released.released:
            print(f"medbill: {released.words}", file=sys.stderr)
            return EXIT_FAILED
        print(released.words)
        return 0
    if args.work_command == "renew":
        _show(service.renew(args.item), args.format)
        return 0
    _show(service.reassign(args.item, args.login), args.format)
    return 0
