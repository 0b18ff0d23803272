"""Running a `medbill` subcommand: its parser, the database connection, its exit status.

Plain `medbill` (the app) does not come here: see `cli/tui.py`, which paints first and
connects in a worker.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from medbill_tui.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandCancelled,
    fail,
    iso_date,
    positive_int,
    silence_stdout,
)
from medbill_tui.cli.signin import activate_denial_rules, app_services, exit_status
from medbill_tui.db.engine import DatabaseUnavailable
from medbill_tui.runtime.bootstrap import (
    Runtime,
    bootstrap_admin,
    connect,
    ensure_schema,
    identify,
)
from medbill_tui.runtime.config import ConfigError, load_settings
from medbill_tui.runtime.file_modes import restrict_new_files
from medbill_tui.runtime.logs import configure_logging
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from types import ModuleType


Command = Callable[[Runtime, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medbill",
        description="Medical billing work queues in the terminal. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="load a synthetic demo practice, then open the app")
    demo.add_argument("--encounters", type=positive_int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="anchor the demo's dates (default: the real date)",
    )
    demo.add_argument("--no-tui", action="store_true", help="load only; do not open the app")
    demo.add_argument(
        "--force", action="store_true", help="replace a database that holds data other than a demo"
    )

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="migrate the schema to this version")
    db_sub.add_parser("status", help="show the schema's revision against this version's")

    for name in ("claims", "audit", "codes", "fees"):
        _module(name).add_parser(sub)
    _module("edi").add_parsers(sub)
    _module("ledger").add_parsers(sub)
    for name in ("denials", "followups", "payments", "credits"):
        _module(name).add_parser(sub)
    _module("report").add_parsers(sub)
    for name in ("statements", "users", "server", "work", "patients", "eligibility", "status"):
        _module(name).add_parser(sub)
    _module("backup").add_parsers(sub)
    _module("hl7").add_parser(sub)
    _module("exchange").add_parser(sub)
    for name in ("practice", "balances"):
        _module(name).add_parser(sub)
    return parser


def _module(name: str) -> ModuleType:
    """A subcommand's module, imported when its parser or command is needed (not for the app)."""
    return importlib.import_module(f"medbill_tui.cli.{name}")


def _lazy(name: str, function: str) -> Command:
    """`medbill_tui.cli.<name>.<function>`, imported only when that command runs."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        command: Command = getattr(_module(name), function)
        return command(runtime, args)

    return run


def _run_app(runtime: Runtime, role: str) -> int:
    from medbill_tui.cli.tui import run_app

    return run_app(app_services(runtime, role), runtime.settings)


def _cmd_demo(runtime: Runtime, args: argparse.Namespace) -> int:
    from medbill_tui.cli.demo import run_demo

    if not args.no_tui:
        activate_denial_rules(runtime)
    ensure_schema(runtime, allow_upgrade=True)
    bootstrap_admin(runtime)
    user = identify(runtime)
    require(user.role, "load-demo")
    _say_first_admin(runtime)
    run_demo(runtime, args)
    if args.no_tui:
        return EXIT_OK
    return _run_app(runtime, user.role)


def _cmd_db(runtime: Runtime, args: argparse.Namespace) -> int:
    from medbill_tui.db.migrate import schema_status, upgrade

    if args.db_command == "upgrade":
        before = schema_status(runtime.engine)
        upgrade(runtime.engine)
        after = ensure_schema(runtime, allow_upgrade=False)
        if before.current == after.current:
            print(f"schema already at {after.current} (head)")
        else:
            print(f"schema upgraded from {before.current or 'empty'} to {after.current}")
        bootstrap_admin(runtime)
        _say_first_admin(runtime)
        return EXIT_OK
    status = schema_status(runtime.engine)
    state = "up to date" if status.up_to_date else "behind: run `medbill db upgrade`"
    print(f"current: {status.current or 'none (empty database)'}")
    print(f"head:    {status.head}")
    print(f"status:  {state}")
    return EXIT_OK


def _say_first_admin(runtime: Runtime) -> None:
    if runtime.first_admin:
        print(
            f"{runtime.actor} is the first admin of this database; add the others with "
            "`medbill users add LOGIN --role biller|supervisor|admin`"
        )


def _on_current_schema(command: Command) -> Command:
    """Run `command` only once the schema is at this version (exit 2 with the fix if not)
    and the login is an active user of the database (exit 3 if not)."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        ensure_schema(runtime, allow_upgrade=False)
        identify(runtime)
        return command(runtime, args)

    return run


def _signed_in(command: Command) -> Command:
    """Run `command` for an active user of the database, whatever its schema's revision."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        identify(runtime)
        return command(runtime, args)

    return run


def _posting(command: Command) -> Command:
    """Run `command` (which may post remittances) with the denial rules read and checked."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        activate_denial_rules(runtime)
        return command(runtime, args)

    return run


COMMANDS: dict[str, Command] = {
    "demo": _cmd_demo,
    "db": _cmd_db,
    "sandbox": _lazy("edi", "run_sandbox"),  # works on files only
    "report": _on_current_schema(_lazy("report", "run")),
    "codes": _on_current_schema(_lazy("codes", "run")),
    "fees": _on_current_schema(_lazy("fees", "run")),
    "claims": _on_current_schema(_lazy("claims", "run")),
    "import": _posting(_on_current_schema(_lazy("edi", "run_import"))),
    "ledger": _on_current_schema(_lazy("ledger", "run_ledger")),
    "remittance": _posting(_on_current_schema(_lazy("ledger", "run_remittance"))),
    "denials": _on_current_schema(_lazy("denials", "run")),
    "followups": _on_current_schema(_lazy("followups", "run")),
    "payments": _on_current_schema(_lazy("payments", "run")),
    "credits": _on_current_schema(_lazy("credits", "run")),
    "statements": _on_current_schema(_lazy("statements", "run")),
    "users": _on_current_schema(_lazy("users", "run")),
    "audit": _on_current_schema(_lazy("audit", "run")),
    "work": _on_current_schema(_lazy("work", "run")),
    "patients": _on_current_schema(_lazy("patients", "run")),
    "backup": _signed_in(_lazy("backup", "run_backup")),
    "hl7": _on_current_schema(_lazy("hl7", "run")),
    "exchange": _posting(_on_current_schema(_lazy("exchange", "run"))),
    "practice": _on_current_schema(_lazy("practice", "run")),
    "balances": _on_current_schema(_lazy("balances", "run")),
    "eligibility": _on_current_schema(_lazy("eligibility", "run")),
    "status": _on_current_schema(_lazy("status", "run")),
}


def run_command(argv: Sequence[str]) -> int:
    """`medbill COMMAND …`: parse, connect, run, and turn failures into words and a status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    restrict_new_files(settings.team_group)
    configure_logging(settings, to_file=args.command == "demo")
    if args.command == "server":  # manages the server itself: no connection, no user
        try:
            return int(_module("server").run(settings, args))
        except ConfigError as exc:
            return fail(str(exc), EXIT_USAGE)
    if _module("backup").needs_no_database(args):  # restore, verify: new servers only
        return int(_module("backup").run_offline(settings, args))
    try:
        runtime = connect(settings)
    except (ConfigError, DatabaseUnavailable) as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        return COMMANDS[args.command](runtime, args)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
    except CommandCancelled as exc:
        return fail(str(exc), EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, like other tools
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        status = exit_status(exc)
        if status is None:
            raise
        return fail(str(exc), status)
    finally:
        runtime.engine.dispose()
