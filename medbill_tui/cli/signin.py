"""Signing in and the exit status of a failure, shared by the app (`cli/tui.py`, from its
sign-in worker) and the subcommands (`cli/dispatch.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbill_tui.cli.common import EXIT_FAILED, EXIT_REFUSED, EXIT_USAGE, CommandError
from medbill_tui.db.engine import DatabaseUnavailable
from medbill_tui.errors import ConfigError, DatabaseRefused, ServiceError, ServiceUnavailable
from medbill_tui.runtime.bootstrap import (
    Runtime,
    SchemaBehind,
    connect,
    ensure_schema,
    identify,
)
from medbill_tui.runtime.config import Settings
from medbill_tui.services.users import LoginRefused, RoleRefused

if TYPE_CHECKING:
    from pathlib import Path

    from medbill_tui.services import Services


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
    services.exchange_settings = exchange_settings_file(settings)
    services.audit.login("tui")
    return services


def exchange_settings_file(settings: Settings) -> Path:
    """Where this session reads the clearinghouse settings (MEDBILL_EXCHANGE)."""
    from medbill_tui.runtime.exchange_settings import environment, settings_file

    return settings_file(environment(), settings.data_dir)


def sign_in(settings: Settings) -> Services:
    """Everything the app needs before it may show data (run in the app's sign-in worker):
    reach the database, read the denial rules, check the schema, let the login in."""
    runtime = connect(settings)
    try:
        activate_denial_rules(runtime)
        ensure_schema(runtime, allow_upgrade=False)
        user = identify(runtime)  # an unknown or disabled login never sees a row
        services = app_services(runtime, user.role)
        services.first_admin = runtime.first_admin
        return services
    except BaseException:
        runtime.engine.dispose()
        raise


def activate_denial_rules(runtime: Runtime) -> None:
    """Read and check the denial routing rules before any work (ConfigError: exit 2)."""
    from medbill_tui.runtime.denial_rules import activate, load_denial_rules

    activate(load_denial_rules(runtime.settings.denial_rules))


def exit_status(error: BaseException) -> int | None:
    """The exit status a command (or the app's sign-in) ends with after `error`; None when
    it is not one of the errors we explain in words (a bug: let it show)."""
    if isinstance(error, SchemaBehind | DatabaseUnavailable | ConfigError | ServiceUnavailable):
        return EXIT_USAGE
    if isinstance(error, LoginRefused | RoleRefused | DatabaseRefused):
        return EXIT_REFUSED
    if isinstance(error, CommandError | ServiceError):
        return EXIT_FAILED
    return None
