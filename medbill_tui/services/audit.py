"""Audit controls: views of patient data, logins, and reading the trail back.

Changes are audited where they are made (`record_audit` in the change's own transaction).
Opening a patient, encounter or claim is audited by `viewing`: the read and its `view` row are
one short read-write transaction, so data is never shown without its audit row (if the insert
fails, the read fails with it) and no second connection or commit is needed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from medbill_tui.db.repositories.audit import (
    VIEW,
    audit_cursor,
    audit_page,
    record_audit,
    record_event,
)
from medbill_tui.db.uow import read_connection
from medbill_tui.records.audit import AuditCursor, AuditEvent, AuditFilter
from medbill_tui.services.errors import translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

ENTITIES = (
    "patient",
    "encounter",
    "claim",
    "coverage",
    "authorization",
    "work_item",
    "remittance",
    "claim_payment",
    "edi_file",
    "statement_run",
    "code_set",
    "fee_schedule",
    "session",
    "app_user",
    "practice",
    "ledger_entry",
    "provider",
    "payer",
)
"""The `entity` values the app writes (what `medbill audit --entity` accepts)."""


@contextmanager
def viewing(
    engine: Engine, actor: str, entity: str, entity_id: int, where: str
) -> Iterator[Connection]:
    """A connection for reading one record; on success a `view` audit row (`where`: the
    screen, never patient data) commits with it. A failed read records nothing."""
    with engine.begin() as conn:
        yield conn
        record_audit(conn, actor, VIEW, entity, entity_id, where)


def _origin() -> str:
    """Where the session comes from: the SSH client's address, else the local terminal."""
    client = os.environ.get("SSH_CLIENT", "").split()
    return f"ssh from {client[0]}" if client else "local terminal"


class AuditService:
    """Log in and out, and read the audit trail. Blocking: call from a worker."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def login(self, how: str = "tui") -> None:
        """The person opened the app (or a session started)."""
        with self.engine.begin() as conn:
            record_event(conn, self.actor, "login", "session", f"{how}, {_origin()}")

    @translate_errors
    def logout(self, how: str = "tui") -> None:
        """The person left the app (quit, closed terminal, automatic logoff: say which)."""
        with self.engine.begin() as conn:
            record_event(conn, self.actor, "logout", "session", how)

    @translate_errors
    def page(
        self, filt: AuditFilter, after: AuditCursor | None = None, limit: int = 200
    ) -> tuple[AuditEvent, ...]:
        """Rows matching `filt`, newest first; pass the last row's cursor for the next page."""
        with read_connection(self.engine) as conn:
            return audit_page(conn, filt, after, limit)

    @translate_errors
    def cursor_before(self, event_id: int) -> AuditCursor:
        """The cursor for the events older than event `event_id` (NotFound if there is none)."""
        with read_connection(self.engine) as conn:
            return audit_cursor(conn, event_id)

    @translate_errors
    def of_record(self, entity: str, entity_id: int, limit: int = 5) -> tuple[AuditEvent, ...]:
        """The last few events about one record (the claim screen's audit trail)."""
        return self.page(AuditFilter(entity=entity, entity_id=entity_id), None, limit)


def cursor_of(event: AuditEvent) -> AuditCursor:
    """The keyset cursor after `event`."""
    return AuditCursor(event.at, event.id)


def record_view(conn: Connection, actor: str, entity: str, entity_id: int, where: str) -> None:
    """A `view` row on `conn` (for reads that learn which record they show as they read it)."""
    record_audit(conn, actor, VIEW, entity, entity_id, where)
