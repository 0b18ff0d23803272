"""Queue paging, filters and counts against a real PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.edi.codelists import carc_words
from medbill_tui.records.queues import Cursor, QueueFilter, QueueKind, Timers
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.queues import QueueService
from medbill_tui.widgets.queue_table import row_cells as cell_values
from tests.factories import Builder

TODAY = date(2026, 11, 2)
DAYS = [TODAY - timedelta(days=d) for d in (3, 40, 40, 75, 100, 200)]


NO_FILTER = QueueFilter()


def all_pages(
    svc: QueueService, kind: QueueKind, limit: int, filt: QueueFilter = NO_FILTER
) -> list[Any]:
    rows: list[Any] = []
    after: Cursor | None = None
    for _ in range(10_000):
        page = svc.page(kind, filt, after, limit)
        assert len(page.rows) <= limit
        rows.extend(page.rows)
        if page.next_cursor is None:
            return rows
        assert page.rows, "a page with a next cursor must have rows"
        after = page.next_cursor
    raise AssertionError("paging did not end")


@pytest.fixture
def seeded(engine: Engine) -> dict[str, Any]:
    """Rows that tie on every sort key: several per date, several per account."""
    ids: dict[str, Any] = {
        "unbilled": [], "pending": [], "denials": [], "rejections": [], "balances": set()
    }  # fmt: skip
    with engine.begin() as conn:
        b = Builder(conn)
        patients = [
            b.patient(last, account=f"A{n:04d}", payer=b.payers[n % 2])
            for n, last in enumerate(["Smith", "Smithers", "Jones", "Brown", "Lee"])
        ]
        for i in range(23):
            p = patients[i % len(patients)]
            dos = DAYS[i % 3]
            ids["unbilled"].append(b.encounter(p, dos, charges=("10.00", "5.50")))
            claim = b.claim(
                p,
                dos,
                "submitted" if i % 2 else "ready",
                created=DAYS[i % 2],
                submitted=DAYS[1] if i % 2 else None,
                amount="80.00",
            )
            ids["pending"].append(claim)
            denied = b.claim(p, dos, "denied", created=dos, submitted=dos, amount="60.00")
            ids["denials"].append(b.denial(denied, p[0], opened=DAYS[i % 2]))
            if i % 3 == 0:
                status = "rejected_999" if i % 2 else "rejected_277ca"
                turned = b.claim(p, dos, status, created=dos, submitted=dos, amount="70.00")
                if i % 2:
                    why = "999 rejected the file: NM1 #12 NM109: invalid member id"
                    facts = {"source": "999", "reason": "NM1 #12 NM109: invalid member id"}
                else:
                    why = "277CA rejected it (A7:164): entity's member id is not valid"
                    facts = {
                        "source": "277CA",
                        "stc_category": "A7",
                        "stc_status": "164",
                        "reason": "entity's member id is not valid",
                    }
                ids["rejections"].append(b.rejection(turned, p[0], DAYS[i % 2], why, **facts))
                ids["pending"].append(turned)
        b.claim(patients[0], DAYS[0], "paid", created=DAYS[0], amount="1.00")  # not pending
        for n, p in enumerate(patients):
            e = b.encounter(p, DAYS[n], status="billed")
            b.ledger(p, e, "100.00", DAYS[n])
            b.ledger(p, e, "-30.00", DAYS[n], kind="transfer")
            b.ledger(p, e, "30.00", DAYS[n], responsibility="patient", kind="transfer")
            ids["balances"].update({(p[0], "primary"), (p[0], "patient")})
        settled = b.encounter(patients[0], DAYS[5], status="billed")
        b.ledger(patients[0], settled, "50.00", DAYS[5], responsibility="secondary")
        b.ledger(
            patients[0], settled, "-50.00", DAYS[5], responsibility="secondary", kind="payment"
        )
        ids["patients"] = patients
        ids["payers"] = b.payers
    return ids


@pytest.mark.parametrize("limit", [1, 4, 7, 500])
def test_every_row_exactly_once_across_pages(
    engine: Engine, seeded: dict[str, Any], limit: int
) -> None:
    svc = QueueService(engine, Clock(TODAY))
    unbilled = all_pages(svc, QueueKind.UNBILLED, limit)
    assert sorted(r.encounter_id for r in unbilled) == sorted(seeded["unbilled"])
    assert [(r.dos, r.encounter_id) for r in unbilled] == sorted(
        (r.dos, r.encounter_id) for r in unbilled
    )
    pending = all_pages(svc, QueueKind.PENDING_CLAIMS, limit)
    assert sorted(r.claim_id for r in pending) == sorted(seeded["pending"])
    denials = all_pages(svc, QueueKind.DENIALS, limit)
    assert sorted(r.work_item_id for r in denials) == sorted(seeded["denials"])
    rejections = all_pages(svc, QueueKind.REJECTIONS, limit)
    assert [r.work_item_id for r in rejections] == [
        r.work_item_id for r in sorted(rejections, key=lambda r: (r.rejected_on, r.work_item_id))
    ]
    assert sorted(r.work_item_id for r in rejections) == sorted(seeded["rejections"])
    balances = all_pages(svc, QueueKind.BALANCES, limit)
    keys = [(r.patient_id, r.responsibility) for r in balances]
    assert len(keys) == len(set(keys))
    assert set(keys) == seeded["balances"]


def test_rows_carry_what_the_biller_needs(engine: Engine, seeded: dict[str, Any]) -> None:
    svc = QueueService(engine, Clock(TODAY))
    first = svc.page(QueueKind.UNBILLED, QueueFilter(), None, 1).rows[0]
    assert first.charges == Decimal("15.50")
    assert first.age_days == 40
    assert first.provider_name == "Lee, Ann"
    pending = all_pages(svc, QueueKind.PENDING_CLAIMS, 50)
    waiting = {r.claim_id: r for r in pending}
    assert {r.status for r in pending} == {"ready", "submitted", "rejected_999", "rejected_277ca"}
    assert all(r.days_waiting in (3, 40) for r in waiting.values() if r.amount == 80)
    rejections = all_pages(svc, QueueKind.REJECTIONS, 50)
    reasons = {r.reason for r in rejections}
    assert reasons == {
        "999: NM1 #12 NM109: invalid member id",
        "277CA A7:164 entity's member id is not valid",
    }
    assert all(r.status.startswith("rejected") and r.amount == Decimal("70.00")
               for r in rejections)  # fmt: skip
    denial = svc.page(QueueKind.DENIALS, QueueFilter(), None, 1).rows[0]
    assert denial.group_code == "CO" and denial.carc == "16"
    # no official list loaded in this database: our own words; unknown codes stay named
    assert denial.carc_text == carc_words("16") != "unknown CARC 16"
    assert denial.category is None  # the factory's item predates routing
    balances = all_pages(svc, QueueKind.BALANCES, 50)
    brown = [r for r in balances if r.patient_name.startswith("Brown")]
    assert {r.responsibility for r in brown} == {"primary", "patient"}
    primary = next(r for r in brown if r.responsibility == "primary")
    assert primary.buckets == (Decimal(0), Decimal(0), Decimal("70.00"), Decimal(0), Decimal(0))
    assert primary.total == sum(primary.buckets)


def test_text_filter_matches_name_prefix_and_account(
    engine: Engine, seeded: dict[str, Any]
) -> None:
    svc = QueueService(engine, Clock(TODAY))
    smith = all_pages(svc, QueueKind.UNBILLED, 3, QueueFilter(text="smith"))
    assert {r.patient_name.split(",")[0] for r in smith} == {"Smith", "Smithers"}
    exact = all_pages(svc, QueueKind.UNBILLED, 3, QueueFilter(text="Smith, pat"))
    assert {r.patient_name.split(",")[0] for r in exact} == {"Smith", "Smithers"}
    none = all_pages(svc, QueueKind.UNBILLED, 3, QueueFilter(text="Smith, zed"))
    assert none == []
    by_account = all_pages(svc, QueueKind.DENIALS, 3, QueueFilter(text="a0002"))
    assert by_account and {r.account_no for r in by_account} == {"A0002"}
    wildcard = all_pages(svc, QueueKind.PENDING_CLAIMS, 3, QueueFilter(text="%"))
    assert wildcard == []


def test_payer_filter(engine: Engine, seeded: dict[str, Any]) -> None:
    svc = QueueService(engine, Clock(TODAY))
    payer = seeded["payers"][1]
    for kind in QueueKind:
        rows = all_pages(svc, kind, 5, QueueFilter(payer_id=payer))
        everything = all_pages(svc, kind, 500)
        assert 0 < len(rows) < len(everything), kind


def test_summaries_match_the_rows(engine: Engine, seeded: dict[str, Any]) -> None:
    svc = QueueService(engine, Clock(TODAY))
    summaries = {s.kind: s for s in svc.summaries()}
    assert summaries[QueueKind.UNBILLED].count == 23
    assert summaries[QueueKind.UNBILLED].amount == Decimal("356.50")
    assert summaries[QueueKind.PENDING_CLAIMS].count == 23 + 8  # 8 of them rejected
    assert summaries[QueueKind.PENDING_CLAIMS].amount == Decimal("2400.00")
    assert summaries[QueueKind.REJECTIONS].count == 8
    assert summaries[QueueKind.REJECTIONS].amount == Decimal("560.00")
    assert summaries[QueueKind.DENIALS].amount == Decimal("2300.00")
    balances = all_pages(svc, QueueKind.BALANCES, 500)
    assert summaries[QueueKind.BALANCES].count == len(balances)
    assert summaries[QueueKind.BALANCES].amount == sum(r.total for r in balances)


def test_empty_database_has_empty_queues(engine: Engine) -> None:
    svc = QueueService(engine, Clock(TODAY))
    for kind in QueueKind:
        page = svc.page(kind, QueueFilter(), None, 10)
        assert page.rows == () and page.next_cursor is None
    assert all(s.count == 0 and s.amount == Decimal("0.00") for s in svc.summaries())


def test_page_size_must_be_positive(engine: Engine) -> None:
    svc = QueueService(engine, Clock(TODAY))
    with pytest.raises(ValueError):
        svc.page(QueueKind.UNBILLED, QueueFilter(), None, 0)


def test_unbilled_rows_carry_scrubber_counts(demo_engine: Engine) -> None:
    svc = QueueService(demo_engine, Clock(date(2026, 11, 2)))
    rows = all_pages(svc, QueueKind.UNBILLED, 100)
    assert any(r.errors for r in rows), "the demo has unbillable encounters"
    assert any(r.errors == 0 for r in rows)
    assert all(r.errors >= 0 and r.warnings >= 0 for r in rows)


def test_pending_timer_filters(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Timer")
        old, fresh = TODAY - timedelta(days=40), TODAY
        ids = {
            "late 999": b.claim(p, old, "submitted", created=old, submitted=old),
            "fresh": b.claim(p, fresh, "submitted", created=fresh, submitted=fresh),
            "late 277": b.claim(p, old, "accepted_999", created=old, submitted=old),
            "late pay": b.claim(p, old, "acknowledged_277ca", created=old, submitted=old),
            "ready": b.claim(p, old, "ready", created=old),
        }
    svc = QueueService(engine, Clock(TODAY), Timers(no_999=1, no_277ca=2, no_payment=30))

    def found(timer: str) -> set[str]:
        rows = all_pages(svc, QueueKind.PENDING_CLAIMS, 10, QueueFilter(timer=timer))
        return {name for name, cid in ids.items() if cid in {r.claim_id for r in rows}}

    assert found("no-999") == {"late 999"}
    assert found("no-277ca") == {"late 999", "late 277"}
    assert found("no-payment") == {"late pay"}
    lenient = QueueService(engine, Clock(TODAY), Timers(no_payment=60))
    rows = all_pages(lenient, QueueKind.PENDING_CLAIMS, 10, QueueFilter(timer="no-payment"))
    assert rows == []
    with engine.begin() as conn:  # this payer pays within 45 days: a claim 40 days old waits
        conn.execute(text("UPDATE payer SET payment_timer_days = 45"))
    assert found("no-payment") == set()
    with engine.begin() as conn:  # a quick payer: 40 days is late even under a lenient setting
        conn.execute(text("UPDATE payer SET payment_timer_days = 21"))
    rows = all_pages(lenient, QueueKind.PENDING_CLAIMS, 10, QueueFilter(timer="no-payment"))
    assert [r.claim_id for r in rows] == [ids["late pay"]]
    with pytest.raises(ValueError, match="unknown timer"):
        svc.page(QueueKind.PENDING_CLAIMS, QueueFilter(timer="soon"), None, 10)


def test_pending_rows_show_the_last_answer(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Answer")
        day = TODAY - timedelta(days=5)
        waiting = b.claim(p, day, "submitted", created=day, submitted=day)
        answered = b.claim(p, day, "acknowledged_277ca", created=day, submitted=day)
        ready = b.claim(p, day, "ready", created=day)
        for at, new in (
            ("2026-10-29 09:00+00", "accepted_999"),
            ("2026-10-30 09:00+00", "acknowledged_277ca"),
            ("2026-10-31 09:00+00", "paid"),
        ):  # not an answer: ignored
            conn.execute(
                text("INSERT INTO claim_event (claim_id, at, actor, from_status, to_status) "
                     "VALUES (:c, :at, 't', 'submitted', :s)"),
                {"c": answered, "at": at, "s": new},
            )  # fmt: skip
    rows = {r.claim_id: r for r in all_pages(QueueService(engine, Clock(TODAY)),
                                               QueueKind.PENDING_CLAIMS, 10)}  # fmt: skip
    assert rows[answered].last_ack == "277 ok 10/30"
    assert rows[waiting].last_ack == ""
    assert rows[ready].last_ack == ""
    assert "none yet" in cell_values(rows[waiting])  # sent, nothing back yet
    assert "none yet" not in cell_values(rows[ready])  # not sent: no answer expected
