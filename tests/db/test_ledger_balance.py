"""ledger_balance (migration 0011): the trigger keeps it equal to the ledger's sums, through
single and multi-row inserts and reversals; `ledger check` notices when it is not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, text

from medbill_tui.db.balance_sql import BALANCE_KEY
from medbill_tui.db.demo import load_demo
from medbill_tui.db.repositories import reports
from medbill_tui.db.repositories.ledger_check import check_ledger
from medbill_tui.domain.report_period import day_start
from tests.conftest import DEMO_TODAY
from tests.factories import Builder

DOS = date(2026, 10, 1)


def maintained(conn: Connection) -> dict[tuple[object, ...], Decimal]:
    rows = conn.execute(text(f"SELECT {BALANCE_KEY}, amount FROM ledger_balance"))
    return {tuple(r[:5]): Decimal(r[5]) for r in rows}


def summed(conn: Connection) -> dict[tuple[object, ...], Decimal]:
    rows = conn.execute(
        text(f"SELECT {BALANCE_KEY}, sum(amount) FROM ledger_entry GROUP BY {BALANCE_KEY}")
    )
    return {tuple(r[:5]): Decimal(r[5]) for r in rows}


def accounts(conn: Connection) -> dict[tuple[object, ...], Decimal]:
    rows = conn.execute(text("SELECT patient_id, responsibility, amount FROM account_balance"))
    return {(r[0], r[1]): Decimal(r[2]) for r in rows if r[2] != 0}


def account_sums(conn: Connection) -> dict[tuple[object, ...], Decimal]:
    rows = conn.execute(
        text(
            "SELECT patient_id, responsibility, sum(amount) FROM ledger_entry"
            " GROUP BY 1, 2 HAVING sum(amount) <> 0"
        )
    )
    return {(r[0], r[1]): Decimal(r[2]) for r in rows}


def balance_problems(conn: Connection) -> list[str]:
    checks = ("balance table", "account balance table")
    return [p.detail for p in check_ledger(conn) if p.what in checks]


def test_trigger_keeps_the_sums_through_posting_and_reversal(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        ann = b.patient("Ames", account="L0001", payer=b.payers[0])
        claim = b.claim(ann, DOS, "acknowledged_277ca", created=DOS, amount="120.00")
        eid = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": claim}
        ).scalar_one()
        charge = b.ledger(ann, eid, "120.00", DOS, claim_id=claim)
        b.ledger(ann, eid, "35.00", DOS, responsibility="patient")  # no claim: a NULL key part
        b.ledger(ann, eid, "5.00", DOS, responsibility="patient")
        # One statement, several rows, two of them on the same sum.
        conn.execute(
            text(
                "INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,"
                " responsibility, amount, service_date, posted_by) VALUES"
                " (:p, :e, :c, 'payment', 'primary', -80.00, :d, 'test'),"
                " (:p, :e, :c, 'adjustment', 'primary', -10.00, :d, 'test'),"
                " (:p, :e, :c, 'transfer', 'patient', 30.00, :d, 'test')"
            ),
            {"p": ann[0], "e": eid, "c": claim, "d": DOS},
        )
        conn.execute(  # a reversal is one more insert, negating the charge
            text(
                "INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,"
                " responsibility, amount, service_date, posted_by, reverses_id)"
                " SELECT patient_id, encounter_id, claim_id, 'reversal', responsibility,"
                " -amount, service_date, 'test', id FROM ledger_entry WHERE id = :id"
            ),
            {"id": charge},
        )
        sums = maintained(conn)
        assert sums == summed(conn)
        assert (
            accounts(conn)
            == account_sums(conn)
            == {
                (ann[0], "primary"): Decimal("-90.00"),
                (ann[0], "patient"): Decimal("70.00"),
            }
        )
        assert sums[(ann[0], "primary", eid, claim, DOS)] == Decimal("-90.00")
        assert sums[(ann[0], "patient", eid, claim, DOS)] == Decimal("30.00")
        assert sums[(ann[0], "patient", eid, None, DOS)] == Decimal("40.00")
        assert balance_problems(conn) == []


def test_ledger_check_reports_a_table_that_disagrees(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        ann = b.patient("Ames", account="L0002", payer=b.payers[0])
        claim = b.claim(ann, DOS, "acknowledged_277ca", created=DOS, amount="50.00")
        eid = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": claim}
        ).scalar_one()
        b.ledger(ann, eid, "50.00", DOS, claim_id=claim)
        assert balance_problems(conn) == []
        conn.execute(text("UPDATE ledger_balance SET amount = amount + 1"))
        problems = balance_problems(conn)
        assert len(problems) == 1
        assert "the ledger sums to 50.00 but ledger_balance holds 51.00" in problems[0]
        conn.execute(text("DELETE FROM ledger_balance"))
        conn.execute(text("UPDATE account_balance SET amount = 0"))
        problems = balance_problems(conn)
        assert len(problems) == 2
        assert "the ledger sums to 50.00 but account_balance holds 0.00" in problems[1]


def test_demo_load_fills_the_table_and_posting_keeps_it(engine: Engine) -> None:
    load_demo(engine, encounters=300, seed=3, today=date(2026, 11, 2))
    with engine.begin() as conn:
        assert maintained(conn) == summed(conn)
        assert accounts(conn) == account_sums(conn)
        assert conn.execute(text("SELECT count(*) FROM ledger_balance")).scalar_one() > 0
        assert balance_problems(conn) == []
        row = conn.execute(
            text("SELECT patient_id, encounter_id FROM ledger_entry ORDER BY id LIMIT 1")
        ).one()
        conn.execute(
            text(
                "INSERT INTO ledger_entry (patient_id, encounter_id, kind, responsibility,"
                " amount, service_date, posted_by) VALUES (:p, :e, 'payment', 'patient',"
                " -12.34, :d, 'test')"
            ),
            {"p": row.patient_id, "e": row.encounter_id, "d": DOS},
        )
        assert maintained(conn) == summed(conn)
        assert accounts(conn) == account_sums(conn)


def test_aging_from_the_balance_table_equals_aging_from_the_ledger(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo_engine.connect() as conn:
        params = {"cutoff": day_start(DEMO_TODAY + timedelta(days=1))}
        assert reports._aging_source(conn, params)["source"] == reports.OPEN_VISIT_SUMS
        past = {"cutoff": day_start(DEMO_TODAY - timedelta(days=30))}
        assert reports._aging_source(conn, past)["source"] == "ledger_entry"
        cases = [(since, payer) for since in ("service", "billed") for payer in (False, True)]
        fast = [reports.aging(conn, DEMO_TODAY, since, payer) for since, payer in cases]
        monkeypatch.setattr(
            reports,
            "_aging_source",
            lambda _c, _p: {"source": "ledger_entry", "posted": "le.posted_at < :cutoff"},
        )
        slow = [reports.aging(conn, DEMO_TODAY, since, payer) for since, payer in cases]
    assert fast == slow
    assert fast[0].count > 0


def test_ledger_check_reports_a_claim_whose_charge_entries_differ(engine: Engine) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        ann = b.patient("Ames", account="L0003", payer=b.payers[0])
        claim = b.claim(ann, DOS, "acknowledged_277ca", created=DOS, amount="120.00")
        eid = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": claim}
        ).scalar_one()
        b.ledger(ann, eid, "100.00", DOS, claim_id=claim)
        found = [p.detail for p in check_ledger(conn) if p.what == "claim charge"]
        assert len(found) == 1
        assert "charges 120.00 but its charge entries sum to 100.00" in found[0]
        b.ledger(ann, eid, "20.00", DOS, claim_id=claim)
        assert [p for p in check_ledger(conn) if p.what == "claim charge"] == []
