"""Engine creation and the checks made before the app uses a database."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

CONNECT_TIMEOUT_SECONDS = 5
PLANNER_OPTIONS = "-c random_page_cost=1.1"
"""Every session plans for data on SSD or in memory, as a practice's is. With PostgreSQL's
default (4, a spinning disk) the generic plan of a foreign-key check on a small table
(`remittance` with a few hundred rows, `payer`) is a sequential scan: each of a 10,000-claim
835's ~34,000 ledger rows read all of `remittance` (0.25 s of the posting; 0.11 s with 1.1).
Set per session, so copies and restores of the database keep it; PGOPTIONS and a URL's own
`options` come after it and win."""


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message names the host, never the password."""


def normalise_url(url: str) -> str:
    """Use the psycopg (v3) driver for plain postgresql:// URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    return url


def describe_target(url: str) -> str:
    """Host (or socket folder), port and database of a URL, without user or password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "an unreadable DATABASE_URL"
    host = parsed.host or str(parsed.query.get("host", "local socket"))
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine with a short connect timeout and pre-ping (survives server restarts)."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable("DATABASE_URL is not a valid database URL") from None
    if not parsed.drivername.startswith("postgresql"):
        raise DatabaseUnavailable(
            f"DATABASE_URL must point at PostgreSQL, not {parsed.drivername.split('+')[0]}"
        )
    # an explicit `options` replaces libpq's PGOPTIONS, so the environment's go in as well
    own_options = [os.environ.get("PGOPTIONS"), *_as_list(parsed.query.get("options"))]
    options = " ".join([PLANNER_OPTIONS, *(o for o in own_options if o)])
    return create_engine(
        parsed.difference_update_query(["options"]),
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "medbill",
            "options": options,
        },
    )


def _as_list(value: str | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What the server said about itself on the first connection."""

    version: str
    session_user: str
    """The login role the server let in (peer, password or certificate decided it)."""
    superuser: bool


_WHO = text(
    "SELECT current_setting('server_version') AS version, session_user AS login, "
    "coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false) AS su"
)


def check_connection(engine: Engine) -> ServerInfo:
    """Connect once; raise DatabaseUnavailable with a one-line reason if that fails."""
    target = describe_target(engine.url.render_as_string(hide_password=True))
    try:
        with engine.connect() as conn:
            row = conn.execute(_WHO).one()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
        reason = reason.replace(str(engine.url.password or "\x00"), "***")
        raise DatabaseUnavailable(f"cannot reach the database at {target}: {reason}") from None
    return ServerInfo(version=str(row.version), session_user=str(row.login), superuser=row.su)
