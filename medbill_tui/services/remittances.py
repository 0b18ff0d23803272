"""835 remittances: preview, post exactly once (claim by claim as the file is read), undo; and
the ledger check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from medbill_tui.db.repositories import credits, ledger_check, remit_lookup
from medbill_tui.db.repositories import remits as repo
from medbill_tui.db.repositories.remit_posting import RemitPosting
from medbill_tui.db.repositories.remit_repost import repost_remittance
from medbill_tui.db.repositories.remit_undo import undo_remittance
from medbill_tui.db.uow import (
    ConstraintViolated,
    constraint_violations,
    read_connection,
    run_in_transaction,
)
from medbill_tui.domain.routing import RuleSet
from medbill_tui.edi.x835 import BalanceTally, ClaimPay, ProviderAdjustment, Remit835, RemitHead
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


class PaymentSource(Protocol):
    """One 835 payment as it is read: its head, its claims once each, then its PLBs."""

    @property
    def head(self) -> RemitHead: ...

    @property
    def plb(self) -> Sequence[ProviderAdjustment]:
        """Complete once every claim is read."""
        ...

    def claims(self) -> Iterator[ClaimPay]: ...

    def take_raw(self) -> bytes | None:
        """The payment's segments read since the last call (None: not kept)."""
        ...


@dataclass(slots=True)
class _WholePayment:
    """A payment already in memory, with its raw segments (if kept)."""

    remit: Remit835
    raw: bytes | None

    @property
    def head(self) -> RemitHead:
        return self.remit.head

    @property
    def plb(self) -> Sequence[ProviderAdjustment]:
        return self.remit.plb

    def claims(self) -> Iterator[ClaimPay]:
        return iter(self.remit.claims)

    def take_raw(self) -> bytes | None:
        raw = self.raw
        if raw is not None:
            self.raw = b""
        return raw


class _NotPostable(Exception):
    """Wrong signs or no balance: stop writing the payment (its savepoint rolls back)."""


RAW_EVERY = 1000
"""Claims read between two hand-overs of the payment's raw segments to the posting."""


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
        return self.post_read(session, _WholePayment(remit, raw), file_id, dry_run=dry_run)

    def post_read(
        self, session: Session, source: PaymentSource, file_id: int | None, *, dry_run: bool
    ) -> RemitOutcome:
        """Post one payment claim by claim as `source` reads it, inside the caller's
        transaction (a savepoint of its own). Its money has the right signs and it balances
        (each claim, and BPR02 against the claims less the PLBs), or none of it stays; it is
        posted once (same payer and TRN02)."""
        head = source.head
        base = RemitOutcome(head.trace_no, head.payer_name, head.amount, "refused")
        tally = BalanceTally()
        claims = source.claims()
        nested = session.begin_nested()
        try:
            with constraint_violations():
                summary = self._write(session, source, claims, tally, file_id)
                if summary.remittance_id is not None:  # a payment paid past a balance
                    credits.open_credits_for_remittance(
                        session.connection(), summary.remittance_id, self.actor, self.clock.today()
                    )
        except _NotPostable:
            nested.rollback()
            _read_rest(source, claims, tally)
            refusal = _refusal(base, tally, source)
            assert refusal is not None
            return refusal
        except repo.PostingRefused as exc:
            nested.rollback()
            _read_rest(source, claims, tally)
            status = {repo.AlreadyPosted: "already-posted", repo.PaymentConflict: "conflict"}.get(
                type(exc), "refused"
            )
            return _refusal(base, tally, source) or _with(base, status, sentence(exc))
        except ConstraintViolated:
            nested.rollback()  # posted by someone else just now: say who and when
            _read_rest(source, claims, tally)
            prior = remit_lookup.posted_before(session.connection(), head)
            words = f"Payment {head.trace_no} was posted by someone else just now"
            return _refusal(base, tally, source) or _with(
                base, "already-posted", sentence(prior) if prior else words
            )
        if dry_run:
            nested.rollback()
        else:
            nested.commit()
        return RemitOutcome(
            head.trace_no,
            head.payer_name,
            head.amount,
            "preview" if dry_run else "posted",
            summary.matched,
            summary.unmatched,
            summary.paid,
            summary.denials,
            message=_warnings_words(summary.warnings),
        )

    def _write(
        self,
        session: Session,
        source: PaymentSource,
        claims: Iterator[ClaimPay],
        tally: BalanceTally,
        file_id: int | None,
    ) -> repo.PostingSummary:
        if tally.signs(source.head):
            raise _NotPostable
        posting = RemitPosting(
            session.connection(),
            source.head,
            file_id,
            self.actor,
            self.clock.today(),
            self.rules or active_rules(),
        )
        for count, claim in enumerate(claims, start=1):
            tally.add(claim)
            if tally.bad_claims:
                raise _NotPostable
            posting.add(claim)
            if count % RAW_EVERY == 0:
                _hand_raw(source, posting)
        if tally.problems(source.head, source.plb):
            raise _NotPostable
        _hand_raw(source, posting)
        return posting.finish(source.plb)

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


def _hand_raw(source: PaymentSource, posting: RemitPosting) -> None:
    raw = source.take_raw()
    if raw is not None:
        posting.add_raw(raw)


def _read_rest(source: PaymentSource, claims: Iterator[ClaimPay], tally: BalanceTally) -> None:
    """Read the payment's claims that were not posted, for its balance check only."""
    for count, claim in enumerate(claims, start=1):
        tally.add(claim)
        if count % RAW_EVERY == 0:
            source.take_raw()
    source.take_raw()


def _refusal(base: RemitOutcome, tally: BalanceTally, source: PaymentSource) -> RemitOutcome | None:
    """Why the whole payment, once read, may not be posted: wrong signs first, then balance."""
    wrong_signs = tally.signs(source.head)
    if wrong_signs:
        return _with(base, "refused", "not posted: " + "; ".join(wrong_signs[:3]))
    problems = tally.problems(source.head, source.plb)
    if problems:
        return _with(
            base, "unbalanced", "not posted: it does not balance — " + "; ".join(problems[:3])
        )
    return None


WARNINGS_SHOWN = 5
"""Warnings told one by one in an outcome's message; the rest are counted."""


def _warnings_words(warnings: list[str]) -> str:
    """What the payer reported that was not posted, for the biller (the first few)."""
    words = "; ".join(warnings[:WARNINGS_SHOWN])
    more = len(warnings) - WARNINGS_SHOWN
    return words + (f"; and {more} more like it" if more > 0 else "")


def _with(base: RemitOutcome, status: str, message: str) -> RemitOutcome:
    return RemitOutcome(base.trace_no, base.payer_name, base.amount, status, message=message)
