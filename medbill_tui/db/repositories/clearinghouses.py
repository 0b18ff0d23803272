"""Clearinghouses and their SFTP connections, as the clearinghouses screen keeps them."""

from __future__ import annotations

from sqlalchemy import Connection, Row, text

from medbill_tui.domain.clearinghouse_connection import ConnectionDraft
from medbill_tui.domain.practice_setup import ClearinghouseSetup
from medbill_tui.records.clearinghouses import ClearinghouseRow, ConnectionRow

_SELECT = """SELECT h.id, h.name, h.receiver_id, h.submitter_id, h.submitter_name,
                    h.contact_name, h.contact_phone, h.usage, h.is_default, h.active,
                    c.clearinghouse_id AS has_connection, c.host, c.port, c.user_name,
                    c.key_file, c.password_file, c.password_env, c.upload_dir, c.download_dir,
                    c.answer_pattern, c.after_fetch, c.send_from, c.schedule, c.host_key,
                    c.host_key_pinned_by, c.host_key_pinned_at
             FROM clearinghouse h
             LEFT JOIN clearinghouse_connection c ON c.clearinghouse_id = h.id"""


def _row(r: Row[tuple[object, ...]]) -> ClearinghouseRow:
    m = r._mapping
    connection = None
    if m["has_connection"] is not None:
        connection = ConnectionRow(
            m["host"],
            m["port"],
            m["user_name"],
            m["key_file"],
            m["password_file"],
            m["password_env"],
            m["upload_dir"],
            m["download_dir"],
            m["answer_pattern"],
            m["after_fetch"],
            m["send_from"],
            m["schedule"],
            m["host_key"],
            m["host_key_pinned_by"],
            m["host_key_pinned_at"],
        )
    return ClearinghouseRow(
        m["id"],
        m["name"],
        m["receiver_id"],
        m["submitter_id"],
        m["submitter_name"],
        m["contact_name"],
        m["contact_phone"],
        m["usage"],
        m["is_default"],
        m["active"],
        connection,
    )


def all_clearinghouses(conn: Connection) -> list[ClearinghouseRow]:
    """Every clearinghouse, active ones first, by name."""
    rows = conn.execute(text(_SELECT + " ORDER BY NOT h.active, h.name, h.id")).all()
    return [_row(r) for r in rows]


def one(conn: Connection, clearinghouse_id: int, *, lock: bool = False) -> ClearinghouseRow | None:
    sql = _SELECT + " WHERE h.id = :id" + (" FOR UPDATE OF h" if lock else "")
    row = conn.execute(text(sql), {"id": clearinghouse_id}).first()
    return None if row is None else _row(row)


def exchange_clearinghouse(conn: Connection) -> ClearinghouseRow | None:
    """The clearinghouse `medbill exchange` talks to: the default active one with a
    connection, else the first active one with a connection."""
    row = conn.execute(
        text(
            _SELECT + " WHERE h.active AND c.clearinghouse_id IS NOT NULL "
            "ORDER BY h.is_default DESC, h.id LIMIT 1"
        )
    ).first()
    return None if row is None else _row(row)


def name_taken(conn: Connection, name: str, other_than: int | None) -> bool:
    return bool(
        conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM clearinghouse WHERE lower(name) = lower(:n) "
                "AND id IS DISTINCT FROM :id)"
            ),
            {"n": name, "id": other_than},
        ).scalar_one()
    )


def payers_sending_there(conn: Connection, clearinghouse_id: int) -> int:
    return int(
        conn.execute(
            text("SELECT count(*) FROM payer WHERE clearinghouse_id = :id"),
            {"id": clearinghouse_id},
        ).scalar_one()
    )


def save_clearinghouse(
    conn: Connection, house: ClearinghouseSetup, clearinghouse_id: int | None
) -> int:
    """Add (`clearinghouse_id` None) or correct a clearinghouse; its id. Making one the
    default takes the default from the others."""
    values = {
        "name": house.name,
        "receiver": house.receiver_id,
        "submitter": house.submitter_id,
        "submitter_name": house.submitter_name,
        "contact": house.contact_name,
        "phone": house.contact_phone,
        "usage": house.usage,
        "is_default": house.is_default,
        "id": clearinghouse_id,
    }
    if house.is_default:
        conn.execute(
            text(
                "UPDATE clearinghouse SET is_default = false "
                "WHERE is_default AND id IS DISTINCT FROM :id"
            ),
            {"id": clearinghouse_id},
        )
    if clearinghouse_id is None:
        return int(
            conn.execute(
                text("""INSERT INTO clearinghouse (name, receiver_id, submitter_id,
                            submitter_name, contact_name, contact_phone, usage, is_default)
                        VALUES (:name, :receiver, :submitter, :submitter_name, :contact,
                            :phone, :usage, :is_default) RETURNING id"""),
                values,
            ).scalar_one()
        )
    conn.execute(
        text("""UPDATE clearinghouse SET name = :name, receiver_id = :receiver,
                    submitter_id = :submitter, submitter_name = :submitter_name,
                    contact_name = :contact, contact_phone = :phone, usage = :usage,
                    is_default = :is_default, active = true
                WHERE id = :id"""),
        values,
    )
    return clearinghouse_id


def save_connection(
    conn: Connection, clearinghouse_id: int, draft: ConnectionDraft, actor: str
) -> None:
    """Write the connection; a changed host or port forgets the pinned host key (the key
    belongs to the server it was seen on: the table's trigger, migration 0029)."""
    conn.execute(
        text("""INSERT INTO clearinghouse_connection AS c (clearinghouse_id, host, port,
                    user_name, key_file, password_file, password_env, upload_dir,
                    download_dir, answer_pattern, after_fetch, send_from, schedule, updated_by)
                VALUES (:id, :host, :port, :user, :key, :pw_file, :pw_env, :up, :down,
                    :pattern, :after, :send_from, :schedule, :actor)
                ON CONFLICT (clearinghouse_id) DO UPDATE SET
                    host = excluded.host, port = excluded.port, user_name = excluded.user_name,
                    key_file = excluded.key_file, password_file = excluded.password_file,
                    password_env = excluded.password_env, upload_dir = excluded.upload_dir,
                    download_dir = excluded.download_dir,
                    answer_pattern = excluded.answer_pattern,
                    after_fetch = excluded.after_fetch, send_from = excluded.send_from,
                    schedule = excluded.schedule, updated_at = now(),
                    updated_by = excluded.updated_by"""),
        {
            "id": clearinghouse_id,
            "host": draft.host,
            "port": draft.port,
            "user": draft.user,
            "key": draft.key_file,
            "pw_file": draft.password_file,
            "pw_env": draft.password_env,
            "up": draft.upload_dir,
            "down": draft.download_dir,
            "pattern": draft.answer_pattern,
            "after": draft.after_fetch,
            "send_from": draft.send_from,
            "schedule": draft.schedule,
            "actor": actor,
        },
    )


def deactivate(conn: Connection, clearinghouse_id: int) -> None:
    conn.execute(
        text("UPDATE clearinghouse SET active = false, is_default = false WHERE id = :id"),
        {"id": clearinghouse_id},
    )


def pin_host_key(conn: Connection, clearinghouse_id: int, host_key: str, actor: str) -> None:
    conn.execute(
        text("""UPDATE clearinghouse_connection SET host_key = :key, host_key_pinned_by = :a,
                    host_key_pinned_at = now() WHERE clearinghouse_id = :id"""),
        {"key": host_key, "a": actor, "id": clearinghouse_id},
    )
