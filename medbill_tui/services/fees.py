"""Fee schedule imports: preview what a price list changes, then apply it in one short
transaction (the CLI asks in between, with no transaction open)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import fees as repo
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.fees import FeeChange, FeeKey, fee_changes
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class FeeImportRefused(ServiceError):
    """The payer is unknown, or the prices changed since the preview; nothing changed."""


@dataclass(frozen=True, slots=True)
class FeePreview:
    """What importing `prices` into one schedule would change (`payer_id` None: default)."""

    payer_code: str | None
    payer_id: int | None
    changes: tuple[FeeChange, ...]

    @property
    def schedule(self) -> str:
        """The schedule in words: "payer P2" or "the default schedule"."""
        return f"payer {self.payer_code}" if self.payer_code else "the default schedule"


class FeeService:
    """Preview and apply price lists. Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    @translate_errors
    def preview(self, prices: dict[FeeKey, Decimal], payer_code: str | None) -> FeePreview:
        """The new and changed prices of `prices` for the payer (None: the default schedule);
        a read, nothing is written."""
        with read_connection(self.engine) as conn:
            try:
                payer_id = repo.payer_id_for_code(conn, payer_code) if payer_code else None
            except repo.UnknownPayer as exc:
                raise FeeImportRefused(str(exc)) from None
            changes = fee_changes(repo.current_fees(conn, payer_id), prices)
        return FeePreview(payer_code, payer_id, tuple(changes))

    @translate_errors
    def apply(self, preview: FeePreview, source: str) -> int:
        """Write the previewed changes and an audit row (`source`: the file's name) in one
        transaction; refused, changing nothing, when a price moved since the preview."""
        require(self.role, "change-rules")

        def work(session: Session) -> int:
            conn = session.connection()
            current = repo.current_fees(conn, preview.payer_id, lock=True)
            moved = [c for c in preview.changes if current.get((c.code, c.modifier)) != c.old]
            if moved:
                first = moved[0]
                raise FeeImportRefused(
                    f"{len(moved)} price(s) of {preview.schedule} changed since the preview "
                    f"(first: {first.code}{' ' + first.modifier if first.modifier else ''}); "
                    "nothing changed: run the import again"
                )
            repo.apply_fee_changes(conn, preview.payer_id, list(preview.changes))
            record_event(
                conn,
                self.actor,
                "import",
                "fee_schedule",
                f"{source}: {len(preview.changes)} change(s) to {preview.schedule}",
            )
            return len(preview.changes)

        return run_in_transaction(self.engine, work)
