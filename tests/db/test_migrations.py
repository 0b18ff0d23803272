"""The schema comes from Alembic: empty -> head works, and the models match it."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import (
    _head_from_files,
    alembic_head_revision,
    head_revision,
    schema_status,
    upgrade,
)
from medbill_tui.db.models import Base
from tests.conftest import PgCluster
from tests.factories import Builder


def test_upgrade_from_empty_to_head(pg: PgCluster) -> None:
    name = f"mig_{os.getpid()}"
    engine = make_engine(pg.create_database(name))
    try:
        assert schema_status(engine).empty
        upgrade(engine)
        status = schema_status(engine)
        assert status.up_to_date and status.current == head_revision()
        with engine.connect() as conn:  # the start-up check's own query agrees with Alembic
            assert MigrationContext.configure(conn).get_current_revision() == status.current
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        upgrade(engine)  # a second upgrade is a no-op
        assert schema_status(engine).up_to_date
    finally:
        engine.dispose()
        pg.drop_database(name)


# Alembic cannot compare expression indexes with operator classes; check them by name.
EXPRESSION_INDEXES = {
    "ix_patient_account_no_prefix",
    "ix_patient_last_name_lower",
    "ix_icd10cm_code_nodot",
}


def _compare_index(obj: object, name: str | None, type_: str, *_: object) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def test_models_match_the_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _compare_index})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    inspector = inspect(engine)
    names = {ix["name"] for t in ("patient", "icd10cm_code") for ix in inspector.get_indexes(t)}
    assert names >= EXPRESSION_INDEXES


@pytest.mark.parametrize("table", ["ledger_entry", "audit_event", "claim_event"])
def test_append_only_tables_refuse_update_and_delete(engine: Engine, table: str) -> None:
    with engine.begin() as conn:
        b = Builder(conn)
        patient = b.patient("Stone")
        claim = b.claim(
            patient,
            b.conn.execute(text("SELECT current_date")).scalar_one(),
            "ready",
            created=b.conn.execute(text("SELECT current_date")).scalar_one(),
        )
        encounter = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": claim}
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO ledger_entry (patient_id, encounter_id, kind, "
                "responsibility, amount, service_date, posted_by) VALUES "
                "(:p, :e, 'charge', 'primary', 10, current_date, 't')"
            ),
            {"p": patient[0], "e": encounter},
        )
        conn.execute(text("INSERT INTO audit_event (actor, action, entity) VALUES ('t','x','y')"))
        conn.execute(
            text(
                "INSERT INTO claim_event (claim_id, at, actor, to_status) "
                "VALUES (:c, now(), 't', 'ready')"
            ),
            {"c": claim},
        )
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1


def test_the_head_read_from_the_files_is_alembics() -> None:
    """The start-up check reads the head without loading Alembic; it must find the same one."""
    assert _head_from_files() == alembic_head_revision() == head_revision()
