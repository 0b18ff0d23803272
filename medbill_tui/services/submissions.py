"""Sending ready claims: 837P files per clearinghouse, validated (pyx12, then our front-end
edits), written, recorded at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import submissions as repo
from medbill_tui.db.repositories.outbox import KIND_837P
from medbill_tui.edi.validate import ValidationIssue, validate_x12
from medbill_tui.edi.x837_edits import EditFailure, edit_837p
from medbill_tui.edi.x837p import Envelope, write_837p
from medbill_tui.records.claims import SubmissionGroup, SubmissionRun, SubmittedFile
from medbill_tui.records.outbox import UnwrittenFile
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.errors import ServiceError, sentence, translate_errors
from medbill_tui.services.outbox import OutboxService, record_written
from medbill_tui.services.outbox_files import AttemptFiles, run_writing_files
from medbill_tui.services.paper_claims import PAPER, ClaimNotPrinted, send_on_paper

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

Progress = Callable[[int, int], None]


class SubmissionFailed(ServiceError):
    """Nothing was sent; the message names the claim and the segment or edit at fault."""


class SubmissionService:
    """Build, validate and send 837P files. Blocking: call from a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str, outbox: Path) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.outbox = outbox

    @translate_errors
    def submit(
        self,
        claim_ids: Sequence[int] | None = None,
        *,
        dry_run: bool = False,
        out_dir: Path | None = None,
        progress: Progress | None = None,
        paper_only: bool = False,
    ) -> SubmissionRun:
        """Send the ready claims (all when None): one interchange per clearinghouse, and one
        PDF of CMS-1500 forms for the claims of payers billed on paper (only those with
        `paper_only`).

        One transaction: if building, validating (pyx12, then the front-end edits of
        `edi.x837_edits`) or writing any file fails, no claim is marked submitted and no file is
        left in the outbox; only the attempt that commits leaves its files (renamed after the
        commit). First, files of earlier runs that committed but never reached the outbox are
        written again (`SubmissionRun.repaired`).
        """
        out = out_dir or self.outbox
        repaired = () if dry_run else self._repair(out)
        sent: list[UnwrittenFile] = []

        def work(session: Session, files: AttemptFiles) -> SubmissionRun:
            sent.clear()
            conn = session.connection()
            try:
                default = repo.default_clearinghouse(conn)
            except repo.NoClearinghouse as exc:
                raise SubmissionFailed(sentence(exc)) from None
            ids = repo.lock_ready_claims(conn, claim_ids)
            claims = repo.ready_claims(conn, ids, default.id)
            if paper_only:
                claims = [c for c in claims if c.paper]
            houses = repo.clearinghouses(conn, {c.clearinghouse_id for c in claims})
            groups = _groups(claims, houses)
            if dry_run:
                session.rollback()
                return SubmissionRun(True, groups)
            if not claims:
                return SubmissionRun(False, (), repaired=repaired)
            billing = repo.billing_provider(conn)
            by_house: dict[int, list[repo.ReadyClaim]] = defaultdict(list)
            for claim in claims:
                if not claim.paper:
                    by_house[claim.clearinghouse_id].append(claim)
            done_files: list[SubmittedFile] = []
            done = 0
            now = datetime.combine(self.clock.today(), datetime.now().time())
            paper = [c for c in claims if c.paper]
            if paper:
                try:
                    printed, kept = send_on_paper(conn, paper, billing, files, out, self.actor, now)
                except ClaimNotPrinted as exc:
                    raise SubmissionFailed(str(exc)) from None
                done_files.append(printed)
                sent.append(kept)
                done += len(paper)
            for house_id, batch in sorted(by_house.items()):
                ch = houses[house_id]
                isa13, gs06, st02 = repo.next_control_numbers(conn)
                env = Envelope(
                    ch.submitter_name,
                    ch.submitter_id,
                    ch.contact_name,
                    ch.contact_phone,
                    ch.name,
                    ch.receiver_id,
                    isa13,
                    gs06,
                    st02,
                    now,
                    ch.usage,
                )
                result = write_837p(env, billing, [c.out for c in batch])
                check = validate_x12(result.text)
                if not check.ok:
                    raise SubmissionFailed(_explain(check.issues[0], result.claim_segments))
                failures = edit_837p(result.text)
                if failures:
                    raise SubmissionFailed(_refuse(failures))
                name = f"837P_{isa13:09d}_{now:%Y%m%d}.x12"
                final = out / name
                try:
                    files.write(final, result.text.encode("ascii"))
                except OSError as exc:
                    raise SubmissionFailed(
                        f"Cannot write to the outbox {out}: {exc.strerror}"
                    ) from None
                file_id = repo.record_submission(
                    conn,
                    content=result.text.encode("ascii"),
                    file_name=name,
                    ch=ch,
                    isa13=isa13,
                    gs06=gs06,
                    st02=st02,
                    claims=batch,
                    ranges=result.claim_segments,
                    actor=self.actor,
                    today=self.clock.today(),
                )
                sent.append(UnwrittenFile(KIND_837P, file_id, name))
                amount = sum((c.out.total for c in batch), Decimal("0.00"))
                done_files.append(
                    SubmittedFile(str(final), ch.name, f"{isa13:09d}", len(batch), amount)
                )
                done += len(batch)
                if progress is not None:
                    progress(done, len(claims))
            return SubmissionRun(False, groups, tuple(done_files), repaired)

        run, placed = run_writing_files(self.engine, work)
        names = {path.name for path in placed}
        record_written(self.engine, [f for f in sent if f.file_name in names], self.actor)
        return run

    def _repair(self, out: Path) -> tuple[str, ...]:
        """Write again the 837Ps committed earlier whose rename never happened (a crash)."""
        report = OutboxService(self.engine, self.actor, out, None).repair()
        if report.failed:
            raise SubmissionFailed(
                f"Nothing was sent: a file sent before is missing from the outbox and could "
                f"not be written again ({report.failed[0]})"
            )
        return report.missing


def _groups(
    claims: list[repo.ReadyClaim], houses: dict[int, repo.ClearinghouseInfo]
) -> tuple[SubmissionGroup, ...]:
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for c in claims:
        where = PAPER if c.paper else houses[c.clearinghouse_id].name
        totals[(where, c.payer_name)].append(c.out.total)
    return tuple(
        SubmissionGroup(h, p, len(v), sum(v, Decimal("0.00")))
        for (h, p), v in sorted(totals.items())
    )


def _explain(issue: ValidationIssue, ranges: dict[str, tuple[int, int]]) -> str:
    claim = next((pcn for pcn, (a, b) in ranges.items() if a <= issue.segment_no <= b), None)
    where = f"claim {claim}, " if claim else ""
    return f"Nothing was sent: {where}{issue} — correct the claim and send again"


SHOWN_FAILURES = 3
"""How many failed edits the message spells out (the rest are counted)."""


def _refuse(failures: Sequence[EditFailure]) -> str:
    shown = "; ".join(str(f) for f in failures[:SHOWN_FAILURES])
    more = len(failures) - SHOWN_FAILURES
    rest = f"; and {more} more" if more > 0 else ""
    return f"Nothing was sent: {shown}{rest} — correct the claim and send again"
