"""Recover a base backup plus archived WAL into a new embedded data folder, up to a moment.

The cluster is unpacked into `DATA_DIR/pg`, told to replay the archive's WAL up to the
moment (`recovery.signal`, `restore_command`, `recovery_target_time`, then promote), and
never archives anywhere itself. It then opens like any embedded practice: the shared
server's `medbill` database becomes the embedded server's `postgres`.
"""

from __future__ import annotations

import re
import shlex
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from medbill_tui.db.embedded import (
    pgdata_dir,
    running_embedded,
    start_recovering,
    stop_embedded,
)
from medbill_tui.db.engine import make_engine
from medbill_tui.db.wal_archive import WAL, BaseBackup, turn_archiving_off

_LAST_TRANSACTION = re.compile(r"last completed transaction was at log time (\S+ \S+)")
_TARGET_NOT_REACHED = "recovery ended before configured recovery target was reached"
_EMBEDDED_HBA = "# A restored copy opened by the embedded server (socket in this folder).\n"
_EMBEDDED_HBA += "local   all   all   trust\n"
_START_GRACE_SECONDS = 30


class RecoveryFailed(Exception):
    """The server stopped while replaying WAL; the message is the log's last error."""


@dataclass(frozen=True, slots=True)
class Recovered:
    url: str
    last_transaction: str | None
    """The commit time of the last transaction replayed, as the server logged it."""
    archive_ended_first: bool
    """The archive holds no transaction after the moment: everything it holds was replayed."""


def unpack(backup: BaseBackup, data_dir: Path) -> Path:
    """Unpack the base backup (and the WAL it streamed) into `data_dir/pg`."""
    pgdata = pgdata_dir(data_dir)
    pgdata.mkdir(mode=0o700, parents=True)
    with tarfile.open(backup.path / "base.tar.gz") as tar:
        tar.extractall(pgdata, filter="data")
    with tarfile.open(backup.path / "pg_wal.tar.gz") as tar:
        tar.extractall(pgdata / "pg_wal", filter="data")
    pgdata.chmod(0o700)
    (pgdata / "log").unlink(missing_ok=True)  # the shared server's log is not this one's
    (pgdata / "pg_hba.conf").write_text(_EMBEDDED_HBA)
    return pgdata


def _recovery_settings(archive_dir: Path, until: datetime | None) -> str:
    copy = f"cp {shlex.quote(str(archive_dir / WAL))}/%f %p"
    lines = ["restore_command = '" + copy.replace("'", "''") + "'"]
    if until is not None:
        lines.append(f"recovery_target_time = '{until.isoformat(sep=' ')}'")
    lines.append("recovery_target_action = 'promote'")
    return "\n".join(lines) + "\n"


def recover(data_dir: Path, archive_dir: Path, until: datetime, timeout: float = 3600) -> Recovered:
    """Replay the archive's WAL into the unpacked cluster up to `until` (aware) and promote.

    When the archive holds nothing after `until`, everything it holds is replayed (the same
    practice as at `until`, as far as the archive knows) and `archive_ended_first` says so."""
    pgdata = pgdata_dir(data_dir)
    turn_archiving_off(pgdata, _recovery_settings(archive_dir, until))
    (pgdata / "recovery.signal").touch()
    try:
        url = _replay(data_dir, timeout)
        ended_first = False
    except RecoveryFailed as exc:
        if _TARGET_NOT_REACHED not in str(exc):
            raise
        turn_archiving_off(pgdata, _recovery_settings(archive_dir, None))
        (pgdata / "recovery.signal").touch()
        url = _replay(data_dir, timeout)
        ended_first = True
    matches = _LAST_TRANSACTION.findall(_read_log(pgdata))
    _take_medbill_database(url)
    return Recovered(url, matches[-1] if matches else None, ended_first)


def _read_log(pgdata: Path) -> str:
    try:
        return (pgdata / "log").read_text(errors="replace")
    except OSError:
        return ""


def _replay(data_dir: Path, timeout: float) -> str:
    """Start the server and wait until it has recovered and been promoted."""
    pgdata = pgdata_dir(data_dir)
    log_start = len(_read_log(pgdata))
    start_recovering(data_dir)
    began = time.monotonic()
    seen = False
    while time.monotonic() - began < timeout:
        url = running_embedded(data_dir)  # "ready" comes before the promotion: ask
        if url is not None and not _in_recovery(url):
            return url
        alive = (pgdata / "postmaster.pid").exists()
        seen = seen or alive
        if not alive and (seen or time.monotonic() - began > _START_GRACE_SECONDS):
            errors = [
                line
                for line in _read_log(pgdata)[log_start:].splitlines()
                if "FATAL" in line or "PANIC" in line
            ]
            raise RecoveryFailed(errors[-1] if errors else f"see {pgdata}/log")
        time.sleep(0.2)
    stop_embedded(data_dir)
    raise RecoveryFailed(f"still replaying WAL after {timeout:.0f} s; see {pgdata}/log")


def _in_recovery(url: str) -> bool:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one())
    except OperationalError:  # not accepting connections yet
        return True
    finally:
        engine.dispose()


def _take_medbill_database(url: str) -> None:
    """The shared server's `medbill` database becomes this embedded server's `postgres`."""
    maintenance = make_url(url).set(database="template1").render_as_string(hide_password=False)
    engine = make_engine(maintenance, pool_size=1)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            names = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
            if "medbill" in names:
                conn.execute(text("ALTER DATABASE postgres RENAME TO postgres_from_server"))
                conn.execute(text("ALTER DATABASE medbill RENAME TO postgres"))
    finally:
        engine.dispose()


def finish(data_dir: Path) -> None:
    """Stop the restored server and drop the recovery settings for its next start."""
    stop_embedded(data_dir)
    turn_archiving_off(pgdata_dir(data_dir))
