"""`medbill hl7 …`: the HL7 interface from the EHR — import files, listen on MLLP, the log,
reprocessing the error list, and the per-facility code mapping.

Exit status: 0 every message taken (or a resend), 1 some held (AE) or refused (AR), 2 bad
usage (a file that cannot be read, a mapping that names nothing of ours)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail, positive_int
from medbill_tui.edi.hl7_read import split_messages
from medbill_tui.records.hl7 import Hl7LogRow, Hl7Mapping, Hl7Outcome
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.hl7_interface import KINDS, Hl7Service, MappingInvalid, NoSuchMessage


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hl7 = sub.add_parser("hl7", help="the HL7 interface: patients and charges from the EHR")
    act = hl7.add_subparsers(dest="hl7_command", metavar="ACTION", required=True)
    imp = act.add_parser("import", help="take HL7 messages from files (MLLP framing tolerated)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    listen = act.add_parser("listen", help="answer HL7 messages over MLLP until SIGTERM")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=positive_int, default=2575)
    log = act.add_parser("log", help="recent messages and their outcome, newest first")
    log.add_argument("--format", choices=("plain", "json"), default="plain")
    log.add_argument("--errors", action="store_true", help="only those waiting on a fix (AE)")
    log.add_argument("--limit", type=positive_int, default=200)
    again = act.add_parser("reprocess", help="try a held message again after fixing the cause")
    again.add_argument("message_id", type=positive_int, metavar="ID")
    mapping = act.add_parser("map", help="map a facility's code to our provider, payer or POS")
    mapping.add_argument("facility", metavar="FACILITY", help="MSH-4 of the sender")
    mapping.add_argument("kind", choices=KINDS)
    mapping.add_argument("code", metavar="CODE", help="the EHR's code")
    mapping.add_argument("target", metavar="TARGET", help="provider NPI, payer code or POS code")
    act.add_parser("mappings", help="list the code mapping")


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    service = Hl7Service(runtime.engine, runtime.clock, runtime.actor, runtime.role)
    if args.hl7_command == "import":
        return _import(service, [Path(f) for f in args.files])
    if args.hl7_command == "listen":
        from medbill_tui.cli.hl7_listen import listen

        return listen(service, args.host, args.port)
    if args.hl7_command == "log":
        rows = service.log(args.limit, args.errors)
        print(log_json(rows) if args.format == "json" else log_plain(rows))
        return EXIT_OK
    if args.hl7_command == "reprocess":
        try:
            outcome = service.reprocess(args.message_id)
        except NoSuchMessage as exc:
            return fail(str(exc), EXIT_USAGE)
        print(outcome_line(f"message {args.message_id}", outcome))
        return EXIT_OK if outcome.code == "AA" else EXIT_FAILED
    if args.hl7_command == "map":
        try:
            service.set_mapping(Hl7Mapping(args.facility, args.kind, args.code, args.target))
        except MappingInvalid as exc:
            return fail(str(exc), EXIT_USAGE)
        print(f"{args.facility} {args.kind} {args.code} -> {args.target}")
        return EXIT_OK
    table = [[m.facility, m.kind, m.code, m.target] for m in service.mappings()]
    print(tabulate(table, headers=["Facility", "Kind", "Code", "Ours"]) if table else "no mapping")
    return EXIT_OK


def _import(service: Hl7Service, files: list[Path]) -> int:
    texts = []
    for path in files:  # every file read before any message is taken
        try:
            texts.append((path, path.read_text(encoding="utf-8", errors="replace")))
        except OSError as exc:
            return fail(f"cannot read {path}: {exc.strerror}", EXIT_USAGE)
    status = EXIT_OK
    for path, text in texts:
        messages = split_messages(text)
        if not messages:
            print(f"{path}: no HL7 messages")
            status = EXIT_FAILED
        for n, raw in enumerate(messages, start=1):
            outcome = service.receive(raw)
            print(outcome_line(f"{path.name} #{n}", outcome))
            if outcome.code != "AA":
                status = EXIT_FAILED
    return status


def outcome_line(what: str, outcome: Hl7Outcome) -> str:
    again = " (resent: already answered, nothing changed)" if outcome.resent else ""
    reason = f" {outcome.reason}" if outcome.reason else ""
    return f"{what}: {outcome.code}{again}{reason}"


def log_json(rows: tuple[Hl7LogRow, ...]) -> str:
    return json.dumps(
        [
            {
                "message_id": r.message_id,
                "received_at": r.received_at.isoformat(),
                "facility": r.facility,
                "control_id": r.control_id,
                "message_type": r.message_type,
                "outcome": r.outcome,
                "reason": r.reason,
                "attempts": r.attempts,
                "account_no": r.account_no,
                "encounter_id": r.encounter_id,
            }
            for r in rows
        ],
        indent=2,
    )


def log_plain(rows: tuple[Hl7LogRow, ...]) -> str:
    if not rows:
        return "no HL7 messages"
    table = [
        [
            r.message_id,
            f"{r.received_at:%m/%d/%Y %H:%M}",
            r.facility,
            r.control_id or "-",
            r.message_type or "-",
            r.outcome,
            r.account_no or "",
            (r.reason or "")[:60],
        ]
        for r in rows
    ]
    headers = ["Id", "Received", "Facility", "Control id", "Type", "Ack", "Account", "Reason"]
    return tabulate(table, headers=headers, disable_numparse=True)
