"""The bytes of inbound files: inline in `edi_file.content`, or a large object when big.

A file up to `inline_max` bytes is stored as it is. A larger one is written, one chunk at a
time, into a PostgreSQL large object inside the caller's transaction (so a rolled-back import
leaves nothing behind) and `edi_file.content` holds a short reference to it
(`medbill-large-object:<oid>:<size>`). `iter_content` reads either back in chunks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, text

LARGE_OBJECT_PREFIX = b"medbill-large-object:"
CHUNK_BYTES = 1 << 20


def store_content(
    conn: Connection, path: Path, inline_max: int, chunk_bytes: int = CHUNK_BYTES
) -> tuple[bytes, str]:
    """What to put in `edi_file.content` for the file at `path`, and the SHA-256 of the bytes
    actually stored (the caller compares it with the hash it checked)."""
    digest = hashlib.sha256()
    if path.stat().st_size <= inline_max:
        data = path.read_bytes()
        digest.update(data)
        return data, digest.hexdigest()
    oid = int(conn.execute(text("SELECT lo_create(0)")).scalar_one())
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
            conn.execute(
                text("SELECT lo_put(:oid, :offset, :data)"),
                {"oid": oid, "offset": offset, "data": chunk},
            )
            offset += len(chunk)
    return LARGE_OBJECT_PREFIX + f"{oid}:{offset}".encode(), digest.hexdigest()


def iter_content(conn: Connection, file_id: int, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The stored bytes of an EDI file, in chunks (from a large object when it is one)."""
    content = bytes(
        conn.execute(
            text("SELECT content FROM edi_file WHERE id = :f"), {"f": file_id}
        ).scalar_one()
    )
    if not content.startswith(LARGE_OBJECT_PREFIX):
        yield content
        return
    oid, size = (int(part) for part in content[len(LARGE_OBJECT_PREFIX) :].split(b":"))
    for offset in range(0, size, chunk_bytes):
        yield bytes(
            conn.execute(
                text("SELECT lo_get(:oid, :offset, :n)"),
                {"oid": oid, "offset": offset, "n": chunk_bytes},
            ).scalar_one()
        )


def set_warnings(conn: Connection, file_id: int, warnings: tuple[str, ...]) -> None:
    """Keep the envelope and validator warnings of an inbound file (found while importing)."""
    conn.execute(
        text("UPDATE edi_file SET warnings = :w WHERE id = :f"),
        {"w": "\n".join(warnings) or None, "f": file_id},
    )


def interchange_reused(conn: Connection, sender: str, isa13: str, sha256: str) -> str | None:
    """Words when an inbound file from the same sender (ISA06) with the same interchange control
    number (ISA13) but other bytes was imported before; None otherwise."""
    row = conn.execute(
        text(
            "SELECT file_name, created_by, created_at FROM edi_file "
            "WHERE direction = 'in' AND sender_id = :sender AND isa13 = :isa "
            "AND sha256 <> :sha ORDER BY id LIMIT 1"
        ),
        {"sender": sender[:15], "isa": isa13[:9], "sha": sha256},
    ).one_or_none()
    if row is None:
        return None
    return (
        f"interchange {isa13} from sender {sender} was already used by {row.file_name} "
        f"(imported by {row.created_by} on {row.created_at:%m/%d/%Y %H:%M}) with other "
        f"content: the sender reused a control number, or this file was altered"
    )
