"""Drafts of forms being typed: kept as the biller types, offered again when the same
record is opened, dropped when it is saved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import drafts as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.conflicts import Draft
from medbill_tui.services.errors import translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class DraftService:
    """The acting user's drafts. Blocking: call from a worker."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def save(self, entity: str, entity_id: int | None, payload: dict[str, object]) -> datetime:
        """Keep the form's values (one cheap upsert); returns when."""

        def work(session: Session) -> datetime:
            return repo.save_draft(session.connection(), self.actor, entity, entity_id, payload)

        return run_in_transaction(self.engine, work)

    @translate_errors
    def find(self, entity: str, entity_id: int | None) -> Draft | None:
        """This user's draft of the record (None for a new one), if they left one."""
        with read_connection(self.engine) as conn:
            return repo.find_draft(conn, self.actor, entity, entity_id)

    @translate_errors
    def discard(self, entity: str, entity_id: int | None) -> bool:
        """Drop this user's draft of the record; True when there was one."""

        def work(session: Session) -> bool:
            return repo.delete_draft(session.connection(), self.actor, entity, entity_id)

        return run_in_transaction(self.engine, work)
