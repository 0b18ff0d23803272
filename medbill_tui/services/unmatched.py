"""The unmatched-remittance list: payments for claims the import could not find, the claims
they may belong to, posting one to the chosen claim, or closing it as not ours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import unmatched as repo
from medbill_tui.db.repositories.work import hold_to_act
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.queues import Cursor, Page
from medbill_tui.records.unmatched import (
    MatchCandidate,
    MatchOutcome,
    UnmatchedPayment,
    UnmatchedRow,
)
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.denial_rules import active_rules
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")


class UnmatchedRefused(ServiceError):
    """The unmatched payment cannot be posted or closed as asked; nothing changed."""


class UnmatchedService:
    """List, match and close unmatched remittances. Blocking: call from a worker."""

    def __init__(
        self, engine: Engine, clock: Clock, actor: str, lease: LeaseTerms | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.lease = lease or LeaseTerms()

    def _read(self, work: Callable[[Connection], T]) -> T:
        with read_connection(self.engine) as conn:
            try:
                return work(conn)
            except repo.MatchRefused as exc:
                raise UnmatchedRefused(sentence(exc)) from None

    def _write(self, work_item_id: int, work: Callable[[Connection], T]) -> T:
        """Run `work` on the item held by the acting user (LeaseHeld: someone else's)."""

        def unit(session: Session) -> T:
            conn = session.connection()
            try:
                hold_to_act(conn, work_item_id, self.actor, self.lease)
                return work(conn)
            except repo.MatchRefused as exc:
                raise UnmatchedRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, unit)

    @translate_errors
    def page(self, after: Cursor | None = None, limit: int = 200) -> Page[UnmatchedRow]:
        """Open unmatched items (835 payments and 277CA acknowledgments), newest first."""
        if limit < 1:
            raise ValueError("a page needs at least one row")
        return self._read(lambda conn: repo.unmatched_page(conn, after, limit))

    @translate_errors
    def rows(self, ids: Sequence[int]) -> tuple[UnmatchedRow, ...]:
        """The items with these ids still open (a live list re-reads what changed)."""
        return self._read(lambda conn: repo.unmatched_rows(conn, ids))

    @translate_errors
    def payment(self, work_item_id: int) -> UnmatchedPayment:
        """One unmatched payment with what the payer sent (date of service, codes)."""
        return self._read(lambda conn: repo.load_payment(conn, work_item_id)[0])

    @translate_errors
    def candidates(
        self, work_item_id: int, words: str = "", limit: int = 30
    ) -> tuple[MatchCandidate, ...]:
        """Claims the payment may belong to, likeliest first; `words` narrows by claim number
        prefix, account number or last name."""

        def work(conn: Connection) -> tuple[MatchCandidate, ...]:
            payment, _ = repo.load_payment(conn, work_item_id)
            return repo.candidates(conn, payment, words, limit)

        return self._read(work)

    @translate_errors
    def post(
        self, work_item_id: int, claim_id: int, *, allow_other_payer: bool = False
    ) -> MatchOutcome:
        """Post the payment to the claim in one transaction, as a matched import would have.

        Refused (nothing changes) when someone already dealt with the item, the claim is void
        or was paid more than it charged, or the claim's payer is not the remittance's payer
        (unless `allow_other_payer`: the biller confirmed it)."""
        return self._write(
            work_item_id,
            lambda conn: repo.post_to_claim(
                conn,
                work_item_id,
                claim_id,
                self.actor,
                active_rules(),
                allow_other_payer=allow_other_payer,
            ),
        )

    @translate_errors
    def close_not_ours(self, work_item_id: int, reason: str) -> None:
        """Close the item with a reason ("not ours", "returned to the payer"); no money moves."""
        if not reason.strip():
            raise UnmatchedRefused("Give a reason for closing it")
        self._write(
            work_item_id,
            lambda conn: repo.close_not_ours(conn, work_item_id, self.actor, reason.strip()),
        )
