"""Eligibility: 270 requests written to the outbox, 271 answers stored per coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import eligibility as repo
from medbill_tui.db.repositories import submissions
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.edi.inquiry_envelope import InquiryEnvelope
from medbill_tui.edi.x12sdk_adapter import X12SdkRefused, check_written
from medbill_tui.edi.x270 import check_id_of, write_270
from medbill_tui.edi.x271 import EligibilityAnswer, read_271
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.outbox_files import AttemptFiles, run_writing_files

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

DEFAULT_SINCE_DAYS = 30


class EligibilityFailed(ServiceError):
    """No request was written, or no answer was stored; the message says why."""


class AnswerRefused(ValueError):
    """A 271 that does not answer what we asked; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class RequestRun:
    """The 270 written (None when no coverage was due) and how many coverages it asks about."""

    path: Path | None
    coverages: int


@dataclass(frozen=True, slots=True)
class AnswerCounts:
    recorded: int = 0
    rejected: int = 0
    notes: tuple[str, ...] = ()


class EligibilityService:
    """Write 270s. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, outbox: Path) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.outbox = outbox

    @translate_errors
    def request(
        self,
        coverage_ids: Sequence[int] | None = None,
        *,
        since_days: int = DEFAULT_SINCE_DAYS,
        payer_code: str | None = None,
        out_dir: Path | None = None,
    ) -> RequestRun:
        """One 270 for the due coverages (or `coverage_ids`), checked with x12sdk, written to
        the outbox once its checks are committed."""
        out = out_dir or self.outbox
        today = self.clock.today()
        file_ids: list[int] = []

        def work(session: Session, files: AttemptFiles) -> RequestRun:
            file_ids.clear()
            conn = session.connection()
            found = repo.candidates(
                conn,
                today,
                since_days=since_days,
                payer_code=payer_code,
                coverage_ids=coverage_ids,
            )
            if not found:
                if coverage_ids:
                    raise EligibilityFailed("That coverage is not active today; nothing was asked")
                return RequestRun(None, 0)
            try:
                ch = submissions.default_clearinghouse(conn)
            except submissions.NoClearinghouse as exc:
                raise EligibilityFailed(sentence(exc)) from None
            isa13, gs06, st02 = submissions.next_control_numbers(conn)
            now = datetime.combine(today, datetime.now().time())
            name = f"270_{isa13:09d}_{now:%Y%m%d}.x12"
            file_id = repo.record_request_file(conn, b"", name, ch, (isa13, gs06), self.actor)
            asks = repo.new_checks(conn, file_id, found, self.actor, now)
            env = InquiryEnvelope(ch.submitter_id, ch.receiver_id, isa13, gs06, st02, now, ch.usage)
            content = write_270(env, repo.receiver(conn), asks)
            try:
                check_written(content)
            except X12SdkRefused as exc:
                raise EligibilityFailed(f"the 270 does not read back with x12sdk: {exc}") from None
            data = content.encode("ascii")
            repo.set_content(conn, file_id, data, self.actor, len(asks))
            try:
                files.write(out / name, data)
            except OSError as exc:
                words = f"Cannot write to the outbox {out}: {exc.strerror}"
                raise EligibilityFailed(words) from None
            file_ids.append(file_id)
            return RequestRun(out / name, len(asks))

        run, _ = run_writing_files(self.engine, work)
        if file_ids:
            run_in_transaction(self.engine, lambda s: repo.mark_written(s.connection(), file_ids))
        return run

    @translate_errors
    def benefits_panel(self, coverage_id: int) -> str:
        """The coverage's last eligibility answer in words, for the coverage screen."""
        with read_connection(self.engine) as conn:
            found = repo.latest_check(conn, coverage_id)
        return describe(found, self.clock.today())

    @translate_errors
    def raw_271(self, coverage_id: int) -> str:
        """The 271 that gave the coverage's last answer, as received."""
        with read_connection(self.engine) as conn:
            found = repo.latest_check(conn, coverage_id)
            if found is None or found.response_file_id is None:
                raise EligibilityFailed("No 271 has answered for this coverage yet")
            return repo.file_text(conn, found.response_file_id)


