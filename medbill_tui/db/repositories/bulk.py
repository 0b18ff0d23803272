"""Many rows in few round trips: an `INSERT ... VALUES (:a, :b)` for a list of rows goes in with
one `COPY ... FROM STDIN` (psycopg's `cursor.copy()`, on the connection's own transaction).

Used where a posting writes thousands of rows (an 835 of 10,000 claims writes ~100,000). COPY
measured fastest (`benchmarks/era_835.py --bulk`, docs/performance.md): the server neither
parses nor plans per row or per statement, and psycopg sends the rows as one stream instead of
formatting statement text. The other ways are kept for that benchmark: `pipeline` (prepared
`executemany` in pipeline mode) and `values` (multi-row INSERTs of up to `CHUNK_ROWS` rows).

COPY takes only a column list, so the VALUES may hold only `:name` parameters and plain
string literals; any other INSERT (or a statement that is no INSERT) runs as SQLAlchemy's
executemany. Row triggers fire for COPY as for INSERT; statement triggers fire once a COPY.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import psycopg
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

BulkWay = Literal["copy", "pipeline", "values"]

WAY: BulkWay = "copy"
"""How `execute_rows` writes an INSERT's rows (only the benchmark changes it)."""

CHUNK_ROWS = 1000
_INSERT_VALUES = re.compile(
    r"^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*$", re.S | re.I
)
_VALUE = re.compile(r"\s*(?::(\w+)|'((?:[^']|'')*)')\s*(?:,|$)")
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def execute_rows(
    conn: Connection, sql: str, rows: Sequence[Mapping[str, Any]], way: BulkWay | None = None
) -> None:
    """Run `sql` once per row; a plain INSERT ... VALUES goes in as one COPY (or `way`)."""
    way = way or WAY
    match = _INSERT_VALUES.match(sql)
    if match is None or len(rows) < 2 or "%" in sql:
        conn.execute(text(sql), list(rows))
        return
    table, column_list, values = match.groups()
    if way == "values":
        _multi_row_inserts(conn, sql, rows)
        return
    if way == "pipeline":
        _pipeline(conn, sql, rows)
        return
    fields = _fields(values)
    if fields is None:
        conn.execute(text(sql), list(rows))
        return
    columns = ", ".join(c.strip() for c in column_list.split(","))
    _copy(conn, f"COPY {table} ({columns}) FROM STDIN", fields, rows)


def _fields(values: str) -> list[tuple[str | None, str | None]] | None:
    """Each VALUES item as (parameter name, None) or (None, literal); None when an item is
    anything else (an expression COPY cannot take)."""
    fields: list[tuple[str | None, str | None]] = []
    at = 0
    while at < len(values):
        found = _VALUE.match(values, at)
        if found is None or found.end() == at:
            return None
        name, literal = found.groups()
        fields.append((name, None) if name else (None, literal.replace("''", "'")))
        at = found.end()
    return fields


def _copy(
    conn: Connection,
    statement: str,
    fields: list[tuple[str | None, str | None]],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[n] if n is not None else lit for n, lit in fields])
    except psycopg.Error as exc:
        # the caller sees the same errors (IntegrityError, ...) as from conn.execute
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _pipeline(conn: Connection, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    statement = _PARAM.sub(lambda m: f"%({m.group(1)})s", sql)
    with driver.cursor() as cursor:
        cursor.executemany(statement, rows)  # psycopg pipelines it and prepares it


def _multi_row_inserts(conn: Connection, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    match = re.match(r"^\s*(INSERT\s+INTO\s.+?\))\s*VALUES\s*\((.*)\)\s*$", sql, re.S | re.I)
    assert match is not None
    head, values = match.groups()
    names = _PARAM.findall(values)
    one = "(" + _PARAM.sub("%s", values) + ")"
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        statement = f"{head} VALUES " + ", ".join([one] * len(part))
        conn.exec_driver_sql(statement, tuple(row[name] for row in part for name in names))
