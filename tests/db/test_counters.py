"""The counters the database keeps (migration 0029): after any mix of changes they equal a
recount, the dashboard and balances totals read from them equal the queries over the data, and
`ledger check` reports a counter that disagrees."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from medbill_tui.db.counter_sql import COUNTER_MISMATCH_SQL, RECOUNT_SQL
from medbill_tui.db.repositories import work
from medbill_tui.db.repositories.claim_status import move
from medbill_tui.db.repositories.counters import (
    QUEUE_COUNTER,
    balance_counters,
    bucket_totals,
    overview_counters,
    receivables_points,
)
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.db.repositories.queue_balances import month_ends, receivables_trend
from medbill_tui.db.repositories.queues import QueueRepository
from medbill_tui.domain.claim_state import ClaimStatus
from medbill_tui.records.queues import QueueFilter
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialActionRefused, DenialService
from medbill_tui.services.queues import QueueService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY
from tests.factories import Builder

MOVES = (ClaimStatus.HOLD, ClaimStatus.READY, ClaimStatus.SUBMITTED, ClaimStatus.DENIED)


def _ids(conn: Connection, sql: str) -> list[int]:
    return list(conn.execute(text(sql)).scalars())


def post(engine: Engine, rng: random.Random) -> None:
    """One statement of payments on a few claims, some paying the claim's balance exactly
    (accounts and claims close), some over it (credits), some part of it."""
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT patient_id, encounter_id, claim_id, service_date, sum(amount) "
                "FROM ledger_balance WHERE claim_id IS NOT NULL AND responsibility = 'primary' "
                "GROUP BY 1, 2, 3, 4 HAVING sum(amount) > 0 ORDER BY claim_id"
            )
        ).all()
        values = []
        for p, e, c, d, owed in rng.sample(rows, min(len(rows), rng.randint(1, 6))):
            pay = rng.choice((owed, owed + Decimal("5.00"), (owed / 2).quantize(Decimal("0.01"))))
            values.append({"p": p, "e": e, "c": c, "d": d, "a": -pay})
        for v in values:  # executemany: one INSERT statement per row, as psycopg sends it
            conn.execute(
                text(
                    "INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, "
                    "responsibility, amount, service_date, posted_by) "
                    "VALUES (:p, :e, :c, 'payment', 'primary', :a, :d, 'test')"
                ),
                v,
            )


def deny(engine: Engine, rng: random.Random, letters: Path) -> None:
    """Open a denial on a claim, then write it off or move it to the patient."""
    with engine.begin() as conn:
        claims = _ids(conn, "SELECT id FROM claim WHERE status = 'submitted' ORDER BY id")
        if not claims:
            return
        claim = rng.choice(claims)
        move(conn, [claim], ClaimStatus.DENIED, "test", "denied", skip_illegal=True)
        item = conn.execute(
            text(
                "INSERT INTO work_item (kind, status, claim_id, patient_id, amount, opened_on) "
                "SELECT 'denial', 'open', c.id, c.patient_id, c.total_charge, :d "
                "FROM claim c WHERE c.id = :c RETURNING id"
            ),
            {"c": claim, "d": DEMO_TODAY},
        ).scalar_one()
    service = DenialService(engine, Clock(DEMO_TODAY), "biller", letters,
                            write_off_limit=Decimal("100000.00"), supervisor=True)  # fmt: skip
    try:
        if rng.random() < 0.5:
            service.write_off(item, "small balance")
        else:
            service.transfer_to_patient(item)
    except DenialActionRefused:
        pass


def move_claims(engine: Engine, rng: random.Random) -> None:
    with engine.begin() as conn:
        claims = _ids(conn, "SELECT id FROM claim ORDER BY id")
        picked = rng.sample(claims, min(len(claims), rng.randint(1, 8)))
        move(conn, picked, rng.choice(MOVES), "test", "moved", skip_illegal=True)


def take_and_release(engine: Engine, rng: random.Random) -> None:
    with engine.begin() as conn:
        items = _ids(conn, "SELECT id FROM work_item WHERE status = 'open' ORDER BY id")
        if not items:
            return
        item = rng.choice(items)
        if rng.random() < 0.5:
            work.set_lease(conn, item, "biller", 15, "test")
        else:
            work.clear_lease(conn, item)
        if rng.random() < 0.3:  # closing one leaves the queue
            conn.execute(text("UPDATE work_item SET status = 'done' WHERE id = :i"), {"i": item})


def edit_charges(engine: Engine, rng: random.Random) -> None:
    """Charge entry on an unbilled visit: its lines replaced, or the visit billed."""
    with engine.begin() as conn:
        visits = _ids(conn, "SELECT id FROM encounter WHERE status = 'unbilled' ORDER BY id")
        if not visits:
            return
        visit = rng.choice(visits)
        if rng.random() < 0.7:
            conn.execute(
                text("UPDATE charge SET amount = amount + :a WHERE encounter_id = :e"),
                {"a": Decimal(rng.randint(1, 900)) / 100, "e": visit},
            )
        else:
            conn.execute(text("UPDATE encounter SET status = 'billed' WHERE id = :e"), {"e": visit})


def assert_counters_match(conn: Connection) -> None:
    """Counters equal a recount, and the totals and chart points made from them equal the
    queries over the data."""
    assert conn.execute(text(COUNTER_MISMATCH_SQL)).all() == []
    repo = QueueRepository(conn, DEMO_TODAY)
    for by_claim in (False, True):
        kept = bucket_totals(balance_counters(conn, by_claim), by_claim, DEMO_TODAY)
        assert kept == repo.balance_totals(QueueFilter(by_claim=by_claim)), by_claim
    points = receivables_points(overview_counters(conn), month_ends(DEMO_TODAY, 6))
    assert points == receivables_trend(conn, DEMO_TODAY)


def assert_counters_agree(engine: Engine) -> None:
    """As assert_counters_match, and the service's reads give the recount's figures."""
    with engine.connect() as conn:
        assert_counters_match(conn)
        recount = {
            r.counter: (int(r.n), Decimal(r.amount))
            for r in conn.execute(text(RECOUNT_SQL))
            if r.day is None
        }
        repo_totals = QueueRepository(conn, DEMO_TODAY).balance_totals(QueueFilter())
    svc = QueueService(engine, Clock(DEMO_TODAY))
    for summary in svc.summaries():
        assert (summary.count, summary.amount) == recount[QUEUE_COUNTER[summary.kind]], summary
        assert svc.summary(summary.kind) == summary
    assert svc.balance_totals(QueueFilter()) == repo_totals
    assert svc.aging_overview().totals == repo_totals


@pytest.mark.parametrize("seed", [1, 2])
def test_counters_equal_a_recount_after_any_mix_of_changes(
    demo_engine: Engine, tmp_path: Path, seed: int
) -> None:
    assert_counters_agree(demo_engine)  # the demo load's rebuild
    rng = random.Random(seed)
    steps = {
        "post": lambda: post(demo_engine, rng),
        "deny": lambda: deny(demo_engine, rng, tmp_path),
        "move": lambda: move_claims(demo_engine, rng),
        "take/release": lambda: take_and_release(demo_engine, rng),
        "charges": lambda: edit_charges(demo_engine, rng),
    }
    for _ in range(12):
        name = rng.choice(list(steps))
        steps[name]()
        assert_counters_agree(demo_engine)


def test_fold_keeps_every_counter(demo_engine: Engine) -> None:
    rng = random.Random(3)
    for _ in range(3):
        post(demo_engine, rng)
    with demo_engine.begin() as conn:
        before = conn.execute(text("SELECT count(*) FROM counter_delta")).scalar_one()
        assert conn.execute(text("SELECT medbill_fold_counters()")).scalar_one() is True
        after = conn.execute(text("SELECT count(*) FROM counter_delta")).scalar_one()
    assert after < before
    assert_counters_agree(demo_engine)


def test_ledger_check_reports_a_tampered_counter(demo_engine: Engine) -> None:
    with demo_engine.begin() as conn:
        assert [p for p in check_ledger(conn) if p.what == "counters"] == []
        conn.execute(
            text("INSERT INTO counter_delta (counter, n, amount) VALUES ('denial', 1, 10.00)")
        )
        problems = [p.detail for p in check_ledger(conn) if p.what == "counters"]
    assert len(problems) == 1
    assert problems[0].startswith("counter denial: a recount gives ")
    assert "but the counter holds" in problems[0]


def test_an_account_summing_to_zero_shows_in_no_bucket(engine: Engine) -> None:
    """+50 owed on an old visit and a 50 credit on a recent one: the account owes nothing, so
    the balances queue shows no row and no bucket holds its money; a new charge opens it."""
    old, recent = DEMO_TODAY - timedelta(days=100), DEMO_TODAY - timedelta(days=5)
    with engine.begin() as conn:
        b = Builder(conn)
        ann = b.patient("Ames", account="Z0001", payer=b.payers[0])
        first = b.claim(ann, old, "acknowledged_277ca", created=old, amount="50.00")
        second = b.claim(ann, recent, "acknowledged_277ca", created=recent, amount="80.00")
        visit = {c: conn.execute(text("SELECT encounter_id FROM claim WHERE id = :c"),
                                 {"c": c}).scalar_one() for c in (first, second)}  # fmt: skip
        b.ledger(ann, visit[first], "50.00", old, claim_id=first)
        assert_counters_match(conn)
        b.ledger(ann, visit[second], "-50.00", recent, claim_id=second)
        assert_counters_match(conn)
        assert QueueRepository(conn, DEMO_TODAY).balance_totals(QueueFilter()).rows == 0
        b.ledger(ann, visit[second], "80.00", recent, claim_id=second)
        assert_counters_match(conn)


def test_medbill_ledger_check_exits_1_naming_a_tampered_counter(demo_engine: Engine) -> None:
    url = demo_engine.url.render_as_string(hide_password=False)
    assert medbill("ledger", "check", url=url).returncode == 0
    with demo_engine.begin() as conn:
        conn.execute(text("INSERT INTO counter_delta (counter, amount) VALUES ('unbilled', 1)"))
    result = medbill("ledger", "check", url=url)
    assert result.returncode == 1
    assert "counters: counter unbilled: a recount gives " in result.stdout
