"""Use cases that turn unbilled encounters into claims, and holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from medbill_tui.db.repositories.claim_chain import (
    ChainRefused,
    claim_id_of,
    live_replacement,
    lock_unreplaced,
    replace_claim,
    replaced_words,
)
from medbill_tui.db.repositories.claims import (
    ClaimConflict,
    batches_for,
    insert_claims,
    lock_claim_status,
    lock_claim_version,
    lock_unbilled,
    not_billable,
    refresh_rejected_claim,
    scrub_encounters,
    set_claim_hold,
    set_encounter_hold,
    split_clean,
)
from medbill_tui.db.repositories.patient_billing import PatientBillingRefused, bill_to_patient
from medbill_tui.db.repositories.work import hold_claim_items
from medbill_tui.db.uow import ConstraintViolated, constraint_violations, run_in_transaction
from medbill_tui.domain.claim_chain import ChainAction
from medbill_tui.domain.claim_state import REJECTED
from medbill_tui.records.claims import ClaimReplaced, ClaimRun, NotBillable
from medbill_tui.records.conflicts import FieldChange, Seen
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.conflicts import Conflict, conflict_words, describe
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class ClaimRefused(ServiceError):
    """The claim or encounter is not in a state that allows this."""


class ClaimChanged(ClaimRefused, Conflict):
    """Someone else changed the claim after the biller saw it (`conflict` says who, when and
    its status then and now); nothing was done."""


class ClaimService:
    """Create claims from clean encounters; hold and release. Blocking: call from a worker."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        role: str | None = None,
        lease: LeaseTerms | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.role = role
        """The actor's role: voiding needs a supervisor (None may not void)."""
        self.lease = lease or LeaseTerms()
        """Where an action that changes a claim's open work items takes the free ones (an
        item someone else holds refuses the action: LeaseHeld)."""

    @translate_errors
    def create(
        self, encounter_ids: Sequence[int] | None = None, *, dry_run: bool = False
    ) -> ClaimRun:
        """Scrub the unbilled encounters (all when None) and bill the clean ones.

        One transaction: either every clean encounter gets its claim or none does. A dry run
        reports the same preview and writes nothing. Encounters asked for by id that are not
        unbilled come back in `not_billable`, each with why.
        """
        today = self.clock.today()

        def work(session: Session) -> ClaimRun:
            conn = session.connection()
            ids = lock_unbilled(conn, encounter_ids)
            refused = tuple(
                NotBillable(eid, reason)
                for eid, reason in not_billable(conn, encounter_ids or ()).items()
            )
            clean, skipped = split_clean(conn, scrub_encounters(conn, ids, today))
            batches = batches_for(conn, clean)
            if dry_run:
                session.rollback()
                return ClaimRun(True, batches, skipped, not_billable=refused)
            claim_ids = insert_claims(conn, clean, self.actor, today)
            return ClaimRun(False, batches, skipped, tuple(claim_ids), refused)

        return run_in_transaction(self.engine, work)

    @translate_errors
    def resend_rejected(self, claim_id: int, seen: Seen | None = None) -> None:
        """Put a rejected claim back to `ready` as its encounter and patient stand now (after
        the coverage or demographics were corrected); the next submission sends it again.

        With `seen` (the claim as the biller saw it), refused with `ClaimChanged` when
        someone else changed the claim since."""

        def action(conn: Connection) -> None:
            self._check_seen(conn, claim_id, seen, "send again")
            lock_unreplaced(conn, claim_id)
            status = lock_claim_status(conn, claim_id)
            if status not in REJECTED:
                raise ClaimConflict("only a rejected claim can be sent again")
            hold_claim_items(conn, claim_id, self.actor, self.lease, ("rejection",))
            refresh_rejected_claim(conn, claim_id, self.actor)

        self._guarded(action)

    @translate_errors
    def void(self, claim_no: str, reason: str = "") -> ClaimReplaced:
        """A void claim (frequency 8, REF*F8 = the payer's claim number) ready to send; the
        claim's money is reversed when the payer confirms (its 835 takes the payment back).
        Supervisors and admins only (RoleRefused otherwise)."""
        require(self.role, "void-claim")
        return self._replace(claim_no, ChainAction.VOID, reason)

    @translate_errors
    def correct(self, claim_no: str, reason: str = "") -> ClaimReplaced:
        """A corrected claim from the visit's charges as they stand now: frequency 7 with
        REF*F8 when the payer has a claim number, else a new original."""
        return self._replace(claim_no, ChainAction.CORRECT, reason)

    @translate_errors
    def rebill(self, claim_no: str, reason: str = "") -> ClaimReplaced:
        """The visit billed again as an original (frequency 1): for a sent claim the payer
        never received (no payer claim number, not adjudicated)."""
        return self._replace(claim_no, ChainAction.REBILL, reason)

    def _replace(self, claim_no: str, action: ChainAction, reason: str) -> ClaimReplaced:
        today = self.clock.today()

        def work(session: Session) -> ClaimReplaced:
            conn = session.connection()
            claim_id = claim_id_of(conn, claim_no)
            hold_claim_items(conn, claim_id, self.actor, self.lease)  # it closes them
            with constraint_violations():
                made = replace_claim(conn, claim_id, action, self.actor, today, reason)
            return ClaimReplaced(
                made.claim_id, made.claim_no, made.frequency, made.replaced_no, made.closed_items
            )

        try:
            return run_in_transaction(self.engine, work)
        except ChainRefused as exc:
            raise ClaimRefused(sentence(exc)) from None
        except ConstraintViolated:  # another session's replacement won the unique index
            raise ClaimRefused(self._replaced_by(claim_no)) from None

    def _replaced_by(self, claim_no: str) -> str:
        with self.engine.connect() as conn:
            found = live_replacement(conn, claim_id_of(conn, claim_no))
        if found is None:
            return f"Claim {claim_no} changed meanwhile; nothing changed"
        return sentence(replaced_words(claim_no, found))

    @translate_errors
    def hold_claim(self, claim_id: int, reason: str, seen: Seen | None = None) -> None:
        """Put a claim on hold (checked against `seen`, as `resend_rejected`)."""

        def action(conn: Connection) -> None:
            self._check_seen(conn, claim_id, seen, f"hold: {reason}")
            set_claim_hold(conn, claim_id, True, reason, self.actor)

        self._guarded(action)

    @translate_errors
    def release_claim(self, claim_id: int, seen: Seen | None = None) -> None:
        """Release a held claim to `ready` (checked against `seen`, as `resend_rejected`)."""

        def action(conn: Connection) -> None:
            self._check_seen(conn, claim_id, seen, "release")
            set_claim_hold(conn, claim_id, False, "", self.actor)

        self._guarded(action)

    @staticmethod
    def _check_seen(conn: Connection, claim_id: int, seen: Seen | None, doing: str) -> None:
        """Lock the claim; refuse when its version is no longer the one the biller saw."""
        if seen is None:
            return
        row = lock_claim_version(conn, claim_id)
        if row is None or row.version == seen.version:
            return
        changes: tuple[FieldChange, ...] = ()
        if row.status != seen.status:
            changes = (FieldChange("status", "status", seen.status or None, row.status, doing),)
        info = describe(conn, "claim", claim_id, f"claim {row.claim_no}", row.version, changes)
        raise ClaimChanged(conflict_words(info, "claim"), info)

    @translate_errors
    def hold_encounter(self, encounter_id: int, reason: str) -> None:
        self._guarded(lambda conn: set_encounter_hold(conn, encounter_id, True, reason, self.actor))

    @translate_errors
    def release_encounter(self, encounter_id: int) -> None:
        self._guarded(lambda conn: set_encounter_hold(conn, encounter_id, False, "", self.actor))

    @translate_errors
    def bill_patient(self, encounter_id: int, reason: str = "") -> Decimal:
        """Bill an unbilled visit to the patient instead of a payer (no claim): its charges
        become the patient's balance and go on the next statement. A visit with insurance
        needs a reason. Returns the amount billed."""

        def work(session: Session) -> Decimal:
            try:
                bill = bill_to_patient(session.connection(), encounter_id, self.actor, reason)
            except PatientBillingRefused as exc:
                raise ClaimRefused(sentence(exc)) from None
            return bill.amount

        return run_in_transaction(self.engine, work)

    def _guarded(self, action: Callable[[Connection], None]) -> None:
        def work(session: Session) -> None:
            action(session.connection())

        try:
            run_in_transaction(self.engine, work)
        except ClaimConflict as exc:
            raise ClaimRefused(str(exc)) from None
        except ChainRefused as exc:
            raise ClaimRefused(sentence(exc)) from None
