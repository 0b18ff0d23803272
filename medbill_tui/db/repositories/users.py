"""The app's users (`app_user`): who may use the app, with which role.

Every write goes through the database's `medbill_user_*` functions (migration 0022), which
also create the person's PostgreSQL login role, switch it LOGIN / NOLOGIN and move it to the
group of their role, in the caller's transaction; only a member of `medbill_admin` (or the
database's owner) may call them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, text

from medbill_tui.records.users import AppUserRecord

_COLUMNS = "login, role, active, created_at, coalesce(full_name, '') AS full_name"


def _record(row: Row[Any]) -> AppUserRecord:
    return AppUserRecord(row.login, row.role, row.active, row.created_at, row.full_name)


def find_user(conn: Connection, login: str, *, lock: bool = False) -> AppUserRecord | None:
    """The user with this login (exact), or None; `lock` holds the row until commit."""
    suffix = " FOR UPDATE" if lock else ""
    row = conn.execute(
        text(f"SELECT {_COLUMNS} FROM app_user WHERE login = :l{suffix}"), {"l": login}
    ).one_or_none()
    return None if row is None else _record(row)


def list_users(conn: Connection) -> list[AppUserRecord]:
    """Every user, active ones first, then by login."""
    rows = conn.execute(text(f"SELECT {_COLUMNS} FROM app_user ORDER BY active DESC, login"))
    return [_record(r) for r in rows]


def count_users(conn: Connection) -> int:
    """How many users the database knows (active or not)."""
    return int(conn.execute(text("SELECT count(*) FROM app_user")).scalar_one())


def lock_users(conn: Connection) -> None:
    """Serialise user changes (the last-admin and first-admin checks read the whole table)."""
    conn.execute(text("LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE"))


def user_id(conn: Connection, login: str) -> int:
    """The row id of an existing user (for the audit trail)."""
    sql = "SELECT id FROM app_user WHERE login = :l"
    return int(conn.execute(text(sql), {"l": login}).scalar_one())


def insert_user(conn: Connection, login: str, role: str, full_name: str = "") -> int:
    """Add an active user; returns its id."""
    sql = "SELECT medbill_user_add(:l, :r, :n)"
    params = {"l": login, "r": role, "n": full_name or None}
    return int(conn.execute(text(sql), params).scalar_one())


def set_full_name(conn: Connection, login: str, full_name: str) -> None:
    """Change how a user signs letters (empty: not given)."""
    conn.execute(
        text("SELECT medbill_user_name(:l, :n)"),
        {"l": login, "n": full_name or None},
    )


def update_user(
    conn: Connection, login: str, *, role: str | None = None, active: bool | None = None
) -> None:
    """Change a user's role and/or whether they may use the app."""
    conn.execute(
        text("SELECT medbill_user_set(:l, CAST(:r AS text), CAST(:a AS boolean))"),
        {"l": login, "r": role, "a": active},
    )
