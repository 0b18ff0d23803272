"""`medbill import FILE...` and `medbill sandbox respond FILE.837`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.cli.common import CommandError, share
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.runtime.file_modes import make_folder
from medbill_tui.services.errors import ServiceError
from medbill_tui.services.imports import ImportResult, ImportService

if TYPE_CHECKING:
    from medbill_tui.edi.sandbox_memory import SandboxMemory


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser("import", help="import 999, 277CA, 835, 271 or 277 files")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    imp.add_argument("--format", choices=("plain", "json"), default="plain")
    sandbox = sub.add_parser("sandbox", help="a pretend clearinghouse and payer, for trying")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    respond = sandbox_sub.add_parser(
        "respond", help="write a 999, 277CA and 835 for an 837P; a 271 for a 270; a 277 for a 276"
    )
    respond.add_argument("file", type=Path, metavar="FILE")
    respond.add_argument("--out", type=Path, required=True, metavar="DIR")
    respond.add_argument("--seed", type=int, default=1)
    respond.add_argument("--reject-rate", type=share, default=0.05, metavar="R")
    respond.add_argument("--deny-rate", type=share, default=0.1, metavar="D")


def _plain(result: ImportResult) -> str:
    if result.status == "already-imported":
        return result.message
    if result.status == "not-posted":
        return f"{result.file_name}: nothing posted — {result.message}"
    verb = "would import" if result.status == "dry-run" else "imported"
    line = (
        f"{verb} {result.file_name} ({result.kind}): {result.accepted} accepted, "
        f"{result.rejected} rejected, {result.unmatched} unmatched"
    )
    if result.unchanged:
        line += f", {result.unchanged} already past that state"
    for pay in result.payments:
        line += (
            f"\n  payment {pay.trace_no} from {pay.payer_name}: {pay.status}, "
            f"{pay.matched} claims matched, {pay.unmatched} unmatched, "
            f"{pay.denials} denials" + (f" — {pay.message}" if pay.message else "")
        )
    if result.warnings:
        line += f"; {len(result.warnings)} validator warning(s), first: {result.warnings[0]}"
    told = result.message and not result.payments  # else each payment's line says it
    return line + (f"; {result.message}" if told else "")


def run_import(runtime: Runtime, args: argparse.Namespace) -> int:
    """Import each file on its own; one bad file does not stop the others. Exit 1 when any
    file, or any payment in one, was refused (its line says what and why)."""
    service = ImportService(runtime.engine, runtime.clock, runtime.actor)
    results: list[dict[str, object]] = []
    failed = False
    for path in args.files:
        try:
            result = service.import_file(path, dry_run=args.dry_run)
        except ServiceError as exc:
            failed = True
            results.append({"file": str(path), "status": "failed", "message": str(exc)})
            if args.format == "plain":
                print(f"not imported: {exc}")
            continue
        results.append(
            {
                "file": str(path),
                "kind": result.kind,
                "status": result.status,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "unmatched": result.unmatched,
                "unchanged": result.unchanged,
                "warnings": list(result.warnings),
                "message": result.message,
                "payments": [
                    {
                        "trace_no": p.trace_no,
                        "payer": p.payer_name,
                        "status": p.status,
                        "amount": str(p.amount),
                        "matched": p.matched,
                        "unmatched": p.unmatched,
                        "denials": p.denials,
                        "message": p.message,
                    }
                    for p in result.payments
                ],
            }
        )
        failed = failed or result.refused
        if args.format == "plain":
            print(_plain(result))
    if args.format == "json":
        print(json.dumps(results, indent=2))
    return 1 if failed else 0


def run_sandbox(runtime: Runtime, args: argparse.Namespace) -> int:
    from medbill_tui.edi.detect import UnsupportedTransaction, detect_transaction
    from medbill_tui.edi.sandbox import SandboxMemory, respond
    from medbill_tui.edi.segments import X12SyntaxError

    path: Path = args.file
    out: Path = args.out
    try:
        memory = SandboxMemory.load(out)
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read the sandbox payer's memory in {out}: {exc}") from None
    try:
        text = path.read_bytes().decode("latin-1")
        kind = detect_transaction(text).kind
        if kind in ("270", "276"):
            return _answer_inquiry(runtime, args, text, kind, memory)
        answer = respond(
            text,
            seed=args.seed,
            reject_rate=args.reject_rate,
            deny_rate=args.deny_rate,
            today=runtime.clock.today(),
            memory=memory,
        )
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except (X12SyntaxError, UnsupportedTransaction, ValueError) as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    try:
        make_folder(out)
        stem = path.stem
        written = []
        for suffix, content in (
            ("999", answer.ack_999),
            ("277CA", answer.ack_277ca),
            ("835", answer.era_835),
        ):
            if content is not None:
                target = out / f"{stem}.{suffix}.x12"
                target.write_text(content, encoding="ascii")
                written.append(str(target))
        memory.save(out)
    except OSError as exc:
        raise CommandError(f"cannot write to {out}: {exc.strerror}") from None
    print("\n".join(f"wrote {w}" for w in written))
    return 0


def _answer_inquiry(
    runtime: Runtime, args: argparse.Namespace, text: str, kind: str, memory: SandboxMemory
) -> int:
    """A 271 for a 270, a 277 for a 276 (following what the sandbox paid)."""
    from medbill_tui.edi.sandbox_271 import respond_270
    from medbill_tui.edi.sandbox_277 import respond_276
    from medbill_tui.edi.x12sdk_adapter import X12SdkRefused

    path: Path = args.file
    out: Path = args.out
    today = runtime.clock.today()
    try:
        if kind == "270":
            answer, suffix = respond_270(text, seed=args.seed, today=today), "271"
        else:
            answer = respond_276(text, seed=args.seed, today=today, memory=memory)
            suffix = "277"
    except X12SdkRefused as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    target = out / f"{path.stem}.{suffix}.x12"
    try:
        make_folder(out)
        target.write_text(answer, encoding="ascii")
    except OSError as exc:
        raise CommandError(f"cannot write to {out}: {exc.strerror}") from None
    print(f"wrote {target}")
    return 0
