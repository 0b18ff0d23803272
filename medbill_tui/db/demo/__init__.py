"""The deterministic synthetic demo practice: `load_demo` fills a database with it.

Rows are generated in pure Python (`generate.py`, same arguments -> same rows) in a helper
thread while the calling thread streams them into PostgreSQL with COPY (`copy.py`), all in
one transaction: an error or a cancel leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
import sqlalchemy

from medbill_tui.db.balance_sql import BALANCE_TRIGGER, REBUILD_BALANCES_SQL
from medbill_tui.db.counter_sql import COUNTER_TRIGGERS, REBUILD_COUNTERS_SQL
from medbill_tui.db.demo.copy import (
    DatabaseState,
    analyze,
    column_types,
    copy_rows,
    create_indexes,
    database_state,
    drop_foreign_keys,
    drop_plain_indexes,
    empty_tables,
    reset_sequences,
    restore_foreign_keys,
)
from medbill_tui.db.demo.generate import generate
from medbill_tui.db.demo.state import ID_TABLES, TABLE_NAMES, TABLES, Batch
from medbill_tui.db.live import NOTIFY_TRIGGERS, notify_triggers_enabled
from medbill_tui.db.shipped_data import HCPCS_FILE, HCPCS_RELEASE, bundled_hcpcs

__all__ = ["DemoCancelled", "DemoRefused", "DemoResult", "load_demo"]

log = logging.getLogger(__name__)

LOCK_TIMEOUT = "30s"
"""How long the load waits for other sessions to let go of the tables before giving up."""


class DemoRefused(Exception):
    """The database has data that is not a demo practice (use force=True)."""


class DemoCancelled(Exception):
    """The load was cancelled; nothing was changed."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What a demo load wrote, and how long it took."""

    encounters: int
    patients: int
    claims: int
    remittances: int
    ledger_entries: int
    work_items: int
    seconds: float


class _Producer(threading.Thread):
    """Runs the generator in a helper thread; hands batches over through a small queue."""

    _END = object()

    def __init__(self, batches: Iterator[Batch]) -> None:
        super().__init__(name="demo-generate", daemon=True)
        self.batches = batches
        self.queue: queue.Queue[object] = queue.Queue(maxsize=2)
        self.stopping = threading.Event()

    def _put(self, item: object) -> None:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        try:
            for batch in self.batches:
                if self.stopping.is_set():
                    return
                self._put(batch)
            self._put(self._END)
        except BaseException as exc:  # handed to the loading thread
            self._put(exc)

    def __iter__(self) -> Iterator[Batch]:
        while True:
            item = self.queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Batch)
            yield item

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DemoCancelled("demo load cancelled")


def _load(
    cur: psycopg.Cursor[Any],
    producer: _Producer,
    emptied: frozenset[str],
    progress: Callable[[int, int], None] | None,
    cancel: threading.Event | None,
) -> Counter[str]:
    counts: Counter[str] = Counter()
    reported = 0
    types = column_types(cur, TABLES)
    for batch in producer:
        _check(cancel)
        for table, columns in TABLES:
            rows = batch.rows.get(table)
            if rows:
                copy_rows(cur, table, columns, types[table], rows, freeze=table in emptied)
                counts[table] += len(rows)
        if progress is not None and batch.done > reported:
            reported = batch.done
            progress(batch.done, batch.total)
        _check(cancel)
    return counts


def _add_bundled_hcpcs(cur: psycopg.Cursor[Any]) -> None:
    """The demo empties procedure_code: put the bundled HCPCS Level II release back (the
    practice's own codes keep their labels), as a fresh install has it."""
    rows = bundled_hcpcs()
    cur.execute(
        "INSERT INTO procedure_code (code, code_set, label) SELECT c, 'HCPCS', l "
        "FROM unnest(%s::text[], %s::text[]) AS t(c, l) ON CONFLICT (code) DO NOTHING",
        ([code for code, _ in rows], [label for _, label in rows]),
    )
    cur.execute(
        "INSERT INTO code_set_release (code_set, release, source, row_count, loaded_by) "
        "VALUES ('hcpcs', %s, %s, %s, 'demo') ON CONFLICT (code_set) DO UPDATE SET "
        "release = EXCLUDED.release, source = EXCLUDED.source, row_count = EXCLUDED.row_count, "
        "loaded_by = EXCLUDED.loaded_by, loaded_at = now()",
        (HCPCS_RELEASE, f"medbill_tui/data/{HCPCS_FILE}", len(rows)),
    )


def _record_load(cur: psycopg.Cursor[Any], actor: str, words: str, state: DatabaseState) -> None:
    """The load's own audit row, stamped with the real time. The trail is kept across loads:
    rows before this one name the records of what this load replaced."""
    if state.is_demo:
        words += "; replaces the demo practice loaded before (earlier rows name its records)"
    elif state.has_records:
        words += "; replaces the records that were here (--force)"
    cur.execute(
        "INSERT INTO audit_event (actor, action, entity, entity_id, detail) "
        "VALUES (%s, 'demo_load', 'practice', 1, %s)",
        (actor, words),
    )


