"""Running a `medbill` subcommand: its parser, the database connection, its exit status.

Plain `medbill` (the app) does not come here: see `cli/tui.py`, which paints first and
connects in a worker.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from medbill_tui.cli import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    CommandError,
    _iso_date,
    _positive_int,
    fail,
    silence_stdout,
)
from medbill_tui.db.engine import DatabaseUnavailable
from medbill_tui.runtime.bootstrap import (
    Runtime,
    SchemaBehind,
    bootstrap_admin,
    connect,
    ensure_schema,
    identify,
)
from medbill_tui.runtime.config import ConfigError, Settings, load_settings
from medbill_tui.runtime.logs import configure_logging
from medbill_tui.services.errors import ServiceError, ServiceUnavailable
from medbill_tui.services.users import LoginRefused, RoleRefused, require

if TYPE_CHECKING:
    from types import ModuleType

    from medbill_tui.services import Services

Command = Callable[[Runtime, argparse.Namespace], int]


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


def app_services(runtime: Runtime, role: str) -> Services:
    """The app's services for a signed-in runtime (`role`: what `identify` found), its login
    audited."""
    from medbill_tui.services import build_services

    settings = runtime.settings
    services = build_services(
        runtime.engine,
        runtime.clock,
        actor=runtime.actor,
        role=role,
        page_size=settings.page_size,
        outbox=settings.outbox,
        letters=settings.data_dir / "letters",
        receipts=settings.data_dir / "receipts",
        timers=settings.timers,
        inbox=settings.inbox,
        statements_dir=settings.statements_dir,
        dunning=settings.dunning,
        lease_minutes=settings.lease_minutes,
    )
    services.audit.login("tui")
    return services


def sign_in(settings: Settings) -> Services:
    """Everything the app needs before it may show data (run in the app's sign-in worker):
    reach the database, read the denial rules, check the schema, let the login in."""
    runtime = connect(settings)
    try:
        _activate_denial_rules(runtime)
        ensure_schema(runtime, allow_upgrade=False)
        user = identify(runtime)  # an unknown or disabled login never sees a row
        services = app_services(runtime, user.role)
        services.first_admin = runtime.first_admin
        return services
    except BaseException:
        runtime.engine.dispose()
        raise


def _run_app(runtime: Runtime, role: str) -> int:
    from medbill_tui.cli.tui import run_app

    return run_app(app_services(runtime, role), runtime.settings)


def _activate_denial_rules(runtime: Runtime) -> None:
    """Read and check the denial routing rules before any work (ConfigError: exit 2)."""
    from medbill_tui.runtime.denial_rules import activate, load_denial_rules

    activate(load_denial_rules(runtime.settings.denial_rules))


def _cmd_demo(runtime: Runtime, args: argparse.Namespace) -> int:
    from medbill_tui.cli.demo import run_demo

    if not args.no_tui:
        _activate_denial_rules(runtime)
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


def _posting(command: Command) -> Command:
    """Run `command` (which may post remittances) with the denial rules read and checked."""

    def run(runtime: Runtime, args: argparse.Namespace) -> int:
        _activate_denial_rules(runtime)
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
    "statements": _on_current_schema(_lazy("statements", "run")),
    "users": _on_current_schema(_lazy("users", "run")),
    "audit": _on_current_schema(_lazy("audit", "run")),
    "work": _on_current_schema(_lazy("work", "run")),
}


def exit_status(error: BaseException) -> int | None:
    """The exit status a command (or the app's sign-in) ends with after `error`; None when
    it is not one of the errors we explain in words (a bug: let it show)."""
    if isinstance(error, SchemaBehind | DatabaseUnavailable | ConfigError | ServiceUnavailable):
        return EXIT_USAGE
    if isinstance(error, LoginRefused | RoleRefused):
        return EXIT_REFUSED
    if isinstance(error, CommandError | ServiceError):
        return EXIT_FAILED
    return None


def run_command(argv: Sequence[str]) -> int:
    """`medbill COMMAND …`: parse, connect, run, and turn failures into words and a status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    configure_logging(settings, to_file=args.command == "demo")
    if args.command == "server":  # manages the server itself: no connection, no user
        try:
            return int(_module("server").run(settings, args))
        except ConfigError as exc:
            return fail(str(exc), EXIT_USAGE)
    try:
        runtime = connect(settings)
    except (ConfigError, DatabaseUnavailable) as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        return COMMANDS[args.command](runtime, args)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
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
