"""Back up a practice into one archive, and restore one into a new place that proves it.

A backup is a `pg_dump -Fc` taken in one snapshot, with the row counts and ledger totals
read in that same snapshot, plus the files the database does not hold. A restore never
goes over a live database: it fills a new data folder (its own embedded server) or an
empty database, then checks the counts, totals and the ledger against the manifest.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db import backup_sql, pg_tools
from medbill_tui.db.embedded import start_embedded, stop_embedded
from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.db.uow import read_connection
from medbill_tui.runtime.file_modes import make_folder
from medbill_tui.services.backup_archive import (
    DUMP,
    FILES,
    BackupFailed,
    BackupRefused,
    Manifest,
    archive_name,
    file_sum,
    open_archive,
    prune,
    stage_files,
    write_archive,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    manifest: Manifest
    removed: list[Path] = field(default_factory=list)
    """Older archives `--keep` removed."""


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: Manifest
    target: str
    files: int
    """Files put back into the data folder (outbox, statements, letters, config)."""
    users: int
    """Users whose login roles were made again."""
    ledger_problems: list[str]


def back_up(
    engine: Engine,
    files: dict[str, Path],
    out_dir: Path,
    made_at: datetime,
    progress: pg_tools.Progress,
    keep: int | None = None,
) -> BackupMade:
    """Dump the database behind `engine` and `files` into a new archive in `out_dir`.

    Written under a temporary name and renamed when whole: a failed backup leaves nothing
    that looks like one."""
    make_folder(out_dir)
    url = engine.url.render_as_string(hide_password=False)
    staged = Path(tempfile.mkdtemp(prefix=".medbill-backup-", dir=out_dir))
    try:
        with backup_sql.exported_snapshot(engine) as (snapshot, facts):
            try:
                pg_tools.dump(url, snapshot, staged / DUMP, len(facts.row_counts), progress)
            except pg_tools.PgToolFailed as exc:
                raise BackupFailed(f"pg_dump failed: {exc}; no backup was written") from None
        members = {DUMP: file_sum(staged / DUMP), **stage_files(files, staged)}
        manifest = Manifest(
            made_at=made_at.isoformat(timespec="seconds"),
            schema_revision=facts.revision,
            row_counts=facts.row_counts,
            ledger_totals=facts.ledger_totals,
            members=members,
        )
        final = out_dir / archive_name(made_at, facts.revision)
        while final.exists():  # two backups within a second
            made_at += timedelta(seconds=1)
            final = out_dir / archive_name(made_at, facts.revision)
        partial = staged / (final.name + ".partial")
        write_archive(partial, staged, manifest)
        partial.rename(final)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    removed = prune(out_dir, keep) if keep is not None else []
    return BackupMade(final, manifest, removed)


def restore(archive: Path, data_dir: Path | None, database_url: str | None) -> Restored:
    """Restore `archive` into a new data folder and/or an empty database; check it.

    BackupRefused (nothing changed) for a bad archive or a target in use; BackupFailed
    (what was made is removed) when the restored database does not match the manifest."""
    if data_dir is not None:
        _check_new_folder(data_dir)
    if database_url is not None:
        _check_empty_database(database_url)
    with tempfile.TemporaryDirectory(prefix="medbill-restore-") as unpacked:
        manifest = open_archive(archive, Path(unpacked))
        revision = manifest.schema_revision
        if revision is not None and not backup_sql.is_known_revision(revision):
            raise BackupRefused(
                f"{archive} holds schema revision {revision}, newer than this medbill knows; "
                "restore it with the medbill version that made it (or a newer one)"
            )
        made_folder = data_dir is not None and not data_dir.exists()
        try:
            url = database_url or start_embedded(_required(data_dir))
            result = _restore_database(archive, Path(unpacked) / DUMP, url, manifest)
        except BaseException:
            _undo(data_dir if database_url is None else None, made_folder, database_url)
            raise
        finally:
            if data_dir is not None and database_url is None:
                stop_embedded(data_dir)
        files = _put_back_files(Path(unpacked), data_dir) if data_dir is not None else 0
    target = "the database at that URL" if database_url else f"the data folder {data_dir}"
    return Restored(manifest, target, files, *result)


def verify(archive: Path) -> Restored:
    """Restore `archive` into a throwaway embedded server, check it, and delete it."""
    scratch = Path(tempfile.mkdtemp(prefix="mbv", dir="/tmp"))  # short: the socket path
    try:
        return restore(archive, scratch / "d", None)
    finally:
        stop_embedded(scratch / "d")
        shutil.rmtree(scratch, ignore_errors=True)


def _required(data_dir: Path | None) -> Path:
    assert data_dir is not None
    return data_dir


def _check_new_folder(data_dir: Path) -> None:
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupRefused(
            f"{data_dir} is not an empty folder; a restore never goes over existing data: "
            "give a new folder"
        )


def _check_empty_database(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        with read_connection(engine) as conn:
            if backup_sql.user_objects(conn):
                raise BackupRefused(
                    "the database at DATABASE_URL is not empty; a restore never goes over "
                    "existing data: create an empty database and give its URL"
                )
    finally:
        engine.dispose()


def _restore_database(
    archive: Path, dump_file: Path, url: str, manifest: Manifest
) -> tuple[int, list[str]]:
    engine = make_engine(url, pool_size=1)
    try:
        backup_sql.make_roles(engine)
        try:
            pg_tools.restore(url, dump_file)
        except pg_tools.PgToolFailed as exc:
            raise BackupFailed(f"pg_restore failed: {exc}; nothing was restored") from None
        users = backup_sql.sync_login_roles(engine)
        with read_connection(engine) as conn:
            facts = backup_sql.read_facts(conn)
            problems = [f"{p.what}: {p.detail}" for p in check_ledger(conn)]
    finally:
        engine.dispose()
    if facts.row_counts != manifest.row_counts:
        differ = sorted(
            name
            for name in set(facts.row_counts) | set(manifest.row_counts)
            if facts.row_counts.get(name) != manifest.row_counts.get(name)
        )
        raise BackupFailed(f"restored row counts differ from {archive}'s manifest: {differ}")
    if facts.ledger_totals != manifest.ledger_totals:
        raise BackupFailed(f"restored ledger totals differ from {archive}'s manifest")
    return users, problems


def remove_restored_folder(data_dir: Path, made_folder: bool) -> None:
    """Stop the embedded server a failed restore started in `data_dir` and remove what it
    filled: the whole folder when the restore made it, else its contents (it was empty)."""
    stop_embedded(data_dir)
    if made_folder:
        shutil.rmtree(data_dir, ignore_errors=True)
        return
    for path in data_dir.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _undo(data_dir: Path | None, made_folder: bool, database_url: str | None) -> None:
    """Remove what a failed restore made: the embedded server's folder it filled (the whole
    folder when it made it, else its contents: it was empty), or the objects restored."""
    if data_dir is not None:
        remove_restored_folder(data_dir, made_folder)
    elif database_url is not None:
        engine = make_engine(database_url, pool_size=1)
        try:
            backup_sql.drop_restored(engine)
        except Exception:  # best effort: the restore's own error is the one to report
            pass
        finally:
            engine.dispose()


def _put_back_files(unpacked: Path, data_dir: Path) -> int:
    """Copy `files/<what>/…` to `<data_dir>/<what>/…`."""
    root = unpacked / FILES
    count = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if path.is_file():
            target = data_dir / path.relative_to(root)
            make_folder(target.parent)
            shutil.copyfile(path, target)  # made under the umask: 0600, or 0640 for a team
            stat = path.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            count += 1
    return count