def _replace(
    cur: psycopg.Cursor[Any],
    producer: _Producer,
    *,
    force: bool,
    progress: Callable[[int, int], None] | None,
    cancel: threading.Event | None,
    audit: tuple[str, str],
) -> Counter[str]:
    """Check, empty, load and finish, on the caller's open transaction; `audit` is the
    actor and words of the load's audit row."""
    state = database_state(cur)
    if state.has_records and not state.is_demo and not force:
        raise DemoRefused(
            "this database holds patients or a practice that are not a demo; "
            "loading the demo would erase them (use --force to replace them)"
        )
    producer.start()
    cur.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    cur.execute("SET LOCAL work_mem = '64MB'")
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    try:
        emptied = empty_tables(cur)
        keys = drop_foreign_keys(cur, TABLE_NAMES)
        indexes = drop_plain_indexes(cur, TABLE_NAMES)
    except psycopg.errors.LockNotAvailable:
        raise DemoRefused(
            "other sessions are working in this database; close them and try again"
        ) from None
    except psycopg.errors.InsufficientPrivilege:
        raise DemoRefused(
            "this database user may not empty and bulk-load the tables; "
            "load the demo as the user that owns the schema (the one that ran the migrations)"
        ) from None
    # ledger_balance is filled in one statement after the COPY, not by the trigger per batch.
    cur.execute(f"ALTER TABLE ledger_entry DISABLE TRIGGER {BALANCE_TRIGGER}")
    for table, trigger in COUNTER_TRIGGERS:  # the counters too: recounted after the COPY
        cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    for table in NOTIFY_TRIGGERS:  # a demo load tells no list about each of its rows
        notify_triggers_enabled(cur, table, False)
    counts = _load(cur, producer, emptied, progress, cancel)
    _add_bundled_hcpcs(cur)
    for statement in REBUILD_BALANCES_SQL:
        cur.execute(statement)
    cur.execute(f"ALTER TABLE ledger_entry ENABLE TRIGGER {BALANCE_TRIGGER}")
    for statement in REBUILD_COUNTERS_SQL:
        cur.execute(statement)
    for table, trigger in COUNTER_TRIGGERS:
        cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    for table in NOTIFY_TRIGGERS:
        notify_triggers_enabled(cur, table, True)
    create_indexes(cur, indexes)
    restore_foreign_keys(cur, keys)
    reset_sequences(cur, ID_TABLES, counts["claim"])
    analyze(cur, (*TABLE_NAMES, "ledger_balance", "account_balance", "counter_delta"))
    _record_load(cur, *audit, state)
    return counts


def load_demo(
    engine: sqlalchemy.Engine,
    *,
    encounters: int = 2000,
    seed: int = 1,
    today: date | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    actor: str = "demo",
) -> DemoResult:
    """Replace the database's contents (all but app_user) with a synthetic demo practice.

    Dates of service spread over the 150 days up to `today` (default: the real date). The same
    (encounters, seed, today) always gives the same rows. Raises DemoRefused when the database
    holds records that are not a demo (unless `force`), DemoCancelled when `cancel` gets set;
    in both cases, as on any error, nothing is changed. `progress(done, total)` is called from
    this thread as encounters are loaded; `actor` is recorded in the audit log.
    """
    if encounters < 1:
        raise ValueError("the demo needs at least one encounter")
    started = time.perf_counter()
    _check(cancel)
    day = today or date.today()
    producer = _Producer(generate(encounters, seed, day))
    words = f"synthetic demo practice: {encounters} encounters, seed {seed}, dates up to {day}"
    raw = engine.raw_connection()
    conn = raw.driver_connection
    if not isinstance(conn, psycopg.Connection):
        raw.close()
        raise TypeError("the demo loader needs the psycopg (version 3) driver")
    autocommit = conn.autocommit
    try:
        conn.autocommit = False  # everything below is one transaction
        with conn.cursor() as cur:
            counts = _replace(
                cur, producer, force=force, progress=progress, cancel=cancel, audit=(actor, words)
            )
        _check(cancel)
        conn.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            conn.rollback()
        raise
    finally:
        if producer.is_alive():
            producer.stop()
        with contextlib.suppress(Exception):
            conn.autocommit = autocommit
        raw.close()
    seconds = time.perf_counter() - started
    log.info("demo practice loaded: %d encounters in %.1fs", encounters, seconds)
    return DemoResult(
        encounters=counts["encounter"],
        patients=counts["patient"],
        claims=counts["claim"],
        remittances=counts["remittance"],
        ledger_entries=counts["ledger_entry"],
        work_items=counts["work_item"],
        seconds=seconds,
    )
