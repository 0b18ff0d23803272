"""Charge entry use cases: find the patient, check the form as it is keyed, save it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, NoReturn

from medbill_tui.db.codesets import CodeHit, search_codes
from medbill_tui.db.repositories import encounters as repo
from medbill_tui.db.repositories.claims import refresh_ready_replacement, refresh_rejected_claim
from medbill_tui.db.repositories.drafts import delete_draft
from medbill_tui.db.repositories.fees import fee_for, payer_id_for_coverage
from medbill_tui.db.repositories.scrub_input import DbCodeBook
from medbill_tui.db.repositories.scrubbing import SELF_PAY_REASON
from medbill_tui.db.repositories.work import hold_claim_items
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.encounter_form import merge_findings, parse_form, referring_findings
from medbill_tui.domain.scrubber import scrub
from medbill_tui.records.conflicts import FieldChange
from medbill_tui.records.forms import (
    EncounterForm,
    FormFinding,
    PatientContext,
    PatientHit,
    ProviderOption,
    SavedEncounter,
)
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.audit import viewing
from medbill_tui.services.conflicts import Conflict, conflict_words, form_conflict
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class EntryInvalid(ServiceError):
    """The form has errors that must be fixed before it can be saved."""

    def __init__(self, findings: tuple[FormFinding, ...]) -> None:
        self.findings = findings
        blocking = [f for f in findings if f.blocks_save]
        super().__init__(
            f"Not saved: {len(blocking)} problem(s) to fix first — {blocking[0].message}"
            if blocking
            else "Not saved"
        )


class EditConflict(ServiceError):
    """Someone else saved first; the biller's entries stay on screen."""


class EncounterChanged(EditConflict, Conflict):
    """Someone else saved (or billed) the encounter after it was opened; `conflict` lists
    what they changed. Nothing was written."""


EDITABLE = ("unbilled", "hold")


