"""WAL archiving and base backups of the shared server, for point-in-time restores.

Layout of an archive folder (`medbill server start --archive DIR`):

    wal/                     every WAL segment the server finished, copied by archive_command
    base/YYYYmmddTHHMMSS/    one base backup (pg_basebackup -Ft -z: base.tar.gz, pg_wal.tar.gz,
                             backup_manifest) and `finished`, the local time it ended

A base backup is written under `base/.partial-…` and renamed when whole: a folder without a
`finished` file is never used.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from medbill_tui.db.embedded import postgres_tool
from medbill_tui.errors import ConfigError

ARCHIVE_CONF = "medbill_archive.conf"
"""Included by postgresql.conf; written by `server start --archive`, so it is remembered."""
ARCHIVE_TIMEOUT_SECONDS = 300
"""A quiet server still hands over its WAL every 5 minutes: at most that much can be lost."""
WAL = "wal"
BASE = "base"
FINISHED = "finished"
_STAMP = "%Y%m%dT%H%M%S"
_INCLUDE = f"include_if_exists = '{ARCHIVE_CONF}'"


class ArchiveFailed(Exception):
    """pg_basebackup stopped with an error; the message is its last words."""


@dataclass(frozen=True, slots=True)
class BaseBackup:
    path: Path
    started: datetime
    finished: datetime


def archive_command(archive_dir: Path) -> str:
    """Copy a finished segment into `wal/` safely: never over another file (an identical one,
    left by a retry after a crash, counts as done), through a temporary name, fsynced."""
    wal = shlex.quote(str(archive_dir / WAL))
    return (
        f"if test -f {wal}/%f; then cmp -s %p {wal}/%f; "
        f"else cp %p {wal}/.%f.tmp && sync {wal}/.%f.tmp && mv {wal}/.%f.tmp {wal}/%f; fi"
    )


def _conf_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def enable_archiving(pgdata: Path, archive_dir: Path, owner: tuple[int, int] | None) -> None:
    """Make the archive's folders (the server's account writes `wal/`) and turn archiving on
    at the next start: `medbill_archive.conf`, included from postgresql.conf."""
    for folder in (archive_dir, archive_dir / WAL, archive_dir / BASE):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if owner is not None:
            os.chown(folder, *owner)
    settings = {
        "archive_mode": "on",
        "archive_command": _conf_string(archive_command(archive_dir)),
        "archive_timeout": str(ARCHIVE_TIMEOUT_SECONDS),
        "wal_level": "replica",
    }
    lines = [f"# Written by `medbill server start --archive {archive_dir}`."]
    lines += [f"{name} = {value}" for name, value in settings.items()]
    lines.append(f"# medbill-archive-dir: {archive_dir}")
    _write_conf(pgdata, "\n".join(lines) + "\n")
    main_conf = pgdata / "postgresql.conf"
    if _INCLUDE not in main_conf.read_text():
        with main_conf.open("a") as conf:
            conf.write(f"\n{_INCLUDE}\n")


def turn_archiving_off(pgdata: Path, extra: str = "") -> None:
    """A restored copy must never write into the archive of the server it came from."""
    _write_conf(pgdata, "# A restored copy: it archives nowhere.\narchive_mode = off\n" + extra)


def _write_conf(pgdata: Path, content: str) -> None:
    path = pgdata / ARCHIVE_CONF
    owner = pgdata.stat()
    path.write_text(content)
    os.chown(path, owner.st_uid, owner.st_gid)
    path.chmod(0o600)


def archiving_to(pgdata: Path) -> Path | None:
    """The archive folder this cluster's WAL goes to, or None (archiving off)."""
    try:
        text = (pgdata / ARCHIVE_CONF).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("# medbill-archive-dir: "):
            return Path(line.split(": ", 1)[1])
    return None


def take_base_backup(socket_dir: Path, archive_dir: Path, now: datetime) -> BaseBackup:
    """pg_basebackup of the running server (as `postgres`, over its socket) into the archive."""
    base = archive_dir / BASE
    partial = base / f".partial-{now.strftime(_STAMP)}"
    shutil.rmtree(partial, ignore_errors=True)
    args = [
        str(postgres_tool("pg_basebackup")),
        f"--host={socket_dir}",
        "--username=postgres",
        f"--pgdata={partial}",
        "--format=tar",
        "--gzip",
        "--wal-method=stream",
        "--checkpoint=fast",
        "--no-password",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        args, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise ArchiveFailed(lines[-1] if lines else f"pg_basebackup stopped ({result.returncode})")
    finished = datetime.now()
    (partial / FINISHED).write_text(finished.isoformat(timespec="microseconds") + "\n")
    final = base / now.strftime(_STAMP)
    if final.exists():
        raise ConfigError(f"{final} already exists; take the base backup again in a second")
    partial.rename(final)
    return BaseBackup(final, now.replace(microsecond=0), finished)


def base_backups(archive_dir: Path) -> list[BaseBackup]:
    """The whole base backups in the archive, oldest first."""
    found: list[BaseBackup] = []
    if not (archive_dir / BASE).is_dir():
        return found
    for path in (archive_dir / BASE).iterdir():
        try:
            started = datetime.strptime(path.name, _STAMP)
            finished = datetime.fromisoformat((path / FINISHED).read_text().strip())
        except (ValueError, OSError):
            continue  # a partial or foreign folder
        found.append(BaseBackup(path, started, finished))
    return sorted(found, key=lambda backup: backup.finished)
