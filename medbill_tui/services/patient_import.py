"""`medbill patients import`: check every row of a practice's patient list first (against
the file and the database), then add all of them in one transaction or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import patient_import as repo
from medbill_tui.db.repositories.audit import record_event
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.patient_import import ImportedPatient, RowError, check_rows, read_rows
from medbill_tui.services.errors import ServiceError, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class PatientImportRefused(ServiceError):
    """Rows changed meanwhile (a duplicate or an account number taken); nothing was added."""


@dataclass(frozen=True, slots=True)
class PatientImportPlan:
    patients: tuple[ImportedPatient, ...]
    errors: tuple[RowError, ...]

    @property
    def coverages(self) -> int:
        return sum(len(p.coverages) for p in self.patients)


def _database_errors(conn: Connection, patients: list[ImportedPatient]) -> list[RowError]:
    errors = [
        RowError(line, "name", f"same name and date of birth as existing account {account}")
        for line, account in repo.existing_matches(conn, patients).items()
    ]
    own = [p.account_no for p in patients if p.account_no is not None]
    taken = repo.taken_accounts(conn, own) if own else set()
    errors += [
        RowError(p.line, "account_no", f"{p.account_no} is another patient's account")
        for p in patients
        if p.account_no in taken
    ]
    return errors


class PatientImportService:
    """Blocking: call from a worker or the CLI."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor

    @translate_errors
    def check(self, content: str, today: date) -> PatientImportPlan:
        """What the file would add, and every row it refuses (by line, then field)."""
        rows, errors = read_rows(content)
        if errors:
            return PatientImportPlan((), tuple(errors))
        with read_connection(self.engine) as conn:
            patients, row_errors = check_rows(rows, repo.payer_ids_by_code(conn), today)
            row_errors += _database_errors(conn, patients)
        row_errors.sort(key=lambda e: e.line)
        if not rows:
            row_errors.append(RowError(2, "row", "the file has no patients"))
        return PatientImportPlan(tuple(patients), tuple(row_errors))

    @translate_errors
    def add(
        self,
        plan: PatientImportPlan,
        source: str,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Add a plan with no errors in one transaction (refused if a row became a duplicate
        or its account number was taken meanwhile), audited without patient data."""
        if plan.errors:
            raise PatientImportRefused("the file has errors; nothing was added")
        patients = list(plan.patients)

        def work(session: Session) -> int:
            conn = session.connection()
            repo.lock_patient_numbers(conn)  # no other save adds a look-alike meanwhile
            again = _database_errors(conn, patients)
            if again:
                listed = "; ".join(str(e) for e in again[:5])
                raise PatientImportRefused(f"changed since the check: {listed}; nothing was added")
            repo.insert_patients(conn, patients, progress)
            record_event(
                conn,
                self.actor,
                "import",
                "patient",
                f"{source}: {len(patients)} patient(s), {plan.coverages} coverage(s)",
            )
            return len(patients)

        return run_in_transaction(self.engine, work)