class EncounterService:
    """Everything the charge-entry screen asks for. Blocking: call from a thread worker."""

    def __init__(
        self, engine: Engine, clock: Clock, actor: str, lease: LeaseTerms | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.lease = lease or LeaseTerms()
        """A save that fixes a rejected claim closes its rejection: held like any action."""

    @translate_errors
    def find_patients(self, query: str, limit: int = 20) -> tuple[PatientHit, ...]:
        with read_connection(self.engine) as conn:
            return repo.find_patients(conn, query, limit)

    @translate_errors
    def providers(self, keep: int | None = None) -> tuple[ProviderOption, ...]:
        """The providers in use, and `keep` (the visit's own, even if deactivated since)."""
        with read_connection(self.engine) as conn:
            return repo.providers(conn, keep)

    @translate_errors
    def patient_context(self, patient_id: int) -> PatientContext:
        with viewing(self.engine, self.actor, "patient", patient_id, "charge entry") as conn:
            return repo.patient_context(conn, patient_id, self.clock.today())

    @translate_errors
    def load(self, encounter_id: int) -> EncounterForm:
        """An unbilled (or held) encounter, or one whose claim was rejected or denied (open
        denial), as a form."""
        with viewing(self.engine, self.actor, "encounter", encounter_id, "charge entry") as conn:
            form, status = repo.load_form(conn, encounter_id)
            correctable = status in EDITABLE or repo.correctable(conn, encounter_id)
        if not correctable:
            raise EditConflict(
                f"this encounter is {status}: only unbilled visits and rejected or denied "
                "claims can be edited"
            )
        return form

    @translate_errors
    def search_codes(self, query: str, code_set: str, limit: int = 12) -> tuple[CodeHit, ...]:
        with read_connection(self.engine) as conn:
            return search_codes(conn, query, code_set, limit)

    @translate_errors
    def pick_codes(self, query: str, code_set: str, limit: int = 50) -> tuple[CodeHit, ...]:
        """Codes to pick for words or an ICD-10-CM category (`code_set` "icd10cm" or
        "procedure"): billable ones only, those this practice used most lately first."""
        with read_connection(self.engine) as conn:
            return search_codes(conn, query, code_set, limit, billable_only=True, used_first=True)

    @translate_errors
    def fee(self, code: str, modifier: str, coverage_id: int | None) -> Decimal | None:
        """The fee-schedule price of a code for the coverage's payer (default schedule else)."""
        with read_connection(self.engine) as conn:
            payer_id = None
            if coverage_id is not None:
                payer_id = payer_id_for_coverage(conn, coverage_id)
            return fee_for(conn, code.strip().upper(), modifier.strip().upper(), payer_id)

    def _check(self, conn: Connection, form: EncounterForm) -> tuple[FormFinding, ...]:
        parsed = parse_form(form.dos, form.diagnoses, form.lines)
        enc = repo.scrub_input_for_form(
            conn, form, parsed.dos, self.clock.today(), parsed.diagnoses, parsed.lines
        )
        book = DbCodeBook(conn, parsed.diagnoses, (line.code for line in enc.lines))
        scrubbed = scrub(enc, book)
        findings = list(parsed.findings)
        findings += referring_findings(
            form.referring_npi, form.referring_last, form.referring_first
        )
        if form.coverage_id is None:  # as the queue and `ctrl+b` say: nothing to bill a payer
            findings.append(FormFinding("SELF-PAY", "error", "coverage", SELF_PAY_REASON, False))
        if form.provider_id is None:
            findings.append(
                FormFinding(
                    "REQ-PROVIDER",
                    "error",
                    "provider.npi",
                    "Choose the rendering provider",
                    blocks_save=True,
                )
            )
        return merge_findings(
            findings,
            [f for f in scrubbed if f.rule_id != "REQ-NPI" or form.provider_id is not None],
        )

    def check_on(self, conn: Connection, form: EncounterForm) -> tuple[FormFinding, ...]:
        """`check` inside the caller's transaction (the HL7 interface saves in its own)."""
        return self._check(conn, form)

    @translate_errors
    def check(self, form: EncounterForm) -> tuple[FormFinding, ...]:
        """Every finding on the form as it stands (nothing is written)."""
        with read_connection(self.engine) as conn:
            return self._check(conn, form)

    @translate_errors
    def save(self, form: EncounterForm, loaded: EncounterForm | None = None) -> SavedEncounter:
        """Save in one transaction; refuse while any entry error remains (warnings may stay).

        The version must still be the one loaded: otherwise `EncounterChanged` lists what the
        other person changed (against `loaded`, the form as opened). A save drops the
        biller's draft of the encounter in the same transaction."""

        def work(session: Session) -> SavedEncounter:
            conn = session.connection()
            findings = self._check(conn, form)
            if any(f.blocks_save for f in findings):
                raise EntryInvalid(findings)
            parsed = parse_form(form.dos, form.diagnoses, form.lines)
            assert parsed.dos is not None  # REQ-DOS/DOS-FORMAT block saving otherwise
            try:
                eid, version = repo.write_encounter(
                    conn, form, parsed.dos, parsed.diagnoses, parsed.lines, self.actor
                )
            except repo.EditConflict as exc:
                self._conflict(conn, form, loaded, exc)
            rejected = repo.rejected_claim(conn, eid)
            if rejected is not None:
                hold_claim_items(conn, rejected, self.actor, self.lease, ("rejection",))
                refresh_rejected_claim(conn, rejected, self.actor)
            corrected = repo.ready_replacement(conn, eid)
            if corrected is not None:
                refresh_ready_replacement(conn, corrected, self.actor)
            delete_draft(conn, self.actor, "encounter", form.encounter_id)
            return SavedEncounter(eid, version, findings)

        return run_in_transaction(self.engine, work)

    def _conflict(
        self,
        conn: Connection,
        form: EncounterForm,
        loaded: EncounterForm | None,
        exc: Exception,
    ) -> NoReturn:
        """The UPDATE matched nothing: a newer version (someone saved) or a status that no
        longer allows the edit (someone billed it)."""
        eid = form.encounter_id
        assert eid is not None
        theirs, status = repo.load_form(conn, eid)
        if theirs.version == form.version:
            raise EditConflict(sentence(exc))
        info = form_conflict(conn, "encounter", eid, f"encounter {eid}", loaded, theirs, form)
        if status not in EDITABLE and not repo.correctable(conn, eid):
            billed = FieldChange("status", "status", None, status, "")
            info = replace(info, changes=(billed, *info.changes))
        raise EncounterChanged(conflict_words(info, "encounter"), info)
