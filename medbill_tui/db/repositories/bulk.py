"""Many rows in few statements: an `INSERT ... VALUES (:a, :b)` for a list of rows becomes
multi-row INSERTs (up to `CHUNK_ROWS` rows each) instead of one statement per row.

Used where a posting writes thousands of rows (an 835 of 10,000 claims writes ~100,000): the
server then parses, plans and executes a few dozen statements instead of one per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, text

CHUNK_ROWS = 1000
_INSERT_VALUES = re.compile(r"^\s*(INSERT\s+INTO\s.+?\))\s*VALUES\s*\((.*)\)\s*$", re.S | re.I)
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def execute_rows(conn: Connection, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run `sql` once per row; a plain INSERT ... VALUES runs as multi-row INSERTs."""
    match = _INSERT_VALUES.match(sql)
    if match is None or len(rows) < 2 or "%" in sql:
        conn.execute(text(sql), list(rows))
        return
    head, values = match.groups()
    names = _PARAM.findall(values)
    one = "(" + _PARAM.sub("%s", values) + ")"
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        statement = f"{head} VALUES " + ", ".join([one] * len(part))
        conn.exec_driver_sql(statement, tuple(row[name] for row in part for name in names))
