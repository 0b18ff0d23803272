"""Patients, coverages and prior authorizations: the use cases behind their screens."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from medbill_tui.clock import Clock
from medbill_tui.db.repositories import patients as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.patient_rules import check_authorization, check_coverage, check_patient
from medbill_tui.records import (
    AuthorizationForm,
    CoverageForm,
    FieldError,
    PatientForm,
    PayerOption,
    PendingAuthRow,
)
from medbill_tui.services.audit import viewing
from medbill_tui.services.errors import ServiceError, sentence, translate_errors


class FormInvalid(ServiceError):
    """The form has errors; `errors` says which field and what is wrong."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"Not saved: {errors[0].message}" + (
            f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))  # fmt: skip


class SaveRefused(ServiceError):
    """Someone else saved first, or the change contradicts other records."""


class PatientService:
    """Read and save patients, coverages and authorizations. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor

    @translate_errors
    def load(self, patient_id: int) -> PatientForm:
        with viewing(self.engine, self.actor, "patient", patient_id, "patient form") as conn:
            return repo.patient_form(conn, patient_id)

    @translate_errors
    def save(self, form: PatientForm) -> PatientForm:
        """Save demographics; returns the saved form (with id, version, account number)."""
        checked, errors = check_patient(form, self.clock.today())
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> PatientForm:
            conn = session.connection()
            try:
                pid, _, _ = repo.save_patient(conn, form, checked, self.actor)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None
            return repo.patient_form(conn, pid)

        return run_in_transaction(self.engine, work)

    @translate_errors
    def payers(self) -> tuple[PayerOption, ...]:
        with read_connection(self.engine) as conn:
            rows = conn.execute(text("SELECT id, name FROM payer ORDER BY name, id")).all()
        return tuple(PayerOption(r.id, r.name) for r in rows)

    @translate_errors
    def load_coverage(self, coverage_id: int) -> CoverageForm:
        with viewing(self.engine, self.actor, "coverage", coverage_id, "coverage form") as conn:
            return repo.coverage_form(conn, coverage_id)

    @translate_errors
    def save_coverage(self, form: CoverageForm) -> int:
        checked, errors = check_coverage(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            try:
                return repo.save_coverage(session.connection(), form, checked, self.actor)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    @translate_errors
    def save_authorization(self, form: AuthorizationForm) -> int:
        """Record a request (pending) or the payer's answer (approved with number, denied)."""
        checked, errors = check_authorization(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            try:
                return repo.save_authorization(
                    session.connection(),
                    form.coverage_id,
                    form.authorization_id,
                    checked,
                    self.actor,
                )
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    @translate_errors
    def pending_authorizations(self) -> tuple[PendingAuthRow, ...]:
        with read_connection(self.engine) as conn:
            return repo.pending_authorizations(conn)
