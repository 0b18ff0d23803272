"""Optimistic locking: the error a save raises when someone else saved the record first."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from medbill_tui.db.repositories.drafts import last_change
from medbill_tui.domain.conflicts import changed_fields
from medbill_tui.records.conflicts import ConflictInfo, FieldChange
from medbill_tui.services.errors import ServiceError

if TYPE_CHECKING:
    from sqlalchemy import Connection


class Conflict(ServiceError):
    """Someone else saved first. `conflict` says who, when and which fields they changed;
    nothing was written, and the screen keeps the biller's entries."""

    def __init__(self, message: str, conflict: ConflictInfo) -> None:
        super().__init__(message)
        self.conflict = conflict


def describe(
    conn: Connection,
    entity: str,
    entity_id: int,
    what: str,
    version: int,
    changes: tuple[FieldChange, ...],
) -> ConflictInfo:
    """The conflict on a record, with who saved it last and when (read in `conn`)."""
    who, when = last_change(conn, entity, entity_id)
    return ConflictInfo(entity, entity_id, what, who, when, changes, version)


def form_conflict(
    conn: Connection,
    entity: str,
    entity_id: int,
    what: str,
    loaded: object | None,
    theirs: object,
    yours: object,
) -> ConflictInfo:
    """The conflict between the form you opened (`loaded`), the saved one and yours."""
    version = getattr(theirs, "version", None)
    changes = changed_fields(loaded, theirs, yours)
    info = describe(conn, entity, entity_id, what, int(version or 0), changes)
    return replace(info, theirs=theirs)


def conflict_words(info: ConflictInfo, noun: str) -> str:
    """The biller's message: "Someone else changed this patient since you opened it: …"."""
    return (
        f"Someone else changed this {noun} since you opened it: {info.summary()}. "
        "Nothing was saved; your entries are kept"
    )
