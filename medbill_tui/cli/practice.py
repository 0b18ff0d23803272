"""`medbill practice init FILE` / `medbill practice show [--format toml|json]`: a practice's
setup (billing provider, rendering providers, clearinghouses, payers) kept in one TOML file.

Exit 0 done, 1 refused (a database set up already, an id taken, a file with errors: each
listed with its field), 2 a file that cannot be read as TOML, 3 not an admin."""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from medbill_tui.domain.practice_setup import parse_setup, setup_as_dict
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.services.practice_setup import PracticeSetupService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    practice = sub.add_parser("practice", help="set up the practice: providers, payers, …")
    actions = practice.add_subparsers(dest="practice_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="set up an empty database from a TOML file (admins)")
    init.add_argument("file", type=Path, metavar="FILE")
    show = actions.add_parser("show", help="print the practice's setup as init reads it")
    show.add_argument("--format", choices=("toml", "json"), default="toml")


def toml_text(data: dict[str, Any]) -> str:
    """`data` (tables of scalars and lists of such tables) as TOML."""
    lines: list[str] = []
    for key, value in data.items():
        tables = value if isinstance(value, list) else [value]
        for table in tables:
            if lines:
                lines.append("")
            lines.append(f"[[{key}]]" if isinstance(value, list) else f"[{key}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a TOML basic string


def run(runtime: Runtime, args: argparse.Namespace) -> int:
    service = PracticeSetupService(runtime.engine, runtime.actor, runtime.role)
    if args.practice_command == "show":
        setup = service.show()
        if setup is None:
            return fail("no practice is set up: run `medbill practice init FILE`", EXIT_FAILED)
        data = setup_as_dict(setup)
        print(json.dumps(data, indent=2) if args.format == "json" else toml_text(data), end="")
        if args.format == "json":
            print()
        return EXIT_OK
    path: Path = args.file
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {path}: {exc}", EXIT_USAGE)
    except tomllib.TOMLDecodeError as exc:
        return fail(f"{path} is not TOML: {exc}", EXIT_USAGE)
    setup, errors = parse_setup(data)
    if setup is None:
        listed = "\n".join(f"  {e}" for e in errors)
        return fail(f"{path}: {len(errors)} error(s); nothing was added\n{listed}", EXIT_FAILED)
    service.init(setup, path.name)
    print(
        f"set up {setup.practice.name}: {len(setup.providers)} provider(s), "
        f"{len(setup.clearinghouses)} clearinghouse(s), {len(setup.payers)} payer(s)"
    )
    return EXIT_OK
