"""From settings to a ready engine: embedded or external server, connection and schema checks."""

from __future__ import annotations

import logging
import os
import pwd
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.embedded import running_embedded, start_embedded
from medbill_tui.db.engine import (
    DatabaseUnavailable,
    ServerInfo,
    check_connection,
    make_engine,
)
from medbill_tui.db.migrate import SchemaStatus, schema_status, upgrade
from medbill_tui.records.work import CLI_SOURCE, LeaseTerms
from medbill_tui.runtime.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from medbill_tui.records.users import AppUserRecord
    from medbill_tui.runtime.config import Settings

log = logging.getLogger(__name__)


class SchemaBehind(Exception):
    """The database's schema is older than this version of the app needs."""


@dataclass
class Runtime:
    """An engine on a reachable database, plus what the session needs around it."""

    settings: Settings
    engine: Engine
    clock: Clock
    actor: str
    role: str | None
    """The actor's role once `identify` let them in (None before, or for file-only commands)."""
    first_admin: bool = False
    """This session made the actor the first admin of a database that had no users."""

    @property
    def cli_lease(self) -> LeaseTerms:
        """A command's leases: taken at 'cli', they last until released or expired."""
        return LeaseTerms(CLI_SOURCE, self.settings.lease_minutes)


def current_login() -> str:
    """The person's login on this host (the SSH user): the name of the process's user id.

    Never the environment: LOGNAME or USER can be set to anything by whoever starts the
    program, the user id cannot. A user id without a name is `uid<N>`, which no admin adds.
    """
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def identify(runtime: Runtime) -> AppUserRecord:
    """Let the login in if it is an active user (sets `runtime.role`); else LoginRefused."""
    from medbill_tui.services.users import UserService

    user = UserService(runtime.engine, runtime.actor).identify(runtime.actor)
    runtime.role = user.role
    return user


def bootstrap_admin(runtime: Runtime) -> bool:
    """Make the login the first admin of a database with no users; False if it has some."""
    from medbill_tui.services.users import UserService

    made = UserService(runtime.engine, runtime.actor).bootstrap_admin()
    runtime.first_admin = runtime.first_admin or made
    if made:
        log.info("%s is the first admin of this database", runtime.actor)
    return made


def connect(settings: Settings) -> Runtime:
    """Start or reach the database and check the connection.

    Raises ConfigError (bad setting, unusable data dir) or DatabaseUnavailable.
    """
    found = None if settings.database_url else _running_embedded_engine(settings.data_dir)
    if found is None:
        engine = make_engine(settings.database_url or start_embedded(settings.data_dir))
        info = check_connection(engine)
    else:
        engine, info = found
    return Runtime(
        settings=settings,
        engine=engine,
        clock=Clock(settings.today),
        actor=session_actor(info),
        role=None,  # until `identify` lets the login in
    )


def session_actor(info: ServerInfo) -> str:
    """Who the person is: the database's login role, which the server authenticated (peer,
    password, certificate), or the host login when the session is the database superuser
    (the embedded default's owner, or an admin creating the schema)."""
    return current_login() if info.superuser else info.session_user


def _running_embedded_engine(data_dir: Path) -> tuple[Engine, ServerInfo] | None:
    """An engine on the embedded server already running for `data_dir`, or None (not
    running, or a stale postmaster.pid: the caller then starts it properly)."""
    url = running_embedded(data_dir)
    if url is None:
        return None
    engine = make_engine(url)
    try:
        info = check_connection(engine)
    except DatabaseUnavailable:
        engine.dispose()
        return None
    return engine, info


def ensure_schema(runtime: Runtime, *, allow_upgrade: bool) -> SchemaStatus:
    """Bring the schema to head when allowed (and always on the embedded default), else check.

    The login that creates the database (upgrades it from empty) becomes its first admin.

    Raises SchemaBehind with the fix in words when the schema is older than the code.
    """
    status = schema_status(runtime.engine)
    created = status.empty
    if not status.up_to_date and (allow_upgrade or runtime.settings.embedded):
        log.info("upgrading schema from %s to %s", status.current, status.head)
        upgrade(runtime.engine)
        status = schema_status(runtime.engine)
    if status.up_to_date:
        from medbill_tui.db.codesets import ensure_builtin_code_sets

        ensure_builtin_code_sets(runtime.engine, runtime.actor)
        if created:  # this login created the database: it becomes its first admin
            bootstrap_admin(runtime)
        return status
    raise SchemaBehind(
        f"the database schema is at revision {status.current or 'none'} but this version of "
        f"medbill needs {status.head}; run `medbill db upgrade` to upgrade it"
    )
