"""Bulk rows (`bulk.execute_rows`) on a real database: COPY writes what the INSERTs write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from medbill_tui.db.repositories.bulk import BulkWay, execute_rows

UNMATCHED = """INSERT INTO work_item (kind, amount, opened_on, detail, source,
                   claim_payment_id, patient_control_no, payer_claim_no, patient_name)
               VALUES ('unmatched', :amt, :d, :detail, '835', :cp, :pcn, :pcc, :name)"""
"""The 835 posting's own statement: string literals among the parameters."""

ROWS: list[dict[str, Any]] = [
    {
        "amt": Decimal("12.34"),
        "d": date(2026, 11, 2),
        "detail": 'O\'Brien\tpaid\nback\\slash, "quoted"',
        "cp": None,
        "pcn": "C1",
        "pcc": None,
        "name": "Ann O'Brien",
    },
    {
        "amt": Decimal("-0.01"),
        "d": date(2026, 1, 31),
        "detail": "",
        "cp": None,
        "pcn": "C2",
        "pcc": "PCC 2",
        "name": None,
    },
]

_READ = """SELECT kind, status, amount, opened_on, detail, source, claim_payment_id,
                  patient_control_no, payer_claim_no, patient_name
           FROM work_item ORDER BY patient_control_no"""


def _written(conn: Connection, way: BulkWay) -> list[tuple[Any, ...]]:
    conn.execute(text("DELETE FROM work_item"))
    execute_rows(conn, UNMATCHED, ROWS, way)
    return [tuple(r) for r in conn.execute(text(_READ))]


def test_copy_writes_what_the_inserts_write(engine: Engine) -> None:
    with engine.connect() as conn:
        by_copy = _written(conn, "copy")
        assert by_copy == _written(conn, "values") == _written(conn, "pipeline")
        conn.rollback()
    assert by_copy[0][0:5] == (
        "unmatched",
        "open",
        Decimal("12.34"),
        date(2026, 11, 2),
        'O\'Brien\tpaid\nback\\slash, "quoted"',
    )
    assert by_copy[1][5:] == ("835", None, "C2", "PCC 2", None)


def test_an_expression_copy_cannot_take_runs_as_inserts(engine: Engine) -> None:
    sql = UNMATCHED.replace(":amt,", ":amt * 2,")
    with engine.connect() as conn:
        execute_rows(conn, sql, ROWS, "copy")
        amounts = conn.execute(text("SELECT amount FROM work_item ORDER BY amount")).scalars()
        assert list(amounts) == [Decimal("-0.02"), Decimal("24.68")]
        conn.rollback()


def test_a_bad_row_raises_the_insert_error_and_writes_nothing(engine: Engine) -> None:
    rows = [ROWS[0], {**ROWS[1], "cp": 999_999}]  # no such claim payment
    with engine.connect() as conn, pytest.raises(IntegrityError, match="claim_payment"):
        execute_rows(conn, UNMATCHED, rows, "copy")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM work_item")).scalar_one() == 0
