"""Follow-up on claims and accounts: a note with a next-action date, a payer call, the list of
follow-ups due, and done-and-next. Each call is one transaction; a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import denials as denial_repo
from medbill_tui.db.repositories import followups as repo
from medbill_tui.db.repositories.work import hold_to_act
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.followup import (
    DENIAL_WARNING_DAYS,
    FollowupInvalid,
    call_note,
    check_not_past,
)
from medbill_tui.records.followups import (
    Entity,
    EntityFollowup,
    FollowupDone,
    FollowupRow,
    FollowupSaved,
    PayerCall,
)
from medbill_tui.records.queues import Cursor, Page, QueueFilter, Timers
from medbill_tui.records.work import LeaseTerms
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")
ENTITIES: tuple[Entity, ...] = ("claim", "patient")


class FollowupRefused(ServiceError):
    """The note or follow-up cannot be saved as asked; nothing was written."""


class FollowupService:
    """Notes, next-action dates and the follow-up-due list. Blocking: call from a worker.

    The no-payment timer is the global `Timers.no_payment` (`MEDBILL_TIMER_PAYMENT_DAYS`):
    payers have no column of their own for it yet.
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        timers: Timers | None = None,
        lease: LeaseTerms | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.timers = timers or Timers()
        self.lease = lease or LeaseTerms()

    def _write(self, work: Callable[[Connection], T]) -> T:
        def unit(session: Session) -> T:
            try:
                return work(session.connection())
            except (repo.FollowupRefused, denial_repo.DenialRefused) as exc:
                raise FollowupRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, unit)

    def _check(self, body: str, next_on: date | None, call: PayerCall | None) -> str:
        """The note's text, or FollowupRefused for an empty note, a past date, a bad call."""
        try:
            if next_on is not None:
                check_not_past(next_on, self.clock.today())
            text = call_note(call, body) if call is not None else body.strip()
        except FollowupInvalid as exc:
            raise FollowupRefused(str(exc)) from None
        if not text:
            raise FollowupRefused("The note is empty: say what was done or found")
        return text

    @translate_errors
    def add(
        self,
        entity: Entity,
        entity_id: int,
        body: str,
        next_on: date | None = None,
        call: PayerCall | None = None,
    ) -> FollowupSaved:
        """Write a note on a claim or account; with `next_on`, create its open follow-up or
        move it there (owned by the acting user). A payer call is a claim's structured note."""
        if entity not in ENTITIES:
            raise FollowupRefused(f"A note goes on a claim or an account, not a {entity}")
        if call is not None and entity != "claim":
            raise FollowupRefused("A payer call is recorded on a claim, not on an account")
        text = self._check(body, next_on, call)
        today = self.clock.today()

        def work(conn: Connection) -> FollowupSaved:
            target = repo.lock_target(conn, entity, entity_id)
            note_id = repo.add_note(conn, target, self.actor, text)
            if next_on is None:
                return FollowupSaved(note_id, None, None, False)
            existing = repo.open_followup(conn, target)
            if existing is not None:  # moving it changes the item: it must be ours or free
                hold_to_act(conn, existing, self.actor, self.lease)
            item_id, moved = repo.schedule(conn, target, self.actor, next_on, text, today)
            return FollowupSaved(note_id, item_id, next_on, moved)

        return self._write(work)

    @translate_errors
    def done(self, work_item_id: int, outcome: str, next_on: date | None = None) -> FollowupDone:
        """Done-and-next: note the outcome on the claim or account, then close the item, or
        move it to `next_on`. An item already closed (by anyone) is refused and unchanged."""
        text = self._check(outcome, next_on, None)

        def work(conn: Connection) -> FollowupDone:
            ctx = repo.load_item(conn, work_item_id)
            hold_to_act(conn, work_item_id, self.actor, self.lease)
            if ctx.status != "open":
                when = f" on {ctx.closed_at}" if ctx.closed_at else ""
                raise repo.FollowupRefused(
                    f"this item was already closed by {ctx.closed_by}{when}; nothing changed"
                )
            repo.add_note(conn, ctx.target, self.actor, text)
            if ctx.kind == "denial":  # the denial list's own rules: the due date moves
                denial = denial_repo.load_denial(conn, work_item_id)
                if next_on is None:
                    denial_repo.close(conn, denial, self.actor, text)
                else:
                    repo.move(conn, ctx, self.actor, next_on)
            elif next_on is None:
                repo.close(conn, ctx, self.actor, text)
            else:
                repo.move(conn, ctx, self.actor, next_on)
            return FollowupDone(work_item_id, next_on)

        return self._write(work)

    @translate_errors
    def due_page(
        self,
        as_of: date | None = None,
        show_all: bool = False,
        filt: QueueFilter | None = None,
        after: Cursor | None = None,
        limit: int = 200,
        ids: Sequence[int] | None = None,
    ) -> Page[FollowupRow]:
        """One page of the follow-ups due on or before `as_of` (default today), or of every
        open one with `show_all`; denials near their deadline and claims accepted with no
        payment in time come first. `ids`: only those items still in the list (a live list
        re-reads what changed; at most len(ids) rows)."""
        if ids is not None:
            limit = max(1, len(ids))
        if limit < 1:
            raise ValueError("a page needs at least one row")
        today = self.clock.today()
        as_of = as_of or today
        with read_connection(self.engine) as conn:
            due_by = None if show_all else as_of
            return repo.due_page(
                conn,
                due_by,
                as_of,
                self.timers.no_payment,
                DENIAL_WARNING_DAYS,
                filt or QueueFilter(),
                after,
                limit,
                ids,
            )

    def due(self, as_of: date | None = None, show_all: bool = False) -> tuple[FollowupRow, ...]:
        """Every row of the list (all pages; for the command line)."""
        rows: list[FollowupRow] = []
        after: Cursor | None = None
        while True:
            page = self.due_page(as_of, show_all, after=after, limit=500)
            rows += page.rows
            if page.next_cursor is None:
                return tuple(rows)
            after = page.next_cursor

    @translate_errors
    def of(self, entity: Entity, entity_id: int) -> EntityFollowup:
        """The open follow-up and latest notes of a claim or account (the detail screens)."""
        with read_connection(self.engine) as conn:
            return repo.entity_followup(conn, entity, entity_id)
