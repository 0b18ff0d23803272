"""Patients, coverages and prior authorizations: the use cases behind their screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from medbill_tui.db.repositories import patients as repo
from medbill_tui.db.repositories.reference import payer_options
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.patient_rules import check_authorization, check_coverage, check_patient
from medbill_tui.records.forms import (
    AuthorizationForm,
    CoverageForm,
    FieldError,
    PatientForm,
    PendingAuthRow,
)
from medbill_tui.records.queues import PayerOption
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.audit import viewing
from medbill_tui.services.conflicts import Conflict, conflict_words, form_conflict
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class FormInvalid(ServiceError):
    """The form has errors; `errors` says which field and what is wrong."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__(
            f"Not saved: {errors[0].message}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        )


class SaveRefused(ServiceError):
    """Someone else saved first, or the change contradicts other records."""


class RecordChanged(SaveRefused, Conflict):
    """Someone else saved the patient, coverage or authorization first; `conflict` says who,
    when and what they changed. Nothing was written."""


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
    def save(self, form: PatientForm, loaded: PatientForm | None = None) -> PatientForm:
        """Save demographics; returns the saved form (with id, version, account number).

        `loaded` is the form as it was opened: when someone else saved since, the refusal
        (`RecordChanged`) lists the fields they changed against it."""
        checked, errors = check_patient(form, self.clock.today())
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> PatientForm:
            conn = session.connection()
            try:
                pid, _, _ = repo.save_patient(conn, form, checked, self.actor)
            except repo.StaleRecord:
                assert form.patient_id is not None
                theirs = repo.patient_form(conn, form.patient_id)
                what = f"patient {theirs.account_no}"
                self._changed(conn, "patient", form.patient_id, what, loaded, theirs, form)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None
            return repo.patient_form(conn, pid)

        return run_in_transaction(self.engine, work)

    @translate_errors
    def payers(self) -> tuple[PayerOption, ...]:
        with read_connection(self.engine) as conn:
            return payer_options(conn)

    @translate_errors
    def load_coverage(self, coverage_id: int) -> CoverageForm:
        with viewing(self.engine, self.actor, "coverage", coverage_id, "coverage form") as conn:
            return repo.coverage_form(conn, coverage_id)

    @translate_errors
    def save_coverage(self, form: CoverageForm, loaded: CoverageForm | None = None) -> int:
        """Save a coverage (refused with `RecordChanged` when someone else saved it first)."""
        checked, errors = check_coverage(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            conn = session.connection()
            try:
                return repo.save_coverage(conn, form, checked, self.actor)
            except repo.StaleRecord:
                assert form.coverage_id is not None
                theirs = repo.coverage_form(conn, form.coverage_id)
                what = f"coverage {form.coverage_id}"
                self._changed(conn, "coverage", form.coverage_id, what, loaded, theirs, form)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    @translate_errors
    def save_authorization(
        self, form: AuthorizationForm, loaded: AuthorizationForm | None = None
    ) -> int:
        """Record a request (pending) or the payer's answer (approved with number, denied)."""
        checked, errors = check_authorization(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            conn = session.connection()
            try:
                return repo.save_authorization(
                    conn,
                    form.coverage_id,
                    form.authorization_id,
                    checked,
                    self.actor,
                    form.version,
                )
            except repo.StaleRecord:
                assert form.authorization_id is not None
                theirs = repo.authorization_form(conn, form.authorization_id)
                what = f"authorization {form.authorization_id}"
                self._changed(
                    conn, "authorization", form.authorization_id, what, loaded, theirs, form
                )
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    @translate_errors
    def load_authorization(self, authorization_id: int) -> AuthorizationForm:
        """A saved authorization as its form, with its version."""
        with viewing(
            self.engine, self.actor, "authorization", authorization_id, "authorization form"
        ) as conn:
            return repo.authorization_form(conn, authorization_id)

    @staticmethod
    def _changed(
        conn: Connection,
        entity: str,
        entity_id: int,
        what: str,
        loaded: object | None,
        theirs: object,
        yours: object,
    ) -> NoReturn:
        info = form_conflict(conn, entity, entity_id, what, loaded, theirs, yours)
        raise RecordChanged(conflict_words(info, entity), info)

    @translate_errors
    def pending_authorizations(self) -> tuple[PendingAuthRow, ...]:
        with read_connection(self.engine) as conn:
            return repo.pending_authorizations(conn)
