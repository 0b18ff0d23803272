"""835 remittances: preview, post exactly once, undo; and the ledger check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from medbill_tui.db.repositories import credits, ledger_check, remit_lookup
from medbill_tui.db.repositories import remits as repo
from medbill_tui.db.repositories.remit_repost import repost_remittance
from medbill_tui.db.repositories.remit_undo import undo_remittance
from medbill_tui.db.uow import (
    ConstraintViolated,
    constraint_violations,
    read_connection,
    run_in_transaction,
)
from medbill_tui.domain.routing import RuleSet
from medbill_tui.edi.x835 import (
    Remit835,
    claim_balance_errors,
    claim_sign_errors,
    payment_sign_error,
    remit_balance_error,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.denial_rules import active_rules
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class PostingFailed(ServiceError):
    """Nothing was posted; the message says why."""


@dataclass(frozen=True, slots=True)
class RemitOutcome:
    """One payment of an 835: posted, previewed, or refused (with the reason)."""

    trace_no: str
    payer_name: str
    amount: Decimal
    status: str  # posted | preview | already-posted | conflict | unbalanced | refused
    matched: int = 0
    unmatched: int = 0
    paid: Decimal = Decimal("0.00")
    denials: int = 0
    message: str = ""

    @property
    def refused(self) -> bool:
        """Money in this payment was not posted (a repeat of a posted one is not refused: the
        same payment again rightly changes nothing)."""
        return self.status in ("unbalanced", "refused", "conflict")


def sign_problems(remit: Remit835) -> list[str]:
    """Negative money where there may be none (see `claim_sign_errors`)."""
    problems = [p for claim in remit.claims for p in claim_sign_errors(claim)]
    total = payment_sign_error(remit)
    return [total, *problems] if total else problems


def balance_problems(remit: Remit835) -> list[str]:
    problems = [p for claim in remit.claims for p in claim_balance_errors(claim)]
    total = remit_balance_error(remit)
    return [total, *problems] if total else problems


class RemittanceService:
    """Post 835 payments to the ledger. Blocking: call from a worker."""

    def __init__(
        self, engine: Engine, clock: Clock, actor: str, rules: RuleSet | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.rules = rules
        """Denial routing rules (None: `denial_rules.active_rules()`)."""

    def post_in(
        self,
        session: Session,
        remit: Remit835,
        raw: bytes | None,
        file_id: int | None,
        *,
        dry_run: bool,
    ) -> RemitOutcome:
        """Post one payment inside the caller's transaction (a savepoint each, so one refused
        payment in a file leaves the file's others alone)."""
        base = RemitOutcome(remit.trace_no, remit.payer_name, remit.amount, "refused")
        wrong_signs = sign_problems(remit)
        if wrong_signs:
            return _with(base, "refused", "not posted: " + "; ".join(wrong_signs[:3]))
        problems = balance_problems(remit)
        if problems:
            return _with(
                base, "unbalanced", "not posted: it does not balance — " + "; ".join(problems[:3])
            )
        nested = session.begin_nested()
        try:
            with constraint_violations():
                summary = repo.post_remittance(
                    session.connection(),
                    remit,
                    raw,
                    file_id,
                    self.actor,
                    self.clock.today(),
                    self.rules or active_rules(),
                )
                if summary.remittance_id is not None:  # a payment paid past a balance
                    credits.open_credits_for_remittance(
                        session.connection(), summary.remittance_id, self.actor, self.clock.today()
                    )
        except repo.PostingRefused as exc:
            nested.rollback()
            status = {repo.AlreadyPosted: "already-posted", repo.PaymentConflict: "conflict"}.get(
                type(exc), "refused"
            )
            return _with(base, status, sentence(exc))
        except ConstraintViolated:
            nested.rollback()  # posted by someone else just now: say who and when
            prior = remit_lookup.posted_before(session.connection(), remit)
            words = f"Payment {remit.trace_no} was posted by someone else just now"
            return _with(base, "already-posted", sentence(prior) if prior else words)
        if dry_run:
            nested.rollback()
        else:
            nested.commit()
        return RemitOutcome(
            remit.trace_no,
            remit.payer_name,
            remit.amount,
            "preview" if dry_run else "posted",
            summary.matched,
            summary.unmatched,
            summary.paid,
            summary.denials,
        )

    @translate_errors
    def undo(self, remittance_id: int, reason: str, notes: list[str] | None = None) -> int:
        """Reverse a posted payment (supervisor); balances return to what they were. What
        else it did (a secondary claim voided, a follow-up opened) is added to `notes`."""
        if not reason.strip():
            raise PostingFailed("Give a reason for undoing the payment")

        def work(session: Session) -> int:
            try:
                return undo_remittance(
                    session.connection(),
                    remittance_id,
                    self.actor,
                    reason.strip(),
                    notes,
                    self.clock.today(),
                )
            except repo.PostingRefused as exc:
                raise PostingFailed(sentence(exc)) from None

        return run_in_transaction(self.engine, work)

    @translate_errors
    def repost(self, remittance_id: int) -> int:
        """Post an undone payment again (supervisor); returns how many claims it posted."""

        def work(session: Session) -> int:
            try:
                summary = repost_remittance(
                    session.connection(), remittance_id, self.actor, self.rules or active_rules()
                )
            except repo.PostingRefused as exc:
                raise PostingFailed(sentence(exc)) from None
            return summary.matched

        return run_in_transaction(self.engine, work)

    @translate_errors
    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        """The latest imported payments, newest first (id, trace_no, payer, amount, paid_on,
        status, imported_by, imported_at)."""
        with read_connection(self.engine) as conn:
            return remit_lookup.remittance_list(conn, limit)

    @translate_errors
    def check_ledger(self) -> tuple[ledger_check.LedgerProblem, ...]:
        with read_connection(self.engine) as conn:
            return ledger_check.check_ledger(conn)


def _with(base: RemitOutcome, status: str, message: str) -> RemitOutcome:
    return RemitOutcome(base.trace_no, base.payer_name, base.amount, status, message=message)
