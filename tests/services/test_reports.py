"""Aging, payments and denials reports: bucket edges, and totals that equal the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from medbill_tui.domain.money import ZERO
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialService
from medbill_tui.services.reports import ReportInvalid, ReportService
from tests.conftest import DEMO_TODAY
from tests.factories import Builder, insert

AS_OF = date(2026, 6, 30)


def entry(
    conn: Connection,
    b: Builder,
    patient: tuple[int, int],
    dos: date,
    amount: str,
    posted: datetime,
    kind: str = "charge",
    responsibility: str = "primary",
    encounter: int | None = None,
) -> int:
    """A ledger row with an explicit posting time; returns its encounter."""
    eid = encounter or b.encounter(patient, dos, status="billed")
    insert(conn, "ledger_entry", patient_id=patient[0], encounter_id=eid, kind=kind,
           responsibility=responsibility, amount=Decimal(amount), service_date=dos,
           posted_at=posted, posted_by="test")  # fmt: skip
    return eid


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def test_aging_bucket_edges(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        pat = b.patient("Edge")
        for days, amount in ((0, "1.00"), (30, "2.00"), (31, "4.00"), (60, "8.00"),
                             (61, "16.00"), (90, "32.00"), (91, "64.00"), (120, "128.00"),
                             (121, "256.00")):  # fmt: skip
            entry(conn, b, pat, AS_OF - timedelta(days=days), amount, noon(AS_OF - timedelta(1)))
        # posted in the last second of the as-of day: counted; a second later: not yet
        last = datetime.combine(AS_OF, time(23, 59, 59), UTC)
        entry(conn, b, pat, AS_OF, "1000.00", last)
        entry(conn, b, pat, AS_OF, "5000.00", last + timedelta(seconds=1))
        # a visit paid in full is not an open balance
        paid = entry(conn, b, pat, AS_OF - timedelta(10), "50.00", noon(AS_OF))
        entry(conn, b, pat, AS_OF - timedelta(10), "-50.00", noon(AS_OF), "payment",
              encounter=paid)  # fmt: skip
        # the patient's share after a transfer, aged from the same date of service
        moved = entry(conn, b, pat, AS_OF - timedelta(45), "70.00", noon(AS_OF))
        entry(conn, b, pat, AS_OF - timedelta(45), "-20.00", noon(AS_OF), "transfer",
              encounter=moved)  # fmt: skip
        entry(conn, b, pat, AS_OF - timedelta(45), "20.00", noon(AS_OF), "transfer",
              "patient", encounter=moved)  # fmt: skip
    report = ReportService(engine, Clock(AS_OF)).aging(AS_OF)
    primary = {bt.label: (bt.count, bt.amount) for bt in report.rows[0].buckets}
    assert report.rows[0].responsibility == "primary"
    assert primary == {
        "0-30": (3, Decimal("1003.00")),
        "31-60": (3, Decimal("62.00")),
        "61-90": (2, Decimal("48.00")),
        "91-120": (2, Decimal("192.00")),
        "120+": (1, Decimal("256.00")),
    }
    patient = report.rows[1]
    assert patient.responsibility == "patient" and patient.count == 1
    assert patient.buckets[1].amount == Decimal("20.00")
    assert report.amount == Decimal("1581.00") and report.count == 12
    split = ReportService(engine, Clock(AS_OF)).aging(AS_OF, by_payer=True)
    assert [(r.responsibility, r.payer, r.amount) for r in split.rows] == [
        ("primary", "Acme Health", Decimal("1561.00")),
        ("patient", None, Decimal("20.00")),
    ]
    # a day later the edges move by one day each
    later = ReportService(engine, Clock(AS_OF + timedelta(1))).aging(AS_OF + timedelta(1))
    moved_on = {bt.label: bt.count for bt in later.rows[0].buckets}
    assert moved_on == {"0-30": 3, "31-60": 3, "61-90": 2, "91-120": 2, "120+": 2}


def test_aging_as_of_in_the_future_is_refused(engine: Engine) -> None:
    with pytest.raises(ReportInvalid, match="in the future"):
        ReportService(engine, Clock(AS_OF)).aging(AS_OF + timedelta(1))
    with pytest.raises(ReportInvalid, match="Age from"):
        ReportService(engine, Clock(AS_OF)).aging(AS_OF, aged_from="yesterday")


def ledger_sum_as_of(engine: Engine, as_of: date) -> Decimal:
    cutoff = datetime.combine(as_of + timedelta(1), time(), UTC)
    with engine.connect() as conn:
        return Decimal(conn.execute(
            text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE posted_at < :c"),
            {"c": cutoff},
        ).scalar_one())  # fmt: skip


@pytest.mark.parametrize("days_back", [0, 45])
def test_aging_total_equals_the_ledger_as_of_the_date(demo_engine: Engine, days_back: int) -> None:
    as_of = DEMO_TODAY - timedelta(days=days_back)
    service = ReportService(demo_engine, Clock(DEMO_TODAY))
    report = service.aging(as_of)
    assert report.count > 0 and report.amount == ledger_sum_as_of(demo_engine, as_of)
    assert report.amount == sum((bt.amount for bt in report.buckets), ZERO)
    assert report.count == sum(bt.count for bt in report.buckets)
    assert report.amount == sum((r.amount for r in report.rows), ZERO)
    split = service.aging(as_of, by_payer=True)
    assert split.buckets == report.buckets and len(split.rows) > len(report.rows)
    assert all(r.payer is None for r in split.rows if r.responsibility == "patient")
    assert all(r.payer for r in split.rows if r.responsibility != "patient")
    billed = service.aging(as_of, aged_from="billed")
    assert billed.amount == report.amount and billed.buckets != report.buckets
    setting = ReportService(demo_engine, Clock(DEMO_TODAY), aging_from="billed").aging(as_of)
    assert setting.aged_from == "billed" and setting.buckets == billed.buckets


def ledger_by_kind(engine: Engine, start: date, end: date) -> dict[str, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, sum(amount) FROM ledger_entry WHERE posted_at >= :s "
                 "AND posted_at < :e GROUP BY kind"),
            {"s": datetime.combine(start, time(), UTC),
             "e": datetime.combine(end + timedelta(1), time(), UTC)},
        ).all()  # fmt: skip
    return {r[0]: Decimal(r[1]) for r in rows}


def test_payments_totals_equal_the_ledger(demo_engine: Engine) -> None:
    start, end = DEMO_TODAY - timedelta(59), DEMO_TODAY
    report = ReportService(demo_engine, Clock(DEMO_TODAY)).payments(start, end)
    ledger = ledger_by_kind(demo_engine, start, end)
    assert {k.kind: k.amount for k in report.kinds if k.count} == ledger
    assert report.payments == -ledger["payment"] > 0
    assert report.contractual == -ledger["adjustment"] > 0
    assert report.payments == sum((p.amount for p in report.payers), ZERO)
    assert any(p.remittances > 0 for p in report.payers)
    assert report.payers[-1].payer == "Patient payments" and report.payers[-1].remittances == 0
    with demo_engine.connect() as conn:
        to_patient = conn.execute(
            text("SELECT sum(amount) FROM ledger_entry WHERE kind = 'transfer' AND "
                 "responsibility = 'patient' AND posted_at >= :s AND posted_at < :e"),
            {"s": datetime.combine(start, time(), UTC),
             "e": datetime.combine(end + timedelta(1), time(), UTC)},
        ).scalar_one()  # fmt: skip
    assert report.to_patient == to_patient > 0


def test_a_start_after_the_end_is_refused(demo_engine: Engine) -> None:
    service = ReportService(demo_engine, Clock(DEMO_TODAY))
    for report in (service.payments, service.denials, service.productivity):
        with pytest.raises(ReportInvalid, match="after the end date"):
            report(DEMO_TODAY, DEMO_TODAY - timedelta(1))


def test_denials_by_reason_payer_and_outcome(demo_engine: Engine, tmp_path: Path) -> None:
    start, end = DEMO_TODAY - timedelta(89), DEMO_TODAY
    service = ReportService(demo_engine, Clock(DEMO_TODAY))
    with demo_engine.connect() as conn:
        item = conn.execute(
            text("SELECT w.id FROM work_item w WHERE w.kind = 'denial' AND w.status = 'open' "
                 "AND w.group_code <> 'CO' AND w.opened_on >= :s "
                 "AND EXISTS (SELECT 1 FROM ledger_entry le "
                 "WHERE le.claim_id = w.claim_id GROUP BY le.responsibility "
                 "HAVING sum(le.amount) > 0) ORDER BY w.id LIMIT 1"), {"s": start},
        ).scalar_one()  # fmt: skip
    before = service.denials(start, end)
    DenialService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path).transfer_to_patient(item)
    report = service.denials(start, end)
    with demo_engine.connect() as conn:
        count, amount = conn.execute(
            text("SELECT count(*), sum(amount) FROM work_item WHERE kind = 'denial' "
                 "AND opened_on BETWEEN :s AND :e"), {"s": start, "e": end},
        ).one()  # fmt: skip
    assert (report.count, report.amount) == (count, amount)
    for groups in (report.by_carc, report.by_payer, report.outcomes):
        assert sum(g.count for g in groups) == count
        assert sum((g.amount for g in groups), ZERO) == amount
        assert sum(g.open for g in groups) == report.open
    assert report.open + report.closed == count and report.open == before.open - 1
    outcomes = {g.key: g.count for g in report.outcomes}
    assert outcomes["moved to patient"] == 1 and "moved to patient" not in {
        g.key for g in before.outcomes
    }
    assert all(g.words and not g.words.startswith("unknown") for g in report.by_carc)


def test_denials_report_uses_the_loaded_official_carc_words(demo_engine: Engine) -> None:
    """The report says what the queue says: a loaded official list wins over ours."""
    start, end = DEMO_TODAY - timedelta(89), DEMO_TODAY
    service = ReportService(demo_engine, Clock(DEMO_TODAY))
    code = service.denials(start, end).by_carc[0].key
    with demo_engine.begin() as conn:
        conn.execute(text("DELETE FROM carc WHERE code = :c"), {"c": code})
        conn.execute(
            text("INSERT INTO carc (code, description) VALUES (:c, :d)"),
            {"c": code, "d": "Official words for this code"},
        )
    words = {g.key: g.words for g in service.denials(start, end).by_carc}
    assert words[code] == "Official words for this code"


def test_aging_by_payer_names_the_payer_of_each_responsibility(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        pat = b.patient("Two", payer=b.payers[0])
        insert(conn, "coverage", patient_id=pat[0], payer_id=b.payers[1], member_id="S1",
               priority=2, effective_from=date(2020, 1, 1))  # fmt: skip
        dos = AS_OF - timedelta(days=40)
        claim = b.claim(pat, dos, "paid", created=dos + timedelta(days=15), amount="100.00")
        eid = conn.execute(text("SELECT encounter_id FROM claim WHERE id = :c"),
                           {"c": claim}).scalar_one()  # fmt: skip
        for kind, resp, amount in (("charge", "primary", "100.00"), ("payment", "primary",
                                   "-60.00"), ("transfer", "primary", "-30.00"),
                                   ("transfer", "secondary", "30.00")):  # fmt: skip
            insert(conn, "ledger_entry", patient_id=pat[0], encounter_id=eid, claim_id=claim,
                   kind=kind, responsibility=resp, amount=Decimal(amount), service_date=dos,
                   posted_at=noon(dos + timedelta(days=15)), posted_by="test")  # fmt: skip
    service = ReportService(engine, Clock(AS_OF))
    split = service.aging(AS_OF, by_payer=True)
    assert [(r.responsibility, r.payer, r.amount) for r in split.rows] == [
        ("primary", "Acme Health", Decimal("10.00")),
        ("secondary", "Blue Plan", Decimal("30.00")),
    ]
    assert all(r.buckets[1].amount == r.amount for r in split.rows)  # 40 days: 31-60
    billed = service.aging(AS_OF, aged_from="billed")  # 25 days since the claim was made
    assert billed.buckets[0].amount == Decimal("40.00") and billed.buckets[1].amount == 0
    assert service.aging(dos + timedelta(days=14)).amount == 0  # nothing posted yet
