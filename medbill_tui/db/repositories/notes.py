"""Notes: free text a user writes on a claim, an account (patient) or an encounter."""

from __future__ import annotations

from sqlalchemy import Connection, text


def write_note(conn: Connection, entity: str, entity_id: int, author: str, body: str) -> int:
    """Write a note on the record (`entity`: claim, patient or encounter); returns its id."""
    note_id = conn.execute(
        text(
            "INSERT INTO note (entity, entity_id, author, body) "
            "VALUES (:e, :id, :a, :b) RETURNING id"
        ),
        {"e": entity, "id": entity_id, "a": author, "b": body},
    ).scalar_one()
    return int(note_id)
