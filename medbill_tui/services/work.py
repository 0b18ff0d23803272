"""Work claiming: `next` hands a biller the next open item nobody holds and a lease on it;
`release`, `renew`, `reassign` (supervisors) change the lease. Each call is one transaction
with its audit row; a refusal changes nothing.

A lease records where it was taken (`source`: 'cli', or the app session's id): `release_mine`
frees only what this session took, so items taken on the command line outlive an app session.

Finishing an item (the denial, rejection, follow-up and unmatched actions that close it) clears
its owner and lease in the closing transaction; an expired lease needs no job: `next` treats
the item as free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import work as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.work import (
    CLI_SOURCE,
    QUEUE_KINDS,
    REASSIGNED_SOURCE,
    LeaseTerms,
    Released,
    WorkLease,
    nothing_free_words,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")


class WorkRefused(ServiceError):
    """The item cannot be taken, renewed, released or reassigned as asked; nothing changed."""


def queue_kind(queue: str) -> str:
    """The work_item kind of a queue name (WorkRefused for an unknown queue)."""
    kind = QUEUE_KINDS.get(queue)
    if kind is None:
        names = ", ".join(QUEUE_KINDS)
        raise WorkRefused(f"There is no work queue {queue!r}: use one of {names}")
    return kind


class WorkService:
    """Claiming work items with leases. Blocking: call from a worker.

    `role` is the acting user's (`domain/roles.py` `can(role, "reassign-work")` decides who
    may reassign); None: read it from `app_user` at the time of the reassignment. `source`:
    where this user's leases are taken ('cli', or the app session's id).
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        lease_minutes: int = 30,
        *,
        role: str | None,
        source: str = CLI_SOURCE,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.lease_minutes = lease_minutes
        self.role = role
        self.terms = LeaseTerms(source, lease_minutes)

    def _write(self, work: Callable[[Connection], T]) -> T:
        def unit(session: Session) -> T:
            try:
                return work(session.connection())
            except repo.WorkRefused as exc:
                raise WorkRefused(sentence(exc)) from None

        return run_in_transaction(self.engine, unit)

    @translate_errors
    def next(self, queue: str) -> WorkLease | None:
        """Take the next open item of `queue` nobody holds (in the queue's order) and lease it
        to the acting user; None when every open item is held (or no follow-up is due)."""
        kind = queue_kind(queue)
        today = self.clock.today()

        def work(conn: Connection) -> WorkLease | None:
            audit = f"{queue}, lease {self.lease_minutes} min"  # its audit row, same statement
            return repo.take_next(conn, kind, self.actor, self.terms, today, audit)

        return self._write(work)

    @translate_errors
    def why_nothing(self, queue: str) -> str:
        """In words, why `next` found nothing to take in `queue` just now."""
        kind = queue_kind(queue)
        with read_connection(self.engine) as conn:
            counts = repo.why_nothing_free(
                conn, kind, self.actor, self.lease_minutes, self.clock.today()
            )
        return nothing_free_words(queue, *counts, minutes=self.lease_minutes)

    @translate_errors
    def release(self, work_item_id: int) -> Released:
        """Give back an item the acting user holds (leaving it unfinished). An item that is
        free, closed or someone else's is left as it is (`released` False, words say why)."""

        def work(conn: Connection) -> Released:
            item = repo.lock_item(conn, work_item_id)
            if item.status != "open":
                return Released(
                    work_item_id,
                    False,
                    f"Item {work_item_id} is already {item.status}; nothing to release",
                )
            if item.holder is None:
                return Released(work_item_id, False, f"Item {work_item_id} is not held by anyone")
            if item.holder != self.actor:
                held = item.held_words()
                return Released(
                    work_item_id,
                    False,
                    f"Item {work_item_id} is held by {held}, not by you; nothing changed",
                )
            repo.clear_lease(conn, work_item_id)
            record_audit(conn, self.actor, "work-release", "work_item", work_item_id, None)
            return Released(work_item_id, True, f"Released item {work_item_id}")

        return self._write(work)

    @translate_errors
    def renew(self, work_item_id: int) -> WorkLease:
        """Extend the acting user's own lease by the lease length from now. An item nobody
        holds (its lease passed, or it was never taken), someone else's or a closed one is
        refused, saying why."""

        def work(conn: Connection) -> WorkLease:
            item = self._open_item(conn, work_item_id)
            if item.holder is None:
                raise repo.WorkRefused(
                    f"item {work_item_id} is not held by anyone (take it with `work next` "
                    "or by acting on it); nothing changed"
                )
            if item.holder != self.actor:
                raise repo.WorkRefused(
                    f"item {work_item_id} is held by {item.held_words()}; nothing changed"
                )
            repo.extend_lease(conn, work_item_id, self.lease_minutes)
            record_audit(
                conn,
                self.actor,
                "work-renew",
                "work_item",
                work_item_id,
                f"lease {self.lease_minutes} min",
            )
            return repo.lease(conn, work_item_id)

        return self._write(work)

    @translate_errors
    def reassign(self, work_item_id: int, to_login: str) -> WorkLease:
        """A supervisor gives an open item to `to_login` (an active user) with a fresh lease."""
        login = to_login.strip()
        if not login:
            raise WorkRefused("Say whom to give the item to (their login)")

        def work(conn: Connection) -> WorkLease:
            require(self._role(conn), "reassign-work")  # RoleRefused: nothing changed
            target = repo.user_role(conn, login)
            if target is None or not target[1]:
                if target is None:
                    raise repo.WorkRefused(
                        f"there is no user {login!r} here (medbill users add); nothing changed"
                    )
                raise repo.WorkRefused(f"the user {login!r} is disabled; nothing changed")
            item = self._open_item(conn, work_item_id)
            before = item.holder or "nobody"
            repo.set_lease(conn, work_item_id, login, self.lease_minutes, REASSIGNED_SOURCE)
            record_audit(
                conn,
                self.actor,
                "work-reassign",
                "work_item",
                work_item_id,
                f"from {before} to {login}",
            )
            return repo.lease(conn, work_item_id)

        return self._write(work)

    @translate_errors
    def release_mine(
        self, kinds: tuple[str, ...] | None = None, why: str = "session ended"
    ) -> list[int]:
        """Free every item (of `kinds`, default all) the acting user holds from leases this
        session took (their session is ending, or they went back to a work list: `why`, for
        the audit). Leases taken elsewhere (the command line, another session) stay. The
        ids."""

        def work(conn: Connection) -> list[int]:
            ids = repo.release_all(conn, self.actor, self.terms.source, kinds)
            for item in ids:
                record_audit(conn, self.actor, "work-release", "work_item", item, why)
            return ids

        return self._write(work)

    # helpers ----------------------------------------------------------------------------

    def _open_item(self, conn: Connection, work_item_id: int) -> repo.ItemState:
        item = repo.lock_item(conn, work_item_id)
        if item.status != "open":
            raise repo.WorkRefused(f"item {work_item_id} is already {item.status}; nothing changed")
        return item

    def _role(self, conn: Connection) -> str | None:
        if self.role is not None:
            return self.role
        found = repo.user_role(conn, self.actor)
        return found[0] if found is not None and found[1] else None
