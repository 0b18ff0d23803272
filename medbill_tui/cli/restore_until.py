"""`medbill restore --until MOMENT --archive DIR --data-dir NEW`: the practice as it was then."""

from __future__ import annotations

import argparse
from datetime import datetime

from medbill_tui.cli.common import EXIT_FAILED, EXIT_OK
from medbill_tui.domain.money import fmt_money
from medbill_tui.services.backup_archive import BackupRefused
from medbill_tui.services.point_in_time import parse_moment, restore_until


def run(args: argparse.Namespace) -> int:
    """Check the arguments, restore, and say what was restored and up to when."""
    if args.archive is not None:
        raise BackupRefused(
            "give either ARCHIVE (a `medbill backup` archive) or --until with --archive DIR"
        )
    if args.wal_archive is None or args.data_dir is None:
        raise BackupRefused(
            "--until needs --archive DIR (the folder `medbill server start --archive` fills) "
            "and --data-dir NEW_FOLDER"
        )
    until = parse_moment(args.until, datetime.now())
    archive_dir = args.wal_archive.expanduser().absolute()
    data_dir = args.data_dir.expanduser().absolute()
    done = restore_until(archive_dir, until, data_dir)
    print(f"restored the practice as it was at {until:%Y-%m-%d %H:%M:%S %Z} into {data_dir}")
    base = done.base
    print(f"  from the base backup {base.path.name} (ended {base.finished:%Y-%m-%d %H:%M:%S})")
    kept = done.last_transaction or "none after the base backup"
    print(f"  plus the archived WAL; the last transaction kept was at {kept}")
    if done.archive_ended_first:
        print("  the archive holds nothing later: all of it was restored (WAL the server had not")
        print("  yet archived, at most 5 minutes of it, was never in the archive)")
    rows = sum(done.row_counts.values())
    total = fmt_money(done.ledger_total) if done.ledger_total is not None else "none"
    print(f"  {rows:,} rows in {len(done.row_counts)} tables; ledger total {total}")
    print(f"open it with: MEDBILL_DATA_DIR={data_dir} medbill")
    if done.ledger_problems:
        for problem in done.ledger_problems:
            print(problem)
        print(f"ledger check: {len(done.ledger_problems)} problem(s)")
        return EXIT_FAILED
    print("ledger check: ok")
    return EXIT_OK
