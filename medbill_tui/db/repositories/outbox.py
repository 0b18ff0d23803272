"""Outbound files and appeal letters committed but not yet known to be in their folder."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.records.outbox import UnwrittenFile

KIND_837P = "837P"
KIND_APPEAL = "appeal"


def unwritten(conn: Connection, kinds: Sequence[str]) -> list[UnwrittenFile]:
    """Committed 837P files (and the CMS-1500 PDFs of paper claims, written to the same
    outbox) and appeal letters whose rename was never recorded, oldest first."""
    found: list[UnwrittenFile] = []
    if KIND_837P in kinds:
        rows = conn.execute(
            text(
                "SELECT id, file_name FROM edi_file WHERE direction = 'out' "
                "AND kind IN ('837P', 'paper') AND written_at IS NULL ORDER BY id"
            )
        ).all()
        found += [UnwrittenFile(KIND_837P, r.id, r.file_name) for r in rows]
    if KIND_APPEAL in kinds:
        rows = conn.execute(
            text("SELECT id, file_name FROM appeal_letter WHERE written_at IS NULL ORDER BY id")
        ).all()
        found += [UnwrittenFile(KIND_APPEAL, r.id, r.file_name) for r in rows]
    return found


def content(conn: Connection, file: UnwrittenFile) -> bytes:
    """The stored bytes of the file (an 837P exactly as sent; a letter in UTF-8)."""
    if file.kind == KIND_837P:
        raw = conn.execute(
            text("SELECT content FROM edi_file WHERE id = :id"), {"id": file.id}
        ).scalar_one()
        return bytes(raw)
    letter = conn.execute(
        text("SELECT content FROM appeal_letter WHERE id = :id"), {"id": file.id}
    ).scalar_one()
    return str(letter).encode("utf-8")


def mark_written(
    conn: Connection, files: Sequence[UnwrittenFile], actor: str, rewritten: bool
) -> None:
    """Record that `files` are in their folders; a file written again is audited (`export`)."""
    edi_ids = [f.id for f in files if f.kind == KIND_837P]
    letter_ids = [f.id for f in files if f.kind == KIND_APPEAL]
    if edi_ids:
        conn.execute(
            text(
                "UPDATE edi_file SET written_at = now() WHERE id = ANY(:ids) AND written_at IS NULL"
            ),
            {"ids": edi_ids},
        )
    if letter_ids:
        conn.execute(
            text(
                "UPDATE appeal_letter SET written_at = now() WHERE id = ANY(:ids) "
                "AND written_at IS NULL"
            ),
            {"ids": letter_ids},
        )
    if rewritten:
        for f in files:
            entity = "edi_file" if f.kind == KIND_837P else "appeal_letter"
            record_audit(
                conn, actor, "export", entity, f.id, f"{f.file_name} written again (outbox repair)"
            )


def store_appeal_letter(
    conn: Connection, claim_id: int, work_item_id: int, file_name: str, letter: str, actor: str
) -> UnwrittenFile:
    """Keep a letter's text with its file name (written to its folder after the commit)."""
    letter_id = conn.execute(
        text("""INSERT INTO appeal_letter (claim_id, work_item_id, file_name, content, created_by)
                VALUES (:claim, :item, :name, :content, :actor) RETURNING id"""),
        {
            "claim": claim_id,
            "item": work_item_id,
            "name": file_name[:255],
            "content": letter,
            "actor": actor,
        },
    ).scalar_one()
    return UnwrittenFile(KIND_APPEAL, int(letter_id), file_name)
