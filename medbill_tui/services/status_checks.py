"""Claim status: 276 requests for claims with no answer in time, 277 answers that move the
claim's follow-up to the date the answer implies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import followups, submissions
from medbill_tui.db.repositories import status_checks as repo
from medbill_tui.db.repositories.eligibility import mark_written
from medbill_tui.db.uow import run_in_transaction
from medbill_tui.edi.inquiry_envelope import InquiryEnvelope
from medbill_tui.edi.x12sdk_adapter import X12SdkRefused, check_written
from medbill_tui.edi.x276 import check_id_of, write_276
from medbill_tui.edi.x277 import StatusAnswer, read_277
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import AnswerCounts, AnswerRefused
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.outbox_files import AttemptFiles, run_writing_files

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

DEFAULT_OLDER_THAN_DAYS = 30
PENDING_WAIT_DAYS = 14
ERA_WAIT_DAYS = 3


class StatusRequestFailed(ServiceError):
    """No 276 was written; the message says why."""


@dataclass(frozen=True, slots=True)
class StatusRun:
    path: Path | None
    claims: int


class StatusCheckService:
    """Write 276s. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, outbox: Path) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.outbox = outbox

    @translate_errors
    def request(
        self,
        claim_ids: Sequence[int] | None = None,
        *,
        older_than_days: int = DEFAULT_OLDER_THAN_DAYS,
        out_dir: Path | None = None,
    ) -> StatusRun:
        """One 276 for the claims waiting too long (or `claim_ids`), read back with x12sdk,
        written to the outbox once committed."""
        out = out_dir or self.outbox
        today = self.clock.today()
        written: list[int] = []

        def work(session: Session, files: AttemptFiles) -> StatusRun:
            written.clear()
            conn = session.connection()
            found = repo.candidates(
                conn, today, older_than_days=older_than_days, claim_ids=claim_ids
            )
            if not found:
                if claim_ids:
                    raise StatusRequestFailed(
                        "That claim is not waiting for the payer (not sent, or answered by an "
                        "835 or a rejection); nothing was asked"
                    )
                return StatusRun(None, 0)
            try:
                ch = submissions.default_clearinghouse(conn)
            except submissions.NoClearinghouse as exc:
                raise StatusRequestFailed(sentence(exc)) from None
            isa13, gs06, st02 = submissions.next_control_numbers(conn)
            now = datetime.combine(today, datetime.now().time())
            name = f"276_{isa13:09d}_{now:%Y%m%d}.x12"
            file_id = repo.record_request_file(conn, name, ch, (isa13, gs06), self.actor)
            asks = repo.new_checks(conn, file_id, found, self.actor)
            env = InquiryEnvelope(ch.submitter_id, ch.receiver_id, isa13, gs06, st02, now, ch.usage)
            content = write_276(env, repo.asker(conn, ch), asks)
            try:
                check_written(content)
            except X12SdkRefused as exc:
                raise StatusRequestFailed(
                    f"the 276 does not read back with x12sdk: {exc}"
                ) from None
            data = content.encode("ascii")
            repo.set_content(conn, file_id, data, self.actor, len(asks))
            try:
                files.write(out / name, data)
            except OSError as exc:
                words = f"Cannot write to the outbox {out}: {exc.strerror}"
                raise StatusRequestFailed(words) from None
            written.append(file_id)
            return StatusRun(out / name, len(asks))

        run, _ = run_writing_files(self.engine, work)
        if written:
            run_in_transaction(self.engine, lambda s: mark_written(s.connection(), written))
        return run


def apply_277(
    conn: Connection, content: str, file_id: int, today: date, actor: str
) -> AnswerCounts:
    """Each answer on its check and as a note in its claim's history (a claim_event would move
    the 277CA's time the timers count from); the claim's follow-up moves to
    the date the answer implies. Raises `AnswerRefused` for an answer to a request we never
    sent or about another member (the caller rolls back)."""
    try:
        answers = read_277(content)
    except X12SdkRefused as exc:
        raise AnswerRefused(f"x12sdk cannot read it: {exc}") from None
    if not answers:
        raise AnswerRefused("it holds no claim status answer")
    wanted = {a.trace: check_id_of(a.trace) for a in answers}
    checks = repo.checks_by_id(conn, [i for i in wanted.values() if i is not None])
    recorded = errors = 0
    notes: list[str] = []
    for answer in answers:
        check_id = wanted[answer.trace]
        check = checks.get(check_id) if check_id is not None else None
        if check is None:
            raise AnswerRefused(
                f"it answers a claim status request medbill never sent "
                f"(TRN02 {answer.trace or 'missing'!r})"
            )
        if _member(answer.member_id) != _member(check.member_id):
            raise AnswerRefused(
                f"the answer to {answer.trace} is for member {answer.member_id!r}, "
                "not the member ID asked about"
            )
        repo.record_answer(conn, check, answer, file_id, today)
        due, why = follow_up_for(answer, today)
        target = followups.lock_target(conn, "claim", check.claim_id)
        followups.add_note(conn, target, actor, f"277 claim status: {answer.words}")
        followups.schedule(conn, target, actor, due, why, today)
        if answer.kind == "E":
            errors += 1
        else:
            recorded += 1
        if answer.kind in ("R", "E"):
            notes.append(f"{answer.trace}: {why}")
    return AnswerCounts(recorded, errors, tuple(notes))


def follow_up_for(answer: StatusAnswer, today: date) -> tuple[date, str]:
    """When to look at the claim again, and why, after a 277 answer."""
    kind = answer.kind
    if kind == "R":
        return today, f"payer asks for information: {answer.words}"
    if kind == "E":
        return today, f"the status request was in error: {answer.words}"
    if kind == "F":
        return (
            today + timedelta(days=ERA_WAIT_DAYS),
            f"finalized by the payer and no 835 here: ask for the ERA ({answer.words})",
        )
    if kind == "A":
        return today + timedelta(days=PENDING_WAIT_DAYS), f"acknowledged: {answer.words}"
    return today + timedelta(days=PENDING_WAIT_DAYS), f"pending: {answer.words}"


def _member(member_id: str) -> str:
    return "".join(ch for ch in member_id.upper() if ch.isalnum())
