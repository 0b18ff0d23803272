"""Bulk loading for the demo: one transaction, PostgreSQL COPY, foreign keys checked once.

The caller owns the transaction (a psycopg 3 connection with autocommit off). Loading follows
PostgreSQL's advice for populating a database: empty the tables with TRUNCATE, drop the foreign
keys of the tables being filled, COPY the rows, put the same foreign keys back (which checks
every row once, in one query per key), reset the sequences and ANALYZE. As everything happens
in the caller's transaction, an error or a rollback leaves the schema and data as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Cursor, sql

KEEP_TABLES = frozenset(
    {
        "app_user",
        "audit_event",
        "alembic_version",
        "icd10cm_code",
        "pos_code",
        "modifier_code",
        "code_set_release",
        "ncci_ptp",
        "mue",
    }
)
"""Tables a demo load never empties: the users, the schema's revision, the audit trail (it
cannot be changed; a reload adds its own row) and the code sets."""

CLAIM_NO_SEQUENCE = "claim_no_seq"
CLAIM_NO_START = 100_000
"""claim_no is 'C' + the sequence's value; the demo's claim with id n gets CLAIM_NO_START + n."""


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What is in the database before a load."""

    has_records: bool  # patients, encounters, claims or a practice
    is_demo: bool  # a practice row exists and every practice row is a demo


def database_state(cur: Cursor[Any]) -> DatabaseState:
    """Look at the patient, encounter, claim and practice tables."""
    row = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM patient) OR EXISTS (SELECT 1 FROM encounter)"
        " OR EXISTS (SELECT 1 FROM claim) OR EXISTS (SELECT 1 FROM practice),"
        " coalesce(bool_and(is_demo), false) FROM practice"
    ).fetchone()
    assert row is not None
    return DatabaseState(has_records=bool(row[0]), is_demo=bool(row[1]))


def schema_tables(cur: Cursor[Any]) -> list[str]:
    """Every table of the current schema, sorted by name."""
    rows = cur.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _truncate_guards(cur: Cursor[Any], state: str) -> None:
    """DISABLE or ENABLE the BEFORE TRUNCATE triggers of the append-only tables."""
    rows = cur.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE t.tgname LIKE '%_no_truncate'"
    ).fetchall()
    for table, trigger in rows:
        cur.execute(
            sql.SQL("ALTER TABLE {} " + state + " TRIGGER {}").format(
                sql.Identifier(table), sql.Identifier(trigger)
            )
        )


def empty_tables(cur: Cursor[Any]) -> frozenset[str]:
    """TRUNCATE every table but KEEP_TABLES (restarting their ids) and restart claim_no_seq.

    Returns the tables emptied.
    """
    tables = [t for t in schema_tables(cur) if t not in KEEP_TABLES]
    names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
    # The append-only tables refuse TRUNCATE (migration 0009); a demo load replaces the whole
    # database on purpose, so it lifts that guard inside its own transaction only.
    _truncate_guards(cur, "DISABLE")
    cur.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))
    _truncate_guards(cur, "ENABLE")
    cur.execute(sql.SQL("ALTER SEQUENCE {} RESTART").format(sql.Identifier(CLAIM_NO_SEQUENCE)))
    return frozenset(tables)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key as PostgreSQL describes it, enough to create it again."""

    table: str
    name: str
    definition: str


def drop_foreign_keys(cur: Cursor[Any], tables: Iterable[str]) -> list[ForeignKey]:
    """Drop the foreign keys declared on `tables`; return them for `restore_foreign_keys`."""
    rows = cur.execute(
        "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY(%s)"
        " ORDER BY c.conname",
        (list(tables),),
    ).fetchall()
    keys = [ForeignKey(str(r[0]), str(r[1]), str(r[2])) for r in rows]
    for key in keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(key.table), sql.Identifier(key.name)
            )
        )
    return keys


def restore_foreign_keys(cur: Cursor[Any], keys: Sequence[ForeignKey]) -> None:
    """Create the dropped foreign keys again; PostgreSQL checks every existing row."""
    for key in keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.Identifier(key.table), sql.Identifier(key.name)
            )
            + sql.SQL(key.definition)  # PostgreSQL's own text
        )


@dataclass(frozen=True, slots=True)
class PlainIndex:
    """A secondary index that backs no constraint, enough to create it again."""

    name: str
    definition: str


def drop_plain_indexes(cur: Cursor[Any], tables: Iterable[str]) -> list[PlainIndex]:
    """Drop the plain column indexes of `tables` (not unique, partial or on expressions, and
    backing no constraint); return them for `create_indexes`.

    Building an index once after a bulk load is much cheaper than updating it row by row. Only
    plain column lists are dropped because PostgreSQL recreates them from `pg_get_indexdef`
    exactly as they were (a partial index's predicate would come back spelled differently).
    """
    rows = cur.execute(
        "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT i.indisunique"
        " AND i.indexprs IS NULL AND i.indpred IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        " ORDER BY ic.relname",
        (list(tables),),
    ).fetchall()
    indexes = [PlainIndex(str(r[0]), str(r[1])) for r in rows]
    for index in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index.name)))
    return indexes


def create_indexes(cur: Cursor[Any], indexes: Sequence[PlainIndex]) -> None:
    """Build the dropped indexes again."""
    for index in indexes:
        cur.execute(sql.SQL(index.definition))  # PostgreSQL's own text


def column_types(
    cur: Cursor[Any], tables: Sequence[tuple[str, Sequence[str]]]
) -> dict[str, list[int]]:
    """Type oids of each table's listed columns (binary COPY needs them)."""
    rows = cur.execute(
        "SELECT c.relname, a.attname, a.atttypid FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = ANY(%s) AND a.attnum > 0"
        " AND NOT a.attisdropped",
        ([t for t, _ in tables],),
    ).fetchall()
    found = {(str(r[0]), str(r[1])): int(r[2]) for r in rows}
    types: dict[str, list[int]] = {}
    for table, columns in tables:
        missing = [c for c in columns if (table, c) not in found]
        if missing:
            raise RuntimeError(f"the database's {table} table has no column {missing[0]}")
        types[table] = [found[(table, c)] for c in columns]
    return types


def copy_rows(
    cur: Cursor[Any],
    table: str,
    columns: Sequence[str],
    types: Sequence[int],
    rows: Iterable[Sequence[object]],
    *,
    freeze: bool,
) -> None:
    """Binary COPY of `rows` into `table`; `freeze` when it was truncated in this transaction
    (the rows are then written already frozen, sparing a later vacuum)."""
    options = sql.SQL("FORMAT BINARY, FREEZE" if freeze else "FORMAT BINARY")
    statement = sql.SQL("COPY {} ({}) FROM STDIN ({})").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns), options
    )
    with cur.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def reset_sequences(cur: Cursor[Any], id_tables: Iterable[str], claims: int) -> None:
    """Point each table's id sequence past its largest id, and claim_no_seq past the claims."""
    for table in id_tables:
        cur.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), coalesce(max(id), 0) + 1, false)"
                " FROM {i}"
            ).format(t=sql.Literal(table), i=sql.Identifier(table))
        )
    cur.execute("SELECT setval(%s, %s, false)", (CLAIM_NO_SEQUENCE, CLAIM_NO_START + claims + 1))


def analyze(cur: Cursor[Any], tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of `tables`."""
    names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
    cur.execute(sql.SQL("ANALYZE {}").format(names))
