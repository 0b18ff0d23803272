"""Setting up a practice in an empty database (`medbill practice init`, the first-run setup)
and reading its setup back (`medbill practice show`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbill_tui.db.repositories import practice_setup as repo
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.practice_setup import PracticeSetup
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class SetupRefused(ServiceError):
    """The database has a practice already, or an id of the setup is taken; nothing changed."""


class PracticeSetupService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str, role: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.role = role

    @translate_errors
    def practice_name(self) -> str | None:
        """The practice's name, None while the database has none (the first run)."""
        with read_connection(self.engine) as conn:
            return repo.practice_name(conn)

    @translate_errors
    def is_new_database(self) -> bool:
        """True on an empty database (no practice, provider or payer): the first run."""
        with read_connection(self.engine) as conn:
            return repo.is_empty(conn)

    @translate_errors
    def show(self) -> PracticeSetup | None:
        with read_connection(self.engine) as conn:
            return repo.read_setup(conn)

    @translate_errors
    def init(self, setup: PracticeSetup, source: str) -> None:
        """Write the whole setup in one transaction, audited (`source`: where it came from).
        Refused, changing nothing, on a database that has a practice already."""
        require(self.role, "set-up-practice")

        def work(session: Session) -> None:
            conn = session.connection()
            conn.exec_driver_sql("LOCK TABLE practice IN EXCLUSIVE MODE")
            existing = repo.practice_name(conn)
            if existing is not None:
                raise SetupRefused(
                    f"this database is set up already for {existing}; nothing was changed"
                )
            taken = repo.taken_ids(conn, setup)
            if taken:
                raise SetupRefused("; ".join(taken) + "; nothing was changed")
            repo.write_setup(conn, setup)
            record_event(
                conn,
                self.actor,
                "create",
                "practice",
                f"{source}: {len(setup.providers)} provider(s), "
                f"{len(setup.clearinghouses)} clearinghouse(s), {len(setup.payers)} payer(s)",
            )

        run_in_transaction(self.engine, work)
