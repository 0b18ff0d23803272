"""The schema comes from Alembic: empty -> head works, and `db.schema` describes it exactly."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from medbill_tui.db.engine import make_engine
from medbill_tui.db.migrate import (
    COMPARE_OPTIONS,
    _head_from_files,
    alembic_head_revision,
    check,
    head_revision,
    schema_status,
    upgrade,
)
from medbill_tui.db.schema import metadata
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
        assert set(metadata.tables) <= tables
        upgrade(engine)  # a second upgrade is a no-op
        assert schema_status(engine).up_to_date
    finally:
        engine.dispose()
        pg.drop_database(name)


def _differences(engine: Engine) -> list[object]:
    """Alembic autogenerate's differences between `db.schema` and the database."""
    with warnings.catch_warnings():
        # Alembic warns, and skips the index, when it cannot compare an expression: fail then.
        warnings.simplefilter("error")
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=COMPARE_OPTIONS)
            return list(compare_metadata(context, metadata))


def _what_and_where(difference: Any) -> tuple[str, str]:
    """('modify_type', 'note.body') for a column, ('remove_index', name) for an object."""
    first = difference[0] if isinstance(difference, list) else difference
    if first[0].startswith("modify_"):
        return first[0], f"{first[2]}.{first[3]}"
    return first[0], first[1].name


def test_the_schema_package_matches_the_migrations(engine: Engine) -> None:
    """What `alembic check` compares: tables, columns, types, server defaults, nullability,
    foreign keys, unique constraints, indexes (expressions included)."""
    differences = _differences(engine)
    assert not differences, "db.schema and migrations/ differ:\n" + "\n".join(map(str, differences))


def test_alembic_check_is_clean(engine: Engine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(engine)


# What Alembic does not compare, read from the catalog in PostgreSQL's own words: index
# predicates, INCLUDE columns, methods and operator classes, CHECK constraints, foreign key
# actions, default expressions and sequences. The functions and triggers of the migrations
# are not described by db.schema, so neither database's are read.
CATALOG = {
    "index": """
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid)
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = 'public'::regnamespace""",
    "constraint": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace""",
    "column": """
        SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
          FROM pg_attribute a
          JOIN pg_class t ON t.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r'
           AND a.attnum > 0 AND NOT a.attisdropped""",
    "sequence": """
        SELECT sequencename, data_type::text,
               concat_ws(' ', start_value, min_value, max_value, increment_by, cycle)
          FROM pg_sequences
         WHERE schemaname = 'public'""",
}


def _catalog(engine: Engine) -> set[tuple[str, ...]]:
    with engine.connect() as conn:
        return {
            (kind, *row)
            for kind, query in CATALOG.items()
            for row in conn.execute(text(query))
            if "alembic_version" not in row[0]
        }


def _catalog_differences(migrated: Engine, described: Engine) -> list[str]:
    ours, theirs = _catalog(migrated), _catalog(described)
    return [f"migrations only: {fact}" for fact in sorted(ours - theirs)] + [
        f"db.schema only: {fact}" for fact in sorted(theirs - ours)
    ]


@pytest.fixture
def described(pg: PgCluster) -> Iterator[Engine]:
    """An empty database with the schema built by `metadata.create_all` (no migration)."""
    name = f"described_{os.getpid()}"
    engine = make_engine(pg.create_database(name))
    metadata.create_all(engine)
    yield engine
    engine.dispose()
    pg.drop_database(name)


def test_the_catalog_built_from_the_schema_package_is_the_migrations(
    engine: Engine, described: Engine
) -> None:
    differences = _catalog_differences(engine, described)
    assert not differences, "\n".join(differences)


DRIFT = [
    "ALTER TABLE claim ALTER COLUMN frequency SET DEFAULT '7'",
    "ALTER TABLE note ALTER COLUMN body TYPE varchar(500)",
    "CREATE INDEX ix_claim_submitted_on ON claim (submitted_on)",
    "DROP INDEX ix_claim_pending",
    "CREATE INDEX ix_claim_pending ON claim (coalesce(submitted_on, created_on), id)"
    " WHERE status = 'ready'",
    "DROP INDEX ix_patient_account_no_prefix",
    "CREATE INDEX ix_patient_account_no_prefix ON patient (upper(account_no))",
    "ALTER TABLE coverage DROP CONSTRAINT ck_coverage_priority",
    "ALTER TABLE coverage ADD CONSTRAINT ck_coverage_priority CHECK (priority BETWEEN 1 AND 4)",
    "ALTER SEQUENCE claim_no_seq MAXVALUE 999999",
]


def test_the_comparisons_report_a_drift(engine: Engine, described: Engine) -> None:
    """Each kind of difference above is reported by one of the two comparisons."""
    with engine.begin() as conn:
        for statement in DRIFT:
            conn.execute(text(statement))
    assert {_what_and_where(difference) for difference in _differences(engine)} == {
        ("modify_default", "claim.frequency"),
        ("modify_type", "note.body"),
        ("remove_index", "ix_claim_submitted_on"),
    }
    catalog_sees = "\n".join(_catalog_differences(engine, described))
    for words in (
        "WHERE ((status)::text = 'ready'::text)",
        "(upper((account_no)::text))",
        "CHECK (((priority >= 1) AND (priority <= 4)))",
        "'claim_no_seq', 'bigint', '100001 1 999999 1 f'",
    ):
        assert words in catalog_sees, catalog_sees


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


def test_0020_gives_self_coverages_the_patients_sex(pg: PgCluster) -> None:
    name = f"mig20_{os.getpid()}"
    engine = make_engine(pg.create_database(name))
    try:
        upgrade(engine, "0019")
        with engine.begin() as conn:
            pid = conn.execute(
                text(
                    "INSERT INTO patient (account_no, first_name, last_name, dob, sex, "
                    "address1, city, state, zip) VALUES ('A1', 'Ann', 'Lee', '1980-01-01', "
                    "'F', '1 Main St', 'Town', 'NY', '10001') RETURNING id"
                )
            ).scalar_one()
            payer = conn.execute(
                text(
                    "INSERT INTO payer (name, payer_code, claim_filing_indicator) "
                    "VALUES ('Acme', 'P1', 'CI') RETURNING id"
                )
            ).scalar_one()
            for relationship, priority in (("18", 1), ("19", 2)):
                conn.execute(
                    text(
                        "INSERT INTO coverage (patient_id, payer_id, member_id, relationship, "
                        "priority, effective_from) VALUES (:p, :py, 'M1', :r, :n, "
                        "'2020-01-01')"
                    ),
                    {"p": pid, "py": payer, "r": relationship, "n": priority},
                )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT relationship, subscriber_sex FROM coverage ORDER BY priority")
            ).all()
        assert [tuple(r) for r in rows] == [("18", "F"), ("19", None)]
    finally:
        engine.dispose()
        pg.drop_database(name)
