"""Patients, coverages and prior authorizations: the use cases behind their screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from medbill_tui.db.repositories import patient_duplicates as dupes
from medbill_tui.db.repositories import patients as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.reference import payer_options
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.patient_rules import (
    CheckedPatient,
    check_authorization,
    check_coverage,
    check_patient,
)
from medbill_tui.records.forms import (
    AuthorizationForm,
    CoverageForm,
    FieldError,
    PatientForm,
    PendingAuthRow,
)
from medbill_tui.records.patient_merge import DuplicateMatch
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


class PossibleDuplicate(ServiceError):
    """The save looks like another patient (`duplicates`); nothing was written. Saving again
    with their account numbers in `despite` goes ahead and is audited."""

    def __init__(self, duplicates: tuple[DuplicateMatch, ...]) -> None:
        self.duplicates = duplicates
        accounts = ", ".join(d.account_no for d in duplicates)
        super().__init__(f"Not saved: this may be the same patient as {accounts}")


def _unseen(found: tuple[DuplicateMatch, ...], despite: tuple[str, ...]) -> None:
    """Raise PossibleDuplicate when `found` holds an account the biller has not been shown."""
    if any(d.account_no not in despite for d in found):
        raise PossibleDuplicate(found)


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


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
    def save(
        self, form: PatientForm, loaded: PatientForm | None = None, despite: tuple[str, ...] = ()
    ) -> PatientForm:
        """Save demographics; returns the saved form (with id, version, account number).

        `loaded` is the form as it was opened: when someone else saved since, the refusal
        (`RecordChanged`) lists the fields they changed against it. A new patient, or a new
        name or date of birth, matching another patient is refused with `PossibleDuplicate`
        unless every match's account number is in `despite` (then audited)."""
        checked, errors = check_patient(form, self.clock.today())
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> PatientForm:
            conn = session.connection()
            found: tuple[DuplicateMatch, ...] = ()
            pid = form.patient_id
            ask = pid is None or not self._same_identity(conn, pid, checked)
            try:
                pid, _, _ = repo.save_patient(conn, form, checked, self.actor)
            except repo.StaleRecord:
                assert form.patient_id is not None
                theirs = repo.patient_form(conn, form.patient_id)
                what = f"patient {theirs.account_no}"
                self._changed(conn, "patient", form.patient_id, what, loaded, theirs, form)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None
            if ask:  # after every other refusal; raising here rolls the save back
                found = dupes.same_name_and_dob(
                    conn, checked.last_name, checked.first_name, checked.dob, pid
                )
                _unseen(found, despite)
            self._despite(conn, "patient", pid, found)
            return repo.patient_form(conn, pid)

        return run_in_transaction(self.engine, work)

    @staticmethod
    def _same_identity(conn: Connection, patient_id: int, checked: CheckedPatient) -> bool:
        last, first, dob = dupes.identity(conn, patient_id)
        return (
            _same(last, checked.last_name) and _same(first, checked.first_name)
        ) and dob == checked.dob

    def _despite(
        self, conn: Connection, entity: str, entity_id: int, found: tuple[DuplicateMatch, ...]
    ) -> None:
        if found:
            accounts = ", ".join(d.account_no for d in found)
            detail = f"saved despite possible duplicate of {accounts}"
            record_audit(conn, self.actor, "override", entity, entity_id, detail)

    @translate_errors
    def payers(self, keep: int | None = None) -> tuple[PayerOption, ...]:
        """The payers a coverage may name: those in use, and `keep` (its payer now)."""
        with read_connection(self.engine) as conn:
            return payer_options(conn, in_use=True, keep=keep)

    @translate_errors
    def load_coverage(self, coverage_id: int) -> CoverageForm:
        with viewing(self.engine, self.actor, "coverage", coverage_id, "coverage form") as conn:
            return repo.coverage_form(conn, coverage_id)

    @translate_errors
    def save_coverage(
        self, form: CoverageForm, loaded: CoverageForm | None = None, despite: tuple[str, ...] = ()
    ) -> int:
        """Save a coverage (refused with `RecordChanged` when someone else saved it first). A
        member id another patient holds on the same payer (both as the card holder) is refused
        with `PossibleDuplicate`
        unless their account numbers are in `despite` (then audited)."""
        checked, errors = check_coverage(form)
        if checked is None:
            raise FormInvalid(errors)

        def work(session: Session) -> int:
            conn = session.connection()
            found: tuple[DuplicateMatch, ...] = ()
            before = (
                None if form.coverage_id is None else dupes.coverage_key(conn, form.coverage_id)
            )
            changed = before is None or before[0] != checked.payer_id
            if before is not None and not changed:
                changed = not _same(before[1], checked.member_id)
            try:
                saved = repo.save_coverage(conn, form, checked, self.actor)
            except repo.StaleRecord:
                assert form.coverage_id is not None
                theirs = repo.coverage_form(conn, form.coverage_id)
                what = f"coverage {form.coverage_id}"
                self._changed(conn, "coverage", form.coverage_id, what, loaded, theirs, form)
            except repo.PatientConflict as exc:
                raise SaveRefused(sentence(exc)) from None
            if changed and checked.relationship == "18":  # raising rolls the save back
                found = dupes.same_member_id(
                    conn, checked.payer_id, checked.member_id, form.patient_id
                )
                _unseen(found, despite)
            self._despite(conn, "coverage", saved, found)
            return saved

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
