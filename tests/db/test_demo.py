"""Loading the demo practice into a real PostgreSQL: content, determinism, refusal, cancel."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.pool import NullPool

from medbill_tui.db.demo import DemoCancelled, DemoRefused, DemoResult, load_demo
from medbill_tui.db.demo.state import TABLES
from medbill_tui.db.engine import make_engine
from medbill_tui.records.queues import QueueKind
from tests.conftest import PgCluster

TODAY = date(2026, 11, 2)
SEED = 7
N = 500


def load(engine: Engine, **kwargs: object) -> DemoResult:
    args: dict[str, object] = {"encounters": N, "seed": SEED, "today": TODAY}
    args.update(kwargs)
    return load_demo(engine, **args)  # type: ignore[arg-type]


def digests(engine: Engine) -> dict[str, str]:
    """md5 of every demo table's rows in key order."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for table, columns in TABLES:
            key = columns[0]
            sql = f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{key}), '')) FROM"
            out[table] = conn.execute(text(f'{sql} "{table}" t')).scalar_one()
    return out


def schema(engine: Engine) -> list[tuple[str, str]]:
    """Every constraint and index of the schema, as PostgreSQL describes it."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE connamespace = 'public'::regnamespace"
                " UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                " ORDER BY 1, 2"
            )
        ).all()
    return [(r[0], r[1]) for r in rows]


def scalar(conn: Connection, sql: str) -> Any:
    return conn.execute(text(sql)).scalar_one()


@pytest.fixture
def other_engine(pg: PgCluster) -> Iterator[Engine]:
    """A second fresh, migrated, empty database."""
    name = f"demo2_{os.getpid()}"
    engine = make_engine(pg.create_database(name, template="medbill_template"), pool_size=1)
    yield engine
    engine.dispose()
    pg.drop_database(name)


def test_load_fills_every_queue(engine: Engine) -> None:
    before = schema(engine)
    result = load(engine)
    assert schema(engine) == before  # keys and indexes put back exactly
    with engine.connect() as conn:
        assert result.encounters == N == scalar(conn, "SELECT count(*) FROM encounter")
        assert result.patients == scalar(conn, "SELECT count(*) FROM patient") >= 20
        assert result.claims == scalar(conn, "SELECT count(*) FROM claim")
        assert result.ledger_entries == scalar(conn, "SELECT count(*) FROM ledger_entry")
        assert result.remittances == scalar(conn, "SELECT count(*) FROM remittance")
        assert result.work_items == scalar(conn, "SELECT count(*) FROM work_item")
        enc: dict[str, int] = dict(
            conn.execute(text("SELECT status, count(*) FROM encounter GROUP BY 1")).all()
        )
        assert enc["unbilled"] > 0 and enc["billed"] > 0
        claims: dict[str, int] = dict(
            conn.execute(text("SELECT status, count(*) FROM claim GROUP BY 1")).all()
        )
        for status in ("acknowledged_277ca", "paid", "denied", "closed"):
            assert claims.get(status, 0) > 0, status
        assert scalar(conn, "SELECT is_demo FROM practice") is True
        open_denials = "SELECT count(*) FROM work_item WHERE kind = 'denial' AND status = 'open'"
        assert scalar(conn, open_denials) > 0
        unbalanced = scalar(
            conn,
            "SELECT count(*) FROM (SELECT c.id FROM claim c JOIN ledger_entry l"
            " ON l.claim_id = c.id WHERE c.status = 'closed' GROUP BY c.id"
            " HAVING sum(l.amount) <> 0) x",
        )
        assert unbalanced == 0
        # Owed money in every aging bucket, by insurance and by patients
        buckets = conn.execute(
            text(
                "SELECT responsibility = 'patient', width_bucket(:today - service_date,"
                " ARRAY[31, 61, 91, 121]), sum(amount) FROM ledger_entry GROUP BY 1, 2"
            ),
            {"today": TODAY},
        ).all()
        owed = {(r[0], r[1]): r[2] for r in buckets}
        assert all(owed.get((p, b), 0) > 0 for p in (True, False) for b in range(5))


def test_queues_see_the_demo(engine: Engine) -> None:
    from medbill_tui.db.repositories.queues import QueueRepository

    load(engine)
    with engine.connect() as conn:
        summaries = QueueRepository(conn, TODAY).summaries()
    assert {s.kind for s in summaries} == set(QueueKind)
    assert all(s.count > 0 and s.amount > 0 for s in summaries), summaries


def test_sequences_continue_after_the_demo(engine: Engine) -> None:
    result = load(engine)
    with engine.begin() as conn:
        assert scalar(conn, "SELECT nextval('claim_no_seq')") == 100_001 + result.claims
        new_id = scalar(
            conn,
            "INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1, city,"
            " state, zip) VALUES ('NEW1', 'A', 'B', '2000-01-01', 'F', 'x', 'y', 'OH', '43001')"
            " RETURNING id",
        )
        assert new_id == result.patients + 1
        assert scalar(conn, "SELECT max(claim_no) FROM claim") == f"C{100_000 + result.claims}"


def test_same_seed_gives_identical_databases(engine: Engine, other_engine: Engine) -> None:
    load(engine)
    load(other_engine)
    assert digests(engine) == digests(other_engine)
    load(other_engine, seed=SEED + 1)
    assert digests(engine)["patient"] != digests(other_engine)["patient"]


def test_loading_again_replaces_the_demo(engine: Engine) -> None:
    first = load(engine)
    before = digests(engine)
    second = load(engine)
    assert (second.encounters, second.claims) == (first.encounters, first.claims)
    assert digests(engine) == before


def test_loading_again_keeps_the_audit_trail(engine: Engine) -> None:
    """The trail cannot be changed: a reload adds its own row, stamped with the real time."""
    load(engine, actor="ann")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (actor, action, entity, entity_id, detail)"
                          " VALUES ('ann', 'user.add', 'app_user', 7, 'role biller')"))  # fmt: skip
        before = conn.execute(text("SELECT id, action FROM audit_event ORDER BY id")).all()
    load(engine, actor="ann")
    with engine.connect() as conn:
        after = conn.execute(text("SELECT id, action FROM audit_event ORDER BY id")).all()
        reload = conn.execute(
            text("SELECT detail, now() - at < interval '1 minute' AS recent FROM audit_event"
                 " ORDER BY id DESC LIMIT 1")).one()  # fmt: skip
    assert [tuple(r) for r in before] == [(1, "demo_load"), (2, "user.add")]
    assert [tuple(r) for r in after] == [*map(tuple, before), (3, "demo_load")]
    assert reload.recent and "replaces the demo practice loaded before" in reload.detail


def _real_patient(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1,"
                " city, state, zip) VALUES ('R1', 'Real', 'Person', '1970-01-01', 'F',"
                " '1 Main St', 'Town', 'OH', '43001')"
            )
        )


def test_refuses_a_database_that_is_not_a_demo(engine: Engine) -> None:
    _real_patient(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO app_user (login, role) VALUES ('alice', 'biller')"))
    before = digests(engine)
    with pytest.raises(DemoRefused):
        load(engine)
    assert digests(engine) == before
    load(engine, force=True)
    with engine.connect() as conn:
        assert scalar(conn, "SELECT count(*) FROM patient WHERE account_no = 'R1'") == 0
        assert scalar(conn, "SELECT login FROM app_user WHERE role = 'biller'") == "alice"  # kept


def test_cancel_before_start_changes_nothing(engine: Engine) -> None:
    _real_patient(engine)
    before = digests(engine)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DemoCancelled):
        load(engine, cancel=cancel, force=True)
    assert digests(engine) == before


def test_cancel_midway_leaves_the_previous_demo(engine: Engine) -> None:
    load(engine, encounters=300, seed=1)
    before, before_schema = digests(engine), schema(engine)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(DemoCancelled):
        load(engine, cancel=cancel, progress=progress)
    assert len(seen) == 3
    assert digests(engine) == before
    assert schema(engine) == before_schema


def test_progress_rises_to_the_total(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []
    load(engine, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and done[-1] == N
    assert {t for _, t in calls} == {N}
    assert len(calls) == 5  # every 100 encounters


def test_amounts_are_exact(engine: Engine) -> None:
    load(engine)
    with engine.connect() as conn:
        bad = scalar(
            conn,
            "SELECT count(*) FROM claim_payment cp WHERE cp.charge - cp.paid <> coalesce(("
            "SELECT sum(a.amount) FROM adjustment a WHERE a.claim_payment_id = cp.id), 0)",
        )
        assert bad == 0
        bad = scalar(
            conn,
            "SELECT count(*) FROM remittance r WHERE r.amount <> (SELECT sum(paid)"
            " FROM claim_payment cp WHERE cp.remittance_id = r.id)",
        )
        assert bad == 0
        total = scalar(conn, "SELECT sum(amount) FROM ledger_entry")
        assert isinstance(total, Decimal) and total > 0


def test_busy_database_is_refused(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import medbill_tui.db.demo as demo

    monkeypatch.setattr(demo, "LOCK_TIMEOUT", "300ms")
    with engine.connect() as other:
        other.execute(text("SELECT count(*) FROM patient"))  # holds a lock until rollback
        with pytest.raises(DemoRefused, match="other sessions"):
            load(engine)
        other.rollback()
    load(engine)


def test_one_transaction_even_on_an_autocommit_engine(engine: Engine) -> None:
    from sqlalchemy import create_engine

    load(engine, encounters=300, seed=1)
    before = digests(engine)
    auto = create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    cancel = threading.Event()
    with pytest.raises(DemoCancelled):
        load(auto, cancel=cancel, progress=lambda done, total: cancel.set())
    auto.dispose()
    assert digests(engine) == before


def test_a_user_that_does_not_own_the_schema_is_refused(engine: Engine) -> None:
    role = f"demo_guest_{os.getpid()}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    guest = make_engine(engine.url.set(username=role).render_as_string(hide_password=False))
    try:
        before = digests(engine)
        with pytest.raises(DemoRefused, match="owns the schema"):
            load(guest)
        assert digests(engine) == before
    finally:
        guest.dispose()
        with engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))


def test_demo_denials_are_routed_and_rejections_say_why(demo_engine: Engine) -> None:
    """The demo's work items look like the ones posting and importing make."""
    with demo_engine.connect() as conn:
        unrouted = conn.execute(text(
            "SELECT count(*) FROM work_item WHERE kind = 'denial' "
            "AND (category IS NULL OR action IS NULL)")).scalar_one()  # fmt: skip
        routed = conn.execute(text(
            "SELECT count(DISTINCT category) FROM work_item WHERE kind = 'denial'")
        ).scalar_one()  # fmt: skip
        silent = conn.execute(text(
            "SELECT count(*) FROM work_item WHERE kind = 'rejection' AND detail IS NULL")
        ).scalar_one()  # fmt: skip
        rejected = conn.execute(text(
            "SELECT count(*) FROM claim c WHERE c.status LIKE 'rejected%' AND NOT EXISTS "
            "(SELECT 1 FROM work_item w WHERE w.claim_id = c.id AND w.kind = 'rejection' "
            "AND w.status = 'open')")).scalar_one()  # fmt: skip
    assert unrouted == 0 and routed >= 2
    assert silent == 0 and rejected == 0
