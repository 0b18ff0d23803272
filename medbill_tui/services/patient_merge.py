"""Merging a duplicate patient account into the one that stays (supervisors and admins).

One transaction: both patients locked, the role checked, anything that must wait (a held
work item, someone's unsaved draft) refuses the merge with the reason, then every row moves,
the merged patient is marked (kept, never deleted), an audit row names both accounts with
the counts and a note on the survivor says what came in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from medbill_tui.db.repositories import patient_duplicates as dupes
from medbill_tui.db.repositories import patient_merge as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.patient_merge import DuplicateMatch, MergeParty, MergePlan
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


class MergeInvalid(ServiceError):
    """The two accounts are not a pair to merge (unknown, or the same one): exit status 2."""


class MergeRefused(ServiceError):
    """The merge cannot go ahead now (a merged account, held work, unsaved drafts); nothing
    was changed: exit status 1."""


class PatientMergeService:
    """Preview and merge two accounts. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, role: str | None) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.role = role

    @translate_errors
    def candidates(self, patient_id: int) -> tuple[DuplicateMatch, ...]:
        """Other patients that look like this one (same name and date of birth, or a member
        id of theirs on the same payer): what the account screen offers to merge."""
        with read_connection(self.engine) as conn:
            last, first, dob = dupes.identity(conn, patient_id)
            found = list(dupes.same_name_and_dob(conn, last, first, dob, patient_id))
            for payer_id, member_id in dupes.coverage_keys(conn, patient_id):
                found += dupes.same_member_id(conn, payer_id, member_id, patient_id)
        unique = {match.patient_id: match for match in reversed(found)}
        return tuple(sorted(unique.values(), key=lambda m: m.account_no))

    @translate_errors
    def preview(self, source_account: str, target_account: str) -> MergePlan:
        """What merging `source_account` into `target_account` would move, and what stops
        it now (`blockers`). Changes nothing."""
        require(self.role, "merge-patients")
        with read_connection(self.engine) as conn:
            return self._plan(conn, source_account, target_account, lock=False)

    @translate_errors
    def merge(self, source_account: str, target_account: str) -> MergePlan:
        """Move every row of `source_account` to `target_account`; the plan as carried out.
        RoleRefused, MergeInvalid or MergeRefused change nothing."""

        def work(session: Session) -> MergePlan:
            conn = session.connection()
            require(self.role, "merge-patients")  # RoleRefused: rolled back, nothing changed
            plan = self._plan(conn, source_account, target_account, lock=True)
            if plan.blockers:
                raise MergeRefused(
                    f"{plan.source.account_no} cannot be merged now: "
                    + "; ".join(plan.blockers)
                    + ". Nothing was changed"
                )
            source, target = plan.source, plan.target
            dunning = not repo.survivor_has_dunning(conn, target.patient_id)
            repo.move(conn, source.patient_id, target.patient_id, dunning)
            words = plan.counts_text()
            record_audit(
                conn,
                self.actor,
                "merge",
                "patient",
                target.patient_id,
                f"merged {source.account_no} into {target.account_no}: {words}",
            )
            write_note(
                conn,
                "patient",
                target.patient_id,
                self.actor,
                f"Account {source.account_no} ({source.name}, born {source.dob:%m/%d/%Y}) "
                f"merged into this account: {words}.",
            )
            return plan

        return run_in_transaction(self.engine, work)

    def _plan(self, conn: Connection, source_no: str, target_no: str, lock: bool) -> MergePlan:
        source = self._party(conn, source_no)
        target = self._party(conn, target_no)
        if source.patient_id == target.patient_id:
            raise MergeInvalid(f"{source.account_no} cannot be merged into itself")
        if lock:
            repo.lock_pair(conn, source.patient_id, target.patient_id)
            source, target = self._party(conn, source_no), self._party(conn, target_no)
        for party, role in ((source, "merge"), (target, "merge into")):
            if party.merged_into is not None:
                raise MergeRefused(
                    f"{party.account_no} was merged into {party.merged_into} already: "
                    f"{role} {party.merged_into} instead. Nothing was changed"
                )
        ids = (source.patient_id, target.patient_id)
        notes = list(repo.overlaps(conn, ids))
        counts = repo.counts(conn, source.patient_id)
        if dict(counts).get(repo.DUNNING) and repo.survivor_has_dunning(conn, target.patient_id):
            counts = tuple((what, 0 if what == repo.DUNNING else n) for what, n in counts)
            notes.append(
                f"{target.account_no} has its own statement cycle: {source.account_no}'s "
                "statement history stays with it"
            )
        return MergePlan(source, target, counts, repo.blockers(conn, ids, lock), tuple(notes))

    @staticmethod
    def _party(conn: Connection, account_no: str) -> MergeParty:
        found = repo.party(conn, account_no)
        if found is None:
            raise MergeInvalid(f"there is no account {account_no.strip().upper()!r}")
        return found
