"""Work claiming under real concurrency: 8 threads, each on its own pooled PostgreSQL
connection, take items with `WorkService.next` until none is left."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from medbill_tui.db.engine import make_engine
from medbill_tui.records.work import WorkLease
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.work import WorkService
from tests.conftest import DEMO_TODAY

WORKERS = 8


@pytest.fixture
def pool8(db_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database with a connection for every worker.

    Commits do not wait for the WAL flush (`synchronous_commit = off`): locks, SKIP LOCKED
    and visibility at commit are exactly as in production, only the disk wait is gone."""
    engine = make_engine(db_url, pool_size=WORKERS)

    @event.listens_for(engine, "connect")
    def no_flush_wait(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        dbapi_connection.commit()

    yield engine
    engine.dispose()


def add_open_items(engine: Engine, count: int, kind: str = "denial") -> list[int]:
    """`count` open work items in one INSERT … SELECT generate_series; their ids."""
    with engine.begin() as conn:
        ids = conn.execute(
            text("""INSERT INTO work_item (kind, opened_on, amount, detail)
                    SELECT :k, DATE '2026-01-01' + (g % 90), 0, 'generated ' || g
                    FROM generate_series(1, :n) AS g RETURNING id"""),
            {"k": kind, "n": count},
        ).scalars()  # fmt: skip
        return sorted(int(i) for i in ids)


def finish(engine: Engine, item: int) -> None:
    """Close an item as the denial, rejection and follow-up actions do (owner and lease go)."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
                 "lease_until = NULL WHERE id = :id"), {"id": item},
        )  # fmt: skip


def run_workers(
    engine: Engine, after_take: Callable[[Engine, int], None] | None = None
) -> dict[str, list[int]]:
    """Start WORKERS threads together; each takes denials until `next` gives None."""
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker(login: str) -> None:
        service = WorkService(engine, Clock(pinned=DEMO_TODAY), login, role="biller")
        mine: list[int] = []
        try:
            start.wait()
            lease: WorkLease | None
            while (lease := service.next("denials")) is not None:
                assert lease.owner == login
                mine.append(lease.work_item_id)
                if after_take is not None:
                    after_take(engine, lease.work_item_id)
        except BaseException as exc:  # a thread cannot fail the test itself: checked below
            errors.append(exc)
        taken[login] = mine

    threads = [threading.Thread(target=worker, args=(f"biller{n}",)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return taken


def test_eight_workers_take_and_finish_ten_thousand_items_each_once(pool8: Engine) -> None:
    all_ids = add_open_items(pool8, 10_000)
    taken = run_workers(pool8, after_take=finish)
    handed_out = [item for mine in taken.values() for item in mine]
    assert len(handed_out) == 10_000  # none handed out twice …
    assert set(handed_out) == set(all_ids)  # … and none skipped
    assert sum(1 for mine in taken.values() if mine) > 1  # the workers really shared the work
    with pool8.connect() as conn:
        takes = conn.execute(
            text("SELECT actor, count(*) FROM audit_event WHERE action = 'work-take' "
                 "GROUP BY actor")
        ).all()  # fmt: skip
        still_open = conn.execute(
            text("SELECT count(*) FROM work_item WHERE status = 'open'")
        ).scalar_one()
    assert dict(takes) == {login: len(mine) for login, mine in taken.items() if mine}
    assert still_open == 0


def test_held_items_are_never_handed_out_again_under_concurrency(pool8: Engine) -> None:
    all_ids = add_open_items(pool8, 1_000)
    taken = run_workers(pool8)  # nobody finishes: every item stays held
    handed_out = [item for mine in taken.values() for item in mine]
    assert len(handed_out) == len(set(handed_out)) == 1_000
    assert set(handed_out) == set(all_ids)
    with pool8.connect() as conn:
        holders = dict(
            conn.execute(
                text("SELECT owner, count(*) FROM work_item "
                     "WHERE lease_until > now() GROUP BY owner")
            ).all()
        )  # fmt: skip
    assert holders == {login: len(mine) for login, mine in taken.items() if mine}
    late = WorkService(pool8, Clock(pinned=DEMO_TODAY), "latecomer", role="biller")
    assert late.next("denials") is None
