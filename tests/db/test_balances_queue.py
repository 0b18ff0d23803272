"""The outstanding balances queue: by account and by claim, its filters and bucket totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.counter_sql import REBUILD_COUNTERS_SQL
from medbill_tui.db.repositories.queue_balances import month_ends
from medbill_tui.records.queues import ClaimBalanceRow, QueueFilter, QueueKind, Timers
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.queues import QueueService
from tests.db.test_queues import all_pages
from tests.factories import Builder

TODAY = date(2026, 11, 2)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def practice(engine: Engine) -> dict[str, Any]:
    """Claims whose ages sit on the bucket edges, owed by payers and patients."""
    made: dict[str, Any] = {"claims": {}}
    with engine.begin() as conn:
        b = Builder(conn)
        ann = b.patient("Ames", account="B0001", payer=b.payers[0])
        bob = b.patient("Baker", account="B0002", payer=b.payers[1])
        made["patients"] = (ann, bob)
        for patient, age, amount, patient_part in (
            (ann, 30, "100.00", None), (ann, 31, "200.00", "15.00"), (ann, 90, "50.00", None),
            (bob, 91, "400.00", "40.00"), (bob, 120, "30.00", None), (bob, 121, "70.00", "7.00"),
        ):  # fmt: skip
            dos = ago(age)
            claim = b.claim(patient, dos, "acknowledged_277ca", created=ago(age - 20),
                            submitted=ago(age - 20), amount=amount)  # fmt: skip
            eid = conn.execute(text("SELECT encounter_id FROM claim WHERE id = :c"),
                               {"c": claim}).scalar_one()  # fmt: skip
            b.ledger(patient, eid, amount, dos, claim_id=claim)
            if patient_part:
                b.ledger(patient, eid, f"-{patient_part}", dos, kind="transfer", claim_id=claim)
                b.ledger(patient, eid, patient_part, dos, responsibility="patient",
                         kind="transfer", claim_id=claim)  # fmt: skip
            made["claims"][age] = claim
        conn.execute(
            text("INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, due_on, "
                 "owner) VALUES ('followup', :c, :p, 0, :d, :due, 'kim')"),
            {"c": made["claims"][91], "p": bob[0], "d": ago(5), "due": ago(-3)},
        )  # fmt: skip
    return made


def svc(engine: Engine, aging_from: str = "service") -> QueueService:
    return QueueService(engine, Clock(TODAY), Timers(aging_from=aging_from))


def by_claim(engine: Engine, **narrow: Any) -> list[ClaimBalanceRow]:
    filt = QueueFilter(by_claim=True, **narrow)
    return all_pages(svc(engine), QueueKind.BALANCES, 2, filt)


def test_by_claim_rows_age_from_the_date_of_service(
    engine: Engine, practice: dict[str, Any]
) -> None:
    rows = by_claim(engine)
    assert len(rows) == 6 + 3  # every claim owed by its payer, three partly by the patient
    assert len({(r.claim_id, r.responsibility) for r in rows}) == len(rows)
    ages = {r.claim_id: r.age_days for r in rows}
    assert {age: ages[claim] for age, claim in practice["claims"].items()} == {
        30: 30, 31: 31, 90: 90, 91: 91, 120: 120, 121: 121
    }  # fmt: skip
    kim = {(r.claim_id, r.responsibility, r.owner, r.follow_up) for r in rows if r.owner}
    claim = practice["claims"][91]  # its follow-up shows on the payer's and the patient's row
    assert kim == {(claim, "primary", "kim", ago(-3)), (claim, "patient", "kim", ago(-3))}


@pytest.mark.parametrize(
    ("bucket", "ages"), [(0, {30}), (1, {31}), (2, {90}), (3, {91, 120}), (4, {121})]
)
def test_bucket_filter_keeps_the_edges_in_the_right_bucket(
    engine: Engine, practice: dict[str, Any], bucket: int, ages: set[int]
) -> None:
    rows = by_claim(engine, bucket=bucket, responsibility="primary")
    expected = {practice["claims"][age] for age in ages}
    assert {r.claim_id for r in rows} == expected


def test_amount_owner_and_responsibility_filters(engine: Engine, practice: dict[str, Any]) -> None:
    mid = by_claim(engine, min_amount=Decimal("50"), max_amount=Decimal("185"))
    assert sorted(r.total for r in mid) == [Decimal("50.00"), Decimal("63.00"), Decimal("100.00"),
                                            Decimal("185.00")]  # fmt: skip
    assert {r.claim_id for r in by_claim(engine, owner="kim")} == {practice["claims"][91]}
    assert by_claim(engine, owner="nobody") == []
    patient = by_claim(engine, responsibility="patient")
    assert sorted(r.total for r in patient) == [Decimal("7.00"), Decimal("15.00"), Decimal("40.00")]
    accounts = all_pages(svc(engine), QueueKind.BALANCES, 1, QueueFilter(responsibility="patient"))
    assert sorted(r.total for r in accounts) == [Decimal("15.00"), Decimal("47.00")]


@pytest.mark.parametrize("aging_from", ["service", "billed"])
def test_totals_equal_the_rows_they_sum(
    engine: Engine, practice: dict[str, Any], aging_from: str
) -> None:
    """Totals read ledger_balance, rows read the ledger: they must agree under every filter."""
    service = svc(engine, aging_from)
    with engine.connect() as conn:
        payer = conn.execute(text("SELECT min(id) FROM payer")).scalar_one()
    narrows: list[dict[str, Any]] = [
        {}, {"responsibility": "primary"}, {"bucket": 3}, {"min_amount": Decimal(60)},
        {"owner": "kim"}, {"text": "bak"}, {"payer_id": payer},
    ]  # fmt: skip
    for narrow in narrows:
        for view in (False, True):
            filt = QueueFilter(by_claim=view, **narrow)
            rows = all_pages(service, QueueKind.BALANCES, 3, filt)
            totals = service.balance_totals(filt)
            assert totals.rows == len(rows), (narrow, view)
            assert totals.total == sum((r.total for r in rows), Decimal(0)), (narrow, view)
            assert sum(totals.buckets, Decimal(0)) == totals.total
    if aging_from == "billed":
        return
    everything = service.balance_totals(QueueFilter())
    assert everything.total == Decimal("850.00")
    assert everything.buckets == (Decimal("100.00"), Decimal("200.00"), Decimal("50.00"),
                                  Decimal("430.00"), Decimal("70.00"))  # fmt: skip


def test_aging_from_billing_moves_claims_to_younger_buckets(
    engine: Engine, practice: dict[str, Any]
) -> None:
    rows = all_pages(svc(engine, "billed"), QueueKind.BALANCES, 5, QueueFilter(by_claim=True))
    ages = {r.claim_id: r.age_days for r in rows}
    assert ages[practice["claims"][31]] == 11  # billed 20 days after the visit
    totals = svc(engine, "billed").balance_totals(QueueFilter())
    assert totals.total == Decimal("850.00")
    # billed 20 days after each visit: ages 10, 11, 70, 71, 100 and 101 days
    assert totals.buckets == (Decimal("300.00"), Decimal(0), Decimal("450.00"),
                              Decimal("100.00"), Decimal(0))  # fmt: skip
    with pytest.raises(ValueError):
        QueueService(engine, Clock(TODAY), Timers(aging_from="soon")).page(
            QueueKind.BALANCES, QueueFilter(), None, 5
        )


def test_month_ends_cross_the_year() -> None:
    assert month_ends(date(2026, 1, 15), 3) == [date(2025, 11, 30), date(2025, 12, 31),
                                                date(2026, 1, 15)]  # fmt: skip
    assert month_ends(date(2026, 3, 31), 2) == [date(2026, 2, 28), date(2026, 3, 31)]


def test_receivables_trend_sums_the_ledger_as_it_stood(
    engine: Engine, practice: dict[str, Any]
) -> None:
    with engine.begin() as conn:  # pin posting days: two in September, the rest in October
        conn.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE ledger_entry SET posted_at = CASE WHEN id IN "
                          "(SELECT id FROM ledger_entry ORDER BY id LIMIT 2) "
                          "THEN timestamptz '2026-09-10 12:00+00' "
                          "ELSE timestamptz '2026-10-15 12:00+00' END"))  # fmt: skip
        conn.execute(text("ALTER TABLE ledger_entry ENABLE TRIGGER USER"))
        for statement in REBUILD_COUNTERS_SQL:  # history rewritten behind the triggers' back
            conn.execute(text(statement))
        first_two = conn.execute(
            text("SELECT sum(amount) FROM (SELECT amount FROM ledger_entry ORDER BY id LIMIT 2) x")
        ).scalar_one()
    overview = svc(engine).aging_overview(months=4)
    assert [(p.day, p.owed) for p in overview.trend] == [
        (date(2026, 8, 31), Decimal(0)),
        (date(2026, 9, 30), first_two),
        (date(2026, 10, 31), Decimal("850.00")),
        (TODAY, Decimal("850.00")),
    ]
    assert overview.totals.total == Decimal("850.00")
    # every entry before the window: the points come from the kept balances alone
    recent = svc(engine).aging_overview(months=2)
    assert [(p.day, p.owed) for p in recent.trend] == [
        (date(2026, 10, 31), Decimal("850.00")),
        (TODAY, Decimal("850.00")),
    ]
