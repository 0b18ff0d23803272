"""Whether the database answers at all."""

from __future__ import annotations

from sqlalchemy import Connection, text


def ping(conn: Connection) -> None:
    """One trivial query: raises (OperationalError) when the server does not answer."""
    conn.execute(text("SELECT 1"))
