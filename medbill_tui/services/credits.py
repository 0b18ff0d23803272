"""Credit balances: the list, and the three ways a credit is worked. A payer's credit is
refunded to the payer (supervisors); a patient's is refunded to the patient or applied to
another visit of the same patient (or guarantor) that owes.

Each action is one transaction with its audit row. A refund is a positive `payment` row on the
visit and side holding the credit (as a refund at the desk is), applying is a transfer pair
(plus on the visit in credit, minus on the visit that owes). The amount is the credit the
ledger shows now, not the one the item was opened with: when it is gone (another posting, a
refund at the desk), the item is closed saying so, and the action is refused (`CreditGone`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import credits as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.work import hold_to_act, user_role
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.money import ZERO
from medbill_tui.records.credits import CreditRow, CreditWorked, VisitOwing
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")


class CreditRefused(ServiceError):
    """The credit cannot be worked as asked; nothing changed."""


class CreditGone(ServiceError):
    """The visit is no longer in credit on that side: the item was closed, no money moved."""


class _Gone(Exception):
    """Inside the transaction: the item was closed as gone (commit, then refuse)."""


class CreditService:
    """Credit balances. Blocking: call from a worker.

    `role` is the acting user's (`refund-payer` in `domain/roles.py` decides who refunds a
    payer); None: read it from `app_user` at the time of the refund.
    """

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
        self.lease = lease or LeaseTerms()

    @translate_errors
    def open_items(self, limit: int = 500) -> list[CreditRow]:
        """The open credit items, oldest first."""
        with read_connection(self.engine) as conn:
            return repo.open_credits(conn, limit)

    @translate_errors
    def rows(self, ids: Sequence[int]) -> list[CreditRow]:
        """The credit items with these ids still open (a live list re-reads what changed)."""
        with read_connection(self.engine) as conn:
            return repo.open_credit_rows(conn, ids)

    @translate_errors
    def visits_owing(self, work_item_id: int) -> list[VisitOwing]:
        """The visits a patient's credit may be applied to: the patient's and those of
        everyone with the same guarantor that owe on the patient side, oldest first."""
        with read_connection(self.engine) as conn:
            credit = self._item(conn, work_item_id)
            return _other_visits(conn, credit)

    @translate_errors
    def refund_to_payer(self, work_item_id: int, reference: str) -> CreditWorked:
        """Give a payer's credit back to the payer (supervisors): a positive payment row on
        the visit and side in credit; the item is closed."""
        ref = _reference(reference)

        def work(conn: Connection) -> CreditWorked:
            require(self._role(conn), "refund-payer")  # RoleRefused: nothing changed
            state = self._open_credit(conn, work_item_id)
            row = state.row
            if not row.payer_side:
                raise repo.CreditRefused(
                    "this is the patient's credit: refund it to the patient or apply it to "
                    "another visit"
                )
            payer = row.payer_name or f"the {row.responsibility} payer"
            amount = state.credit
            repo.post_entry(
                conn,
                row.encounter_id,
                row.claim_id,
                "payment",
                row.responsibility,
                amount,
                f"refund to payer {payer}, ref {ref}",
                self.actor,
            )
            words = f"refunded {amount} to {payer}, ref {ref}"
            repo.close_credit(conn, work_item_id, self.actor, words)
            record_audit(conn, self.actor, "credit-refund-payer", "work_item", work_item_id, words)
            return CreditWorked(work_item_id, "refund-payer", amount, ZERO, sentence(words))

        return self._write(work)

    @translate_errors
    def refund_to_patient(self, work_item_id: int, reference: str) -> CreditWorked:
        """Give a patient's credit back to the patient: a positive payment row on the
        patient side of the visit; the item is closed."""
        ref = _reference(reference)

        def work(conn: Connection) -> CreditWorked:
            state = self._open_credit(conn, work_item_id)
            row = state.row
            if row.payer_side:
                raise repo.CreditRefused(
                    f"this credit is the {row.responsibility} payer's money: it goes back to "
                    "the payer (a supervisor refunds it)"
                )
            amount = state.credit
            repo.post_entry(
                conn,
                row.encounter_id,
                row.claim_id,
                "payment",
                "patient",
                amount,
                f"refund to patient, ref {ref}",
                self.actor,
            )
            words = f"refunded {amount} to the patient, ref {ref}"
            repo.close_credit(conn, work_item_id, self.actor, words)
            record_audit(
                conn, self.actor, "credit-refund-patient", "work_item", work_item_id, words
            )
            return CreditWorked(work_item_id, "refund-patient", amount, ZERO, sentence(words))

        return self._write(work)

    @translate_errors
    def apply_to_visit(self, work_item_id: int, encounter_id: int) -> CreditWorked:
        """Move a patient's credit to another visit of the same patient (or guarantor) that
        owes: a transfer pair, at most what that visit owes. The item stays open with what
        is left, else it is closed."""

        def work(conn: Connection) -> CreditWorked:
            state = self._open_credit(conn, work_item_id)
            row = state.row
            if row.payer_side:
                raise repo.CreditRefused(
                    f"this credit is the {row.responsibility} payer's money: it cannot pay "
                    "another visit; it goes back to the payer"
                )
            target = next(
                (v for v in _other_visits(conn, row) if v.encounter_id == encounter_id), None
            )
            if target is None:
                raise repo.CreditRefused(
                    f"visit {encounter_id} is not another visit of this patient (or their "
                    "guarantor) that owes; nothing changed"
                )
            amount = min(state.credit, target.owed)
            memo = f"credit of visit {row.encounter_id} applied to visit {encounter_id}"
            repo.post_entry(
                conn,
                row.encounter_id,
                row.claim_id,
                "transfer",
                "patient",
                amount,
                memo,
                self.actor,
            )
            repo.post_entry(
                conn, encounter_id, None, "transfer", "patient", -amount, memo, self.actor
            )
            left = state.credit - amount
            words = f"applied {amount} to the visit of {target.dos:%m/%d/%Y}"
            if left > 0:
                repo.set_credit_amount(conn, work_item_id, left)
                words += f"; {left} is still in credit"
            else:
                repo.close_credit(conn, work_item_id, self.actor, words)
            record_audit(conn, self.actor, "credit-apply", "work_item", work_item_id, words)
            return CreditWorked(work_item_id, "apply", amount, left, sentence(words))

        return self._write(work)

    # helpers ----------------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
        gone: list[str] = []

        def unit(session: Session) -> T | None:
            conn = session.connection()
            try:
                return work(conn)
            except repo.CreditRefused as exc:
                raise CreditRefused(sentence(exc)) from None
            except _Gone as exc:
                gone.append(str(exc))  # the close is kept: commit, then refuse
                return None

        done = run_in_transaction(self.engine, unit)
        if done is None:
            raise CreditGone(gone[-1])
        return done

    def _open_credit(self, conn: Connection, work_item_id: int) -> repo.CreditState:
        """The locked item, held by the acting user (LeaseHeld: someone else's), open and
        still in credit; a gone credit is closed (`_Gone`)."""
        state = repo.lock_credit(conn, work_item_id)
        hold_to_act(conn, work_item_id, self.actor, self.lease)
        if state.status != "open":
            raise repo.CreditRefused(
                f"credit item {work_item_id} is already {state.status}; nothing changed"
            )
        if state.credit <= 0:
            outcome = f"credit gone: the {state.row.responsibility} balance is now {state.balance}"
            repo.close_credit(conn, work_item_id, self.actor, outcome)
            record_audit(conn, self.actor, "credit-close", "work_item", work_item_id, outcome)
            raise _Gone(
                f"The visit is no longer in credit (its {state.row.responsibility} balance is "
                f"{state.balance}): item {work_item_id} was closed and no money moved"
            )
        return state

    def _item(self, conn: Connection, work_item_id: int) -> CreditRow:
        try:
            return repo.credit_item(conn, work_item_id)
        except repo.CreditRefused as exc:
            raise CreditRefused(sentence(exc)) from None

    def _role(self, conn: Connection) -> str | None:
        if self.role is not None:
            return self.role
        found = user_role(conn, self.actor)
        return found[0] if found is not None and found[1] else None


def _other_visits(conn: Connection, credit: CreditRow) -> list[VisitOwing]:
    return [
        v
        for v in repo.visits_owing(conn, credit.patient_id)
        if v.encounter_id != credit.encounter_id
    ]


def _reference(reference: str) -> str:
    ref = reference.strip()
    if not ref:
        raise CreditRefused("Give the refund's reference (check or transfer number)")
    return ref[:50]
