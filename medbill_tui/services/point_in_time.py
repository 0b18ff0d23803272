"""Restore a practice as it was at a moment: the latest base backup that ended before it,
plus the archived WAL up to it, into a new data folder; then check what was restored.

Every refusal (BackupRefused: exit 2) comes before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from medbill_tui.db import pitr_restore
from medbill_tui.db.backup_sql import read_facts
from medbill_tui.db.engine import make_engine
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.db.uow import read_connection
from medbill_tui.db.wal_archive import WAL, BaseBackup, base_backups
from medbill_tui.services.backup_archive import BackupFailed, BackupRefused
from medbill_tui.services.backups import remove_restored_folder


@dataclass(frozen=True, slots=True)
class RestoredToMoment:
    base: BaseBackup
    until: datetime
    last_transaction: str | None
    archive_ended_first: bool
    row_counts: dict[str, int]
    ledger_total: Decimal | None
    ledger_problems: list[str]


def parse_moment(value: str, now: datetime) -> datetime:
    """`--until` as local time ("2026-12-07 14:05", seconds optional), not in the future."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BackupRefused(
            f"--until {value!r} is not a moment: give it as 'YYYY-MM-DD HH:MM' (local time)"
        ) from None
    moment = moment.astimezone() if moment.tzinfo is None else moment
    if moment > now.astimezone():
        raise BackupRefused(
            f"--until {value} is in the future (now is {now:%Y-%m-%d %H:%M}); "
            "give a moment that has passed"
        )
    return moment


def choose_base_backup(archive_dir: Path, until: datetime) -> BaseBackup:
    """The latest base backup that ended before `until` (BackupRefused: none, no archive)."""
    if not (archive_dir / WAL).is_dir():
        raise BackupRefused(
            f"{archive_dir} is not an archive folder (no {WAL}/ in it): give the folder "
            "`medbill server start --archive DIR` archives into"
        )
    found = base_backups(archive_dir)
    before = [b for b in found if b.finished.astimezone() < until]
    if not before:
        first = f"the first ended {found[0].finished:%Y-%m-%d %H:%M:%S}" if found else "none"
        raise BackupRefused(
            f"{archive_dir} has no base backup that ended before {until:%Y-%m-%d %H:%M:%S} "
            f"({first}); give a later moment, or restore a `medbill backup` archive"
        )
    return before[-1]


def restore_until(archive_dir: Path, until: datetime, data_dir: Path) -> RestoredToMoment:
    """Recover the practice as it was at `until` (aware) into the new folder `data_dir`.

    BackupFailed (the folder is removed) when recovery stops or the result is unreadable."""
    base = choose_base_backup(archive_dir, until)
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupRefused(
            f"{data_dir} is not an empty folder; a restore never goes over existing data: "
            "give a new folder"
        )
    made_folder = not data_dir.exists()
    try:
        pitr_restore.unpack(base, data_dir)
        recovered = pitr_restore.recover(data_dir, archive_dir, until)
        engine = make_engine(recovered.url, pool_size=1)
        try:
            with read_connection(engine) as conn:
                facts = read_facts(conn)
                problems = [f"{p.what}: {p.detail}" for p in check_ledger(conn)]
        finally:
            engine.dispose()
        pitr_restore.finish(data_dir)
    except pitr_restore.RecoveryFailed as exc:
        remove_restored_folder(data_dir, made_folder)
        raise BackupFailed(f"recovery stopped: {exc}; nothing was kept in {data_dir}") from None
    except BaseException:
        remove_restored_folder(data_dir, made_folder)
        raise
    return RestoredToMoment(
        base,
        until,
        recovered.last_transaction,
        recovered.archive_ended_first,
        facts.row_counts,
        facts.ledger_totals.get("all"),
        problems,
    )