def describe(check: repo.LatestCheck | None, today: date) -> str:
    """The benefits panel's text."""
    if check is None:
        return "Eligibility: never checked (ctrl+l or F5 asks the payer)"
    if check.verified_on is None:
        return f"Eligibility: asked {check.requested_at:%m/%d/%Y}, no answer yet"
    age = (today - check.verified_on).days
    head = f"Eligibility: {check.outcome} (verified {check.verified_on:%m/%d/%Y}, {age} days ago)"
    lines = [head]
    if check.plan_from or check.plan_to:
        start = f"{check.plan_from:%m/%d/%Y}" if check.plan_from else "?"
        end = f"{check.plan_to:%m/%d/%Y}" if check.plan_to else "open"
        lines.append(f"  plan {start} to {end}")
    if check.words:
        lines.append(f"  {check.words}")
    for b in check.benefits:
        value = f"${b['amount']}" if b.get("amount") else ""
        if b.get("percent"):
            value = f"{Decimal(b['percent']) * 100:.0f}%"
        extra = ", ".join(x for x in (b.get("level"), b.get("network"), b.get("period")) if x)
        lines.append(f"  {b['kind']} {b['service_type']}: {value} ({extra})")
    return "\n".join(lines)


def apply_271(conn: Connection, content: str, file_id: int, today: date) -> AnswerCounts:
    """Store each answer of a 271 on its check. Raises `AnswerRefused` (and the caller rolls
    back) when an answer is for a request we never sent or a member we did not ask about."""
    try:
        responses = read_271(content)
    except X12SdkRefused as exc:
        raise AnswerRefused(f"x12sdk cannot read it: {exc}") from None
    recorded = rejected = 0
    notes: list[str] = []
    for response in responses:
        whole_ids = repo.checks_of_request(conn, _isa13(response.reference))
        if response.rejected_whole and not response.answers:
            if not whole_ids:
                raise AnswerRefused(
                    f"it answers no eligibility request medbill sent (BHT03 "
                    f"{response.reference!r}); the payer said: {response.rejected_whole}"
                )
            checks = repo.checks_by_id(conn, whole_ids)
            for check in checks.values():
                said = response.rejected_whole
                answer = EligibilityAnswer("", "", "rejected", said, None, None, ())
                repo.record_answer(conn, check, answer, file_id, today, answer.words)
                rejected += 1
            continue
        wanted = {a.trace: check_id_of(a.trace) for a in response.answers}
        checks = repo.checks_by_id(conn, [i for i in wanted.values() if i is not None])
        for answer in response.answers:
            check_id = wanted[answer.trace]
            found = checks.get(check_id) if check_id is not None else None
            if found is None:
                raise AnswerRefused(
                    f"it answers an eligibility request medbill never sent "
                    f"(TRN02 {answer.trace or 'missing'!r})"
                )
            check = found
            if _member(answer.member_id) != _member(check.member_id):
                raise AnswerRefused(
                    f"the answer to {answer.trace} is for member {answer.member_id!r}, "
                    "not the member ID asked about"
                )
            words = answer.words or response.rejected_whole or _dates_to_confirm(check, answer)
            if words and answer.outcome != "rejected":
                notes.append(f"{answer.trace}: {words}")
            repo.record_answer(conn, check, answer, file_id, today, words)
            if answer.outcome == "rejected":
                rejected += 1
            else:
                recorded += 1
    return AnswerCounts(recorded, rejected, tuple(notes))


def _isa13(reference: str) -> str:
    return f"{int(reference):09d}" if reference.isdigit() and len(reference) <= 9 else reference


def _member(member_id: str) -> str:
    return "".join(ch for ch in member_id.upper() if ch.isalnum())


def _dates_to_confirm(check: repo.OpenCheck, answer: EligibilityAnswer) -> str:
    """Words when the payer's dates differ from the coverage's (shown; never applied)."""
    if answer.outcome != "active":
        return ""
    ours_end = check.effective_to
    theirs_end = answer.plan_to
    ended = ours_end is not None and (theirs_end is None or theirs_end > ours_end)
    if ended:
        plan = f" (plan to {theirs_end:%m/%d/%Y})" if theirs_end else ""
        return (
            f"the payer says active{plan}, but this coverage ends {ours_end:%m/%d/%Y}: "
            "confirm the dates on the coverage"
        )
    return ""
