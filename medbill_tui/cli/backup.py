"""`medbill backup [--out DIR] [--keep N]`, `medbill backup --verify ARCHIVE` and
`medbill restore ARCHIVE --data-dir DIR | --database-url URL`."""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from medbill_tui.cli import restore_until
from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK, fail, positive_int
from medbill_tui.cli.progress import ProgressLine
from medbill_tui.cli.signin import exit_status
from medbill_tui.domain.money import fmt_money
from medbill_tui.runtime.bootstrap import Runtime
from medbill_tui.runtime.config import Settings, check_database_url
from medbill_tui.services.backup_archive import BackupRefused
from medbill_tui.services.backups import Restored, back_up, restore, verify
from medbill_tui.services.users import require


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser(
        "backup", help="write one archive: database dump, outbox, statements, letters, config"
    )
    backup.add_argument("--out", type=Path, metavar="DIR", help="default: DATA_DIR/backups")
    backup.add_argument(
        "--keep", type=positive_int, metavar="N", help="then remove all but the newest N"
    )
    backup.add_argument(
        "--verify",
        type=Path,
        metavar="ARCHIVE",
        help="restore ARCHIVE into a throwaway server, check it, delete it",
    )
    restore_parser = sub.add_parser(
        "restore", help="restore an archive into a new data folder or an empty database"
    )
    restore_parser.add_argument("archive", type=Path, metavar="ARCHIVE", nargs="?")
    restore_parser.add_argument("--data-dir", type=Path, metavar="DIR", help="a new folder")
    restore_parser.add_argument(
        "--database-url", metavar="URL", help="an empty database (files go to --data-dir)"
    )
    restore_parser.add_argument(
        "--until", metavar="'YYYY-MM-DD HH:MM'", help="as it was then (local time), from --archive"
    )
    restore_parser.add_argument(
        "--archive",
        dest="wal_archive",
        type=Path,
        metavar="DIR",
        help="the folder `medbill server start --archive DIR` fills (with --until)",
    )


def needs_no_database(args: argparse.Namespace) -> bool:
    """`restore` and `backup --verify` work on files and new servers only."""
    return args.command == "restore" or (args.command == "backup" and args.verify is not None)


def run_backup(runtime: Runtime, args: argparse.Namespace) -> int:
    """`medbill backup`: admins only; any schema revision (a backup comes before an upgrade)."""
    require(runtime.role, "back-up")
    settings = runtime.settings
    files = {"outbox": settings.outbox, "letters": settings.data_dir / "letters"}
    if settings.statements_dir is not None:
        files["statements"] = settings.statements_dir
    if settings.keymap_file is not None:
        files["keymap"] = settings.keymap_file
    if settings.denial_rules is not None:
        files["rules"] = settings.denial_rules
    progress = ProgressLine("dumping tables")
    made = back_up(
        runtime.engine,
        files,
        (args.out or settings.data_dir / "backups").expanduser(),
        datetime.now(),  # the wall clock, not MEDBILL_TODAY: archives are named by it
        progress.update,
        args.keep,
    )
    progress.finish()
    manifest = made.manifest
    size = made.path.stat().st_size
    print(f"backup written: {made.path}")
    print(f"  schema {manifest.schema_revision or 'none'}, {size:,} bytes")
    _say_contents(manifest.row_counts, manifest.ledger_totals.get("all"), len(manifest.members) - 1)
    for path in made.removed:
        print(f"removed older backup {path.name}")
    print(f"a backup is good once restored: medbill backup --verify {made.path}")
    return EXIT_OK


def run_offline(settings: Settings, args: argparse.Namespace) -> int:
    """`restore` and `backup --verify`: no connection to the database in use."""
    try:
        if args.command == "backup":
            done = verify(args.verify.expanduser())
            print(f"backup good: {args.verify} restored into a throwaway server and checked")
        elif args.until is not None:
            return restore_until.run(args)
        else:
            done = _restore(args)
            print(f"restored {args.archive} into {done.target}")
        return _say_restored(done, args)
    except Exception as exc:
        status = exit_status(exc)
        if status is None:
            raise
        return fail(str(exc), status)


def _restore(args: argparse.Namespace) -> Restored:
    if args.archive is None:
        raise BackupRefused("say what to restore: ARCHIVE, or --until MOMENT --archive DIR")
    if args.data_dir is None and args.database_url is None:
        raise BackupRefused("say where to restore: --data-dir NEW_FOLDER or --database-url URL")
    if args.database_url is not None:
        check_database_url(args.database_url)
    data_dir = args.data_dir.expanduser().absolute() if args.data_dir else None
    return restore(args.archive.expanduser(), data_dir, args.database_url)


def _say_restored(done: Restored, args: argparse.Namespace) -> int:
    manifest = done.manifest
    print(f"  made {manifest.made_at}, schema {manifest.schema_revision or 'none'}")
    _say_contents(manifest.row_counts, manifest.ledger_totals.get("all"), done.files)
    print("  row counts and ledger totals match the manifest; every sha256 matched")
    if done.users:
        print(f"  login roles made again for {done.users} user(s)")
    if args.command == "restore" and args.data_dir is not None:
        if args.database_url is None:
            print(f"open it with: MEDBILL_DATA_DIR={args.data_dir} medbill")
        print(f"files are under {args.data_dir} (outbox, statements, letters, keymap, rules)")
    elif args.command == "restore":
        print("files were not restored: give --data-dir NEW_FOLDER for them")
    if done.ledger_problems:
        for problem in done.ledger_problems:
            print(problem)
        print(f"ledger check: {len(done.ledger_problems)} problem(s), as in the backup")
        return EXIT_FAILED
    print("ledger check: ok")
    return EXIT_OK


def _say_contents(counts: dict[str, int], total: Decimal | None, files: int) -> None:
    rows = sum(counts.values())
    ledger = fmt_money(total) if total is not None else "none"
    print(f"  {rows:,} rows in {len(counts)} tables; ledger total {ledger}; {files} file(s)")
