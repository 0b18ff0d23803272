"""The `medbill` command: the TUI by default, plus admin and report subcommands.

Exit status: 0 success, 1 the work itself failed, 2 usage or configuration errors
(bad flags, unreachable database, schema behind, unusable data dir), 3 not allowed (the
login is not an active user of this database, or its role may not do this).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import date
from typing import TYPE_CHECKING

from medbill_tui.bootstrap import (
    Runtime,
    SchemaBehind,
    bootstrap_admin,
    configure_logging,
    connect,
    ensure_schema,
    identify,
)
from medbill_tui.config import ConfigError, Settings, load_settings
from medbill_tui.db.engine import DatabaseUnavailable
from medbill_tui.services.errors import ServiceError, ServiceUnavailable
from medbill_tui.services.users import LoginRefused, RoleRefused, require

if TYPE_CHECKING:
    from types import ModuleType

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3


class CommandError(Exception):
    """A command could not do its work; the message says why (exit status 1)."""


Command = Callable[[Runtime, argparse.Namespace], int]


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medbill",
        description="Medical billing work queues in the terminal. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="load a synthetic demo practice, then open the app")
    demo.add_argument("--encounters", type=_positive_int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--today",
        type=_iso_date,
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
    for name in ("denials", "followups", "payments"):
        _module(name).add_parser(sub)
    _module("report").add_parsers(sub)
    for name in ("statements", "users", "server", "work"):
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


def _run_app(runtime: Runtime) -> int:
    from medbill_tui.app import MedbillApp
    from medbill_tui.services import build_services

    services = build_services(
        runtime.engine,
        runtime.clock,
        actor=runtime.actor,
        role=runtime.role,
        page_size=runtime.settings.page_size,
        outbox=runtime.settings.outbox,
        letters=runtime.settings.data_dir / "letters",
        receipts=runtime.settings.data_dir / "receipts",
        timers=runtime.settings.timers,
        inbox=runtime.settings.inbox,
        statements_dir=runtime.settings.statements_dir,
        dunning=runtime.settings.dunning,
        lease_minutes=runtime.settings.lease_minutes,
    )
    app = MedbillApp(services, keymap_file=runtime.settings.keymap_file,
                     idle_minutes=runtime.settings.idle_minutes or None)  # fmt: skip
    services.audit.login("tui")
    try:
        app.run()
    finally:
        if not app.logged_out:
            with suppress(ServiceError):  # the database went away: the login row stands alone
                services.audit.logout(app.end_reason)
        services.close()
    return EXIT_OK


def _activate_denial_rules(runtime: Runtime) -> None:
    """Read and check the denial routing rules before any work (ConfigError: exit 2)."""
    from medbill_tui.denial_rules import activate, load_denial_rules

    activate(load_denial_rules(runtime.settings.denial_rules))


def _cmd_app(runtime: Runtime, args: argparse.Namespace) -> int:
    _activate_denial_rules(runtime)
    ensure_schema(runtime, allow_upgrade=False)
    identify(runtime)  # before the app opens: an unknown or disabled login never sees it
    return _run_app(runtime)


def _cmd_demo(runtime: Runtime, args: argparse.Namespace) -> int:
    from medbill_tui.cli.demo import run_demo

    if not args.no_tui:
        _activate_denial_rules(runtime)
    ensure_schema(runtime, allow_upgrade=True)
    bootstrap_admin(runtime)
    identify(runtime)
    require(runtime.role, "load-demo")
    _say_first_admin(runtime)
    run_demo(runtime, args)
    if args.no_tui:
        return EXIT_OK
    return _run_app(runtime)


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
        print(f"{runtime.actor} is the first admin of this database; add the others with "
              "`medbill users add LOGIN --role biller|supervisor|admin`")  # fmt: skip


def _on_current_schema(command: Command) -> Command:
    """Run `command` only once the schema is at this version (exit 2 with the fix if not)
    and the login is an active user of the database (exit 3 if not)."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        ensure_schema(runtime, allow_upgrade=False)
        identify(runtime)
        return command(runtime, args)

    return run


def _posting(command: Command) -> Command:
    """Run `command` (which may post remittances) with the denial rules read and checked."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        _activate_denial_rules(runtime)
        return command(runtime, args)

    return run


COMMANDS: dict[str | None, Command] = {
    None: _cmd_app,
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
    "statements": _on_current_schema(_lazy("statements", "run")),
    "users": _on_current_schema(_lazy("users", "run")),
    "audit": _on_current_schema(_lazy("audit", "run")),
    "work": _on_current_schema(_lazy("work", "run")),
}


def _fail(message: str, status: int) -> int:
    print(f"medbill: {message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medbill` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # `medbill` alone opens the app: the subcommands' parsers (and their modules) are not
    # needed to know that (the parser has no options of its own besides --help).
    args = build_parser().parse_args(argv) if argv else argparse.Namespace(command=None)
    try:
        settings: Settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    configure_logging(settings, to_file=args.command is None or args.command == "demo")
    if args.command == "server":  # manages the server itself: no connection, no user
        try:
            return int(_module("server").run(settings, args))
        except ConfigError as exc:
            return _fail(str(exc), EXIT_USAGE)
    try:
        runtime = connect(settings)
    except (ConfigError, DatabaseUnavailable) as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        return COMMANDS[args.command](runtime, args)
    except SchemaBehind as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (DatabaseUnavailable, ConfigError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except ServiceUnavailable as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (LoginRefused, RoleRefused) as exc:
        return _fail(str(exc), EXIT_REFUSED)
    except (CommandError, ServiceError) as exc:
        return _fail(str(exc), EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, like other tools
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        runtime.engine.dispose()


EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for any program whose reader closed the pipe."""


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
