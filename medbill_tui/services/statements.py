"""Patient statements and the dunning cycle: preview, run, collections, statement holds.

A run is one transaction. It locks the dunning history (one run at a time), decides per
guarantor (`domain.statements.decide`), writes each statement into a hidden temporary folder
(`services/outbox_files.py`: each attempt its own) while it records the run, the statements
(with their text) and an audit event, and only after the commit renames that folder to
`<as-of>_run<id>` in the statements directory. An error or Ctrl+C before the commit leaves no
rows and no folder; the text is in the database too, so a statement is never lost even if the
rename itself were interrupted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import statements as repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.domain.money import fmt_money
from medbill_tui.domain.report_period import PeriodError, check_as_of
from medbill_tui.domain.statement_text import render_statement
from medbill_tui.domain.statements import decide, file_name, run_folder_name
from medbill_tui.records.statements import (
    Action,
    CollectionsResult,
    DunningPolicy,
    StatementAccount,
    StatementEntry,
    StatementRunResult,
    Step,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.outbox_files import AttemptFiles, run_writing_files
from medbill_tui.services.users import require

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

Progress = Callable[[int, int], None]


class StatementsInvalid(ServiceError):
    """The run or request cannot be done as asked (a date, an account); nothing changed."""


class AsOfRefused(StatementsInvalid):
    """The as-of date cannot be used (in the future, or before the latest run)."""


class StatementsFailed(ServiceError):
    """The statements could not be written; nothing was recorded."""


def _entries(
    accounts: list[StatementAccount], policy: DunningPolicy, as_of: date
) -> list[tuple[StatementAccount, StatementEntry]]:
    out: list[tuple[StatementAccount, StatementEntry]] = []
    for account in accounts:
        decision = decide(account, policy, as_of)
        if decision is not None:
            entry = StatementEntry(
                account.guarantor_id, account.account_no, account.name, account.balance, decision
            )
            out.append((account, entry))
    return out


class StatementService:
    """Statement runs, collections referrals and holds. Blocking: call from a worker."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        out_dir: Path,
        policy: DunningPolicy,
        *,
        role: str | None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.out_dir = out_dir
        self.policy = policy
        self.role = role  # collections need a supervisor or an admin; None may do nothing

    def _as_of(self, as_of: date | None) -> date:
        try:
            return check_as_of(as_of, self.clock.today())
        except PeriodError as exc:
            raise AsOfRefused(f"{exc}: nothing was run") from None

    def _check_not_before_last(self, conn: Connection, as_of: date) -> None:
        latest = repo.latest_run_as_of(conn)
        if latest is not None and as_of < latest:
            raise AsOfRefused(
                f"Statements were already run as of {latest}; a run as of {as_of} would go "
                "back in time. Run as of that date or later."
            )

    @translate_errors
    def run(
        self,
        as_of: date | None = None,
        *,
        dry_run: bool = False,
        out_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> StatementRunResult:
        """Send what is due as of `as_of` (default today); `dry_run` changes nothing."""
        day = self._as_of(as_of)
        if dry_run:
            with read_connection(self.engine) as conn:
                self._check_not_before_last(conn, day)
                planned = _entries(repo.accounts(conn, day), self.policy, day)
            return StatementRunResult(day, True, tuple(e for _, e in planned))
        out = out_dir or self.out_dir

        def work(session: Session, attempt: AttemptFiles) -> StatementRunResult:
            conn = session.connection()
            repo.lock_dunning(conn)
            self._check_not_before_last(conn, day)
            planned = _entries(repo.accounts(conn, day), self.policy, day)
            run_id = repo.next_run_id(conn)
            final = out / run_folder_name(day, run_id)
            sends = [(a, e) for a, e in planned if e.decision.action is Action.SEND]
            events = self._write(conn, sends, day, run_id, final, attempt, progress)
            entries = [e for _, e in planned]
            files = {ev.guarantor_id: str(final / (ev.file_name or "")) for ev in events}
            entries = [
                StatementEntry(
                    e.guarantor_id,
                    e.account_no,
                    e.name,
                    e.balance,
                    e.decision,
                    files.get(e.guarantor_id, ""),
                )
                if e.decision.action is Action.SEND
                else e
                for e in entries
            ]
            events += [
                repo.NewEvent(
                    e.guarantor_id, e.decision.cycle_no, Step.CLOSED, day, e.balance, run_id
                )
                for e in entries
                if e.decision.action is Action.CLOSE
            ]
            result = StatementRunResult(
                day, False, tuple(entries), str(final) if sends else "", run_id
            )
            repo.insert_run(conn, run_id, day, len(sends), result.amount, result.folder, self.actor)
            repo.insert_events(conn, events, self.actor)
            record_audit(
                conn, self.actor, "statements.run", "statement_run", run_id, _audit_detail(result)
            )
            return result

        result, _ = run_writing_files(self.engine, work)
        return result

    def _write(
        self,
        conn: Connection,
        sends: list[tuple[StatementAccount, StatementEntry]],
        day: date,
        run_id: int,
        final: Path,
        files: AttemptFiles,
        progress: Progress | None,
    ) -> list[repo.NewEvent]:
        """Render every statement into the temporary folder that becomes `final` after the
        commit and return the rows that record them."""
        if not sends:
            return []
        practice = repo.practice_info(conn)
        lines = repo.visits(conn, [a.guarantor_id for a, _ in sends], day)
        try:
            temp = files.folder(final)
        except OSError as exc:
            raise StatementsFailed(
                f"Cannot write statements to {final.parent}: {exc.strerror}. Nothing was sent."
            ) from None
        events: list[repo.NewEvent] = []
        for number, (account, entry) in enumerate(sends, 1):
            step = entry.decision.step or Step.FIRST
            content = render_statement(
                practice, account, step, day, lines.get(account.guarantor_id, []), self.policy
            )
            name = file_name(account.account_no, step)
            try:
                (temp / name).write_text(content, encoding="utf-8")
            except OSError as exc:
                raise StatementsFailed(
                    f"Cannot write the statement {name}: {exc.strerror}. Nothing was sent."
                ) from None
            events.append(
                repo.NewEvent(
                    account.guarantor_id,
                    entry.decision.cycle_no,
                    step,
                    day,
                    account.balance,
                    run_id,
                    name,
                    content,
                )
            )
            if progress is not None:
                progress(number, len(sends))
        return events

    @translate_errors
    def preview(self, as_of: date | None = None) -> StatementRunResult:
        """What a run as of `as_of` (default today) would do; changes nothing."""
        return self.run(as_of, dry_run=True)

    @translate_errors
    def confirm_collections(self, account_nos: Sequence[str]) -> CollectionsResult:
        """Refer guarantors proposed for collections (as of today). All or nothing: an
        account that is unknown, not a guarantor or not proposed refuses the whole request."""
        require(self.role, "confirm-collections")
        if not account_nos:
            raise StatementsInvalid("Name at least one account to refer to collections")
        today = self.clock.today()

        def work(session: Session) -> CollectionsResult:
            conn = session.connection()
            repo.lock_dunning(conn)
            refs = [self._guarantor(conn, number) for number in account_nos]
            planned = {
                e.guarantor_id: e
                for _, e in _entries(repo.accounts(conn, today), self.policy, today)
            }
            chosen: dict[int, StatementEntry] = {}
            for ref in refs:
                entry = planned.get(ref.guarantor_id)
                if entry is None or entry.decision.action is not Action.PROPOSE:
                    why = entry.decision.reason if entry else "nothing is owed"
                    raise StatementsInvalid(
                        f"Account {ref.account_no} is not proposed for collections ({why}); "
                        "nothing was referred"
                    )
                chosen[ref.guarantor_id] = entry
            events = [
                repo.NewEvent(
                    e.guarantor_id, e.decision.cycle_no, Step.COLLECTIONS, today, e.balance
                )
                for e in chosen.values()
            ]
            repo.insert_events(conn, events, self.actor)
            for e in chosen.values():
                detail = f"cycle {e.decision.cycle_no}, balance {fmt_money(e.balance)}"
                record_audit(
                    conn, self.actor, "collections.confirm", "patient", e.guarantor_id, detail
                )
            return CollectionsResult(tuple(chosen.values()))

        return run_in_transaction(self.engine, work)

    def _guarantor(self, conn: Connection, account_no: str) -> repo.AccountRef:
        try:
            ref = repo.find_account(conn, account_no)
        except repo.UnknownAccount as exc:
            raise StatementsInvalid(f"{sentence(exc)}: nothing was changed") from None
        if ref.patient_id != ref.guarantor_id:
            raise StatementsInvalid(
                f"Account {ref.account_no} is not a guarantor: its statements go to "
                f"{ref.guarantor_account}. Nothing was changed."
            )
        return ref

    @translate_errors
    def set_hold(self, account_no: str, hold: bool, reason: str = "") -> str:
        """Put an account on statement hold (with a reason) or release it; returns the
        account number. Refused, changing nothing, when it already is so."""
        why = " ".join(reason.split())
        if hold and not why:
            raise StatementsInvalid("Say why the account is on hold (a reason is required)")

        def work(session: Session) -> str:
            conn = session.connection()
            try:
                ref = repo.find_account(conn, account_no)
            except repo.UnknownAccount as exc:
                raise StatementsInvalid(f"{sentence(exc)}: nothing was changed") from None
            if not repo.set_hold(conn, ref.patient_id, hold, why):
                state = "already on statement hold" if hold else "not on statement hold"
                raise StatementsInvalid(f"Account {ref.account_no} is {state}")
            action = "statement.hold" if hold else "statement.release"
            record_audit(conn, self.actor, action, "patient", ref.patient_id, why or None)
            return ref.account_no

        return run_in_transaction(self.engine, work)


def _audit_detail(result: StatementRunResult) -> str:
    counts = {action: len(result.having(action)) for action in Action}
    return (
        f"as of {result.as_of}: {counts[Action.SEND]} statements for "
        f"{fmt_money(result.amount)}, {counts[Action.SKIP]} skipped, "
        f"{counts[Action.WAIT]} not due, {counts[Action.CLOSE]} cycles closed, "
        f"{counts[Action.PROPOSE]} proposed for collections"
    )
