"""`medbill codes search|load`: look up codes; load a newer CMS release file or the official
CARC/RARC lists."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.common import CommandError
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.codes import LOADABLE_SETS, CodeLoadRefused, CodeService
from medbill_tui.services.users import require


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    codes = sub.add_parser("codes", help="search code sets or load a newer release")
    codes_sub = codes.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    search = codes_sub.add_parser("search", help="find codes by code prefix or words")
    search.add_argument("text", nargs="+", help="code prefix (dots optional) or words")
    search.add_argument(
        "--set", dest="code_set", default="icd10cm", choices=("icd10cm", "hcpcs", "cpt", "pos")
    )
    search.add_argument("--format", choices=("plain", "json"), default="plain")
    search.add_argument("--limit", type=int, default=20)
    load = codes_sub.add_parser(
        "load", help="replace a code set from a CMS release file or the X12 CARC/RARC list (CSV)"
    )
    load.add_argument("file", type=Path)
    load.add_argument("--set", dest="code_set", required=True, choices=LOADABLE_SETS)


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    service = CodeService(runtime.engine, runtime.actor, runtime.role)
    if args.codes_command == "search":
        hits = service.search(" ".join(args.text), args.code_set, max(1, args.limit))
        if args.format == "json":
            print(
                json.dumps(
                    [
                        {"code": h.code, "description": h.description, "billable": h.billable}
                        for h in hits
                    ],
                    indent=2,
                )
            )
        elif hits:
            rows = [[h.code, "" if h.billable else "header", h.description] for h in hits]
            print(tabulate(rows, headers=["Code", "", "Description"], disable_numparse=True))
        else:
            print("no codes match")
        return 0
    require(runtime.role, "change-rules")
    path: Path = args.file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    try:
        count = service.load(content, args.code_set, path.name)
    except CodeLoadRefused as exc:
        lines = [f"{path}: {len(exc.errors)} bad row(s); nothing was loaded"]
        lines += [f"  {e}" for e in exc.errors[:50]]
        if len(exc.errors) > 50:
            lines.append(f"  … and {len(exc.errors) - 50} more")
        raise CommandError("\n".join(lines)) from None
    print(f"loaded {count:,} {args.code_set} codes from {path.name}")
    return 0
