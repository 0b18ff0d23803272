"""Writing a code-set table: bulk COPY, the release it came from, and the refusal of a file
with bad rows (shared by the code sets and the NCCI edits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text


class CodeLoadError(Exception):
    """A release file had bad rows; nothing was loaded. `errors` lists them."""

    def __init__(self, errors: tuple[Any, ...]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(f"{len(errors)} bad row(s), nothing loaded: {shown}{more}")


def copy_rows(
    conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """COPY rows into `table` on the connection's own transaction (psycopg 3)."""
    dbapi: Any = conn.connection.dbapi_connection
    with dbapi.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def record_release(
    conn: Connection, code_set: str, release: str, source: str, count: int, actor: str
) -> None:
    conn.execute(
        text(
            "INSERT INTO code_set_release (code_set, release, source, row_count, loaded_by) "
            "VALUES (:s, :r, :src, :n, :a) ON CONFLICT (code_set) DO UPDATE SET "
            "release = :r, source = :src, row_count = :n, loaded_by = :a, loaded_at = now()"
        ),
        {"s": code_set, "r": release, "src": source, "n": count, "a": actor},
    )
