"""The exchange's records: 837P files uploaded once, answer files fetched once, and the lock
that keeps two exchanges from running at the same time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.repositories.audit import record_audit, record_event
from medbill_tui.records.exchange import FetchedFile, PendingUpload, RemoteAnswer

LOCK_KEY = 0x6D65_6478  # "medx": pg_advisory_lock key of `medbill exchange`


def try_lock(conn: Connection) -> bool:
    """Take the exchange's session lock on `conn` (held until it is released or the
    connection closes); False when another run holds it."""
    return bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar())


def unlock(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})


def pending_uploads(conn: Connection, send_from: datetime) -> list[PendingUpload]:
    """Committed outbound files (837P claims, 270 eligibility and 276 status requests) from
    `send_from` on never uploaded, oldest first."""
    rows = conn.execute(
        text(
            "SELECT f.id, f.file_name, octet_length(f.content) AS size FROM edi_file f "
            "WHERE f.direction = 'out' AND f.kind IN ('837P', '270', '276') "
            "AND f.created_at >= :since AND octet_length(f.content) > 0 AND NOT EXISTS "
            "(SELECT 1 FROM exchange_upload u WHERE u.edi_file_id = f.id) ORDER BY f.id"
        ),
        {"since": send_from},
    ).all()
    return [PendingUpload(r.id, r.file_name, r.size) for r in rows]


def upload_content(conn: Connection, edi_file_id: int) -> tuple[bytes, str]:
    """The stored bytes of an outbound file and their sha256."""
    row = conn.execute(
        text("SELECT content, sha256 FROM edi_file WHERE id = :id"), {"id": edi_file_id}
    ).one()
    return bytes(row.content), str(row.sha256)


def record_upload(
    conn: Connection,
    file: PendingUpload,
    host: str,
    remote_path: str,
    sha256: str,
    actor: str,
) -> bool:
    """Record that `file` is on the server; False when another run recorded it first."""
    inserted = conn.execute(
        text(
            "INSERT INTO exchange_upload (edi_file_id, host, remote_path, size, sha256, "
            "uploaded_by) VALUES (:f, :h, :p, :s, :sha, :a) "
            "ON CONFLICT (edi_file_id) DO NOTHING RETURNING id"
        ),
        {
            "f": file.edi_file_id,
            "h": host,
            "p": remote_path,
            "s": file.size,
            "sha": sha256,
            "a": actor,
        },
    ).scalar()
    if inserted is None:
        return False
    record_audit(conn, actor, "export", "edi_file", file.edi_file_id, f"uploaded to {host}")
    return True


def fetched_before(conn: Connection, host: str, answers: Iterable[RemoteAnswer]) -> set[str]:
    """The names among `answers` already fetched (same path, size and modification time)."""
    names = [a.name for a in answers]
    if not names:
        return set()
    rows = conn.execute(
        text(
            "SELECT remote_path, size, remote_mtime FROM exchange_fetch "
            "WHERE host = :h AND remote_path = ANY(:names)"
        ),
        {"h": host, "names": names},
    ).all()
    seen = {(r.remote_path, r.size, r.remote_mtime) for r in rows}
    return {a.name for a in answers if (a.name, a.size, a.mtime) in seen}


def hash_fetched(conn: Connection, sha256: str) -> bool:
    """An answer with these bytes was fetched before (under any name)."""
    return (
        conn.execute(
            text("SELECT 1 FROM exchange_fetch WHERE sha256 = :s LIMIT 1"), {"s": sha256}
        ).first()
        is not None
    )


def record_fetch(
    conn: Connection,
    host: str,
    answer: RemoteAnswer,
    sha256: str,
    local_names: Iterable[str],
    actor: str,
    *,
    duplicate: bool,
) -> None:
    """Record an answer downloaded (a `duplicate` of bytes fetched before is marked imported:
    it is never imported again)."""
    fetch_id = conn.execute(
        text(
            "INSERT INTO exchange_fetch (host, remote_path, size, remote_mtime, sha256, "
            "local_names, fetched_by, imported_at) VALUES (:h, :p, :s, :m, :sha, :l, :a, "
            "CASE WHEN CAST(:dup AS boolean) THEN now() END) "
            "ON CONFLICT (host, remote_path, size, remote_mtime) DO NOTHING RETURNING id"
        ),
        {
            "h": host,
            "p": answer.name,
            "s": answer.size,
            "m": answer.mtime,
            "sha": sha256,
            "l": "\n".join(local_names),
            "a": actor,
            "dup": duplicate,
        },
    ).scalar()
    if fetch_id is not None:
        detail = f"fetched {answer.name} from {host}" + (" (seen before)" if duplicate else "")
        record_audit(conn, actor, "import", "exchange_fetch", int(fetch_id), detail)


def not_imported(conn: Connection) -> list[FetchedFile]:
    """Fetched answers whose import has not succeeded yet, oldest first."""
    rows = conn.execute(
        text(
            "SELECT id, remote_path, local_names FROM exchange_fetch "
            "WHERE imported_at IS NULL ORDER BY id"
        )
    ).all()
    return [
        FetchedFile(r.id, r.remote_path, tuple(n for n in r.local_names.split("\n") if n))
        for r in rows
    ]


def record_import(conn: Connection, fetch_id: int, error: str | None, done: bool) -> None:
    """What importing a fetched answer did: `done` (imported, or its files taken out of the
    inbox: not tried again) or not, with the reason (`error`)."""
    conn.execute(
        text(
            "UPDATE exchange_fetch SET import_error = CAST(:e AS text), "
            "imported_at = CASE WHEN CAST(:done AS boolean) THEN now() END WHERE id = :id"
        ),
        {"e": error, "id": fetch_id, "done": done},
    )


def record_run(conn: Connection, actor: str, summary: str) -> None:
    """Audit one exchange run (what it sent and fetched, in counts and names)."""
    record_event(conn, actor, "exchange", "clearinghouse", summary)


@contextmanager
def exchange_lock(engine: Engine) -> Iterator[bool]:
    """Hold the exchange's lock for the `with` block on a connection of its own; yields False
    (and holds nothing) when another run has it. A crashed run's lock goes with its connection."""
    with engine.connect() as conn:
        held = try_lock(conn)
        conn.commit()
        try:
            yield held
        finally:
            if held:
                unlock(conn)
                conn.commit()
