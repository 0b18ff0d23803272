"""`medbill codes search|load`: look up codes; load a newer CMS release file or the official
CARC/RARC lists."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tabulate import tabulate

from medbill_tui.cli.common import CommandError
from medbill_tui.errors import ConfigError
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
        "load",
        help="replace a code set from a CMS release file, the X12 CARC/RARC list (CSV) or a "
        "quarter's NCCI PTP (all its files) or MUE file",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
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
    paths: list[Path] = args.files
    if len(paths) > 1 and args.code_set != "ncci-ptp":
        raise ConfigError(f"--set {args.code_set} loads one file; only ncci-ptp takes several")
    files = [(path.name, _read_text(path)) for path in paths]
    names = ", ".join(name for name, _ in files)
    try:
        if args.code_set in ("ncci-ptp", "mue"):
            count = service.load_ncci(files, args.code_set)
        else:
            count = service.load(files[0][1], args.code_set, names)
    except CodeLoadRefused as exc:
        lines = [f"{names}: {len(exc.errors)} bad row(s); nothing was loaded"]
        lines += [f"  {e}" for e in exc.errors[:50]]
        if len(exc.errors) > 50:
            lines.append(f"  … and {len(exc.errors) - 50} more")
        raise CommandError("\n".join(lines)) from None
    what = {"ncci-ptp": "PTP edits", "mue": "MUEs"}.get(args.code_set, f"{args.code_set} codes")
    print(f"loaded {count:,} {what} from {names}")
    return 0


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
