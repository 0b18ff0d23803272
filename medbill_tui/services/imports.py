"""Importing inbound X12 files (999, 277CA; 835 through the remittance service)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medbill_tui.clock import Clock
from medbill_tui.db.repositories import acks as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.edi.detect import UnsupportedTransaction, detect_transaction
from medbill_tui.edi.segments import (
    Segment,
    X12SyntaxError,
    check_envelope,
    clean_text,
    iter_segments,
)
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x277ca import parse_277ca_all
from medbill_tui.edi.x835 import Remit835, parse_835_all
from medbill_tui.edi.x999 import parse_999_all
from medbill_tui.records import InboxEntry
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.remittances import RemitOutcome, RemittanceService

MAX_FILE_BYTES = 64 * 1024 * 1024


class ImportFailed(ServiceError):
    """The file was not imported; the message names the file, the segment and the problem."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file did (or, on a dry run, would do)."""

    file_name: str
    kind: str
    status: str  # imported | already-imported | dry-run
    accepted: int = 0
    rejected: int = 0
    unmatched: int = 0
    unchanged: int = 0
    warnings: tuple[str, ...] = ()
    message: str = ""
    payments: tuple[RemitOutcome, ...] = ()


class ImportService:
    """Reads acknowledgment files and ties them to batches and claims. Blocking: use a worker."""

    def __init__(self, engine: Engine, clock: Clock, actor: str) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor

    @translate_errors
    def inbox(self, folder: Path) -> tuple[InboxEntry, ...]:
        """The files in `folder` (by name): their kind or why they cannot be read, and
        whether the same bytes were already imported. Reads only."""
        try:
            paths = sorted((p for p in folder.iterdir() if p.is_file() and
                            not p.name.startswith(".")), key=lambda p: p.name)  # fmt: skip
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise ImportFailed(f"cannot read the inbox {folder}: {exc.strerror}") from None
        found: list[tuple[Path, int, str | None, str | None, str | None]] = []
        for path in paths:
            kind: str | None = None
            problem: str | None = None
            sha: str | None = None
            size = 0
            try:
                size = path.stat().st_size
                if size > MAX_FILE_BYTES:
                    problem = f"{size:,} bytes is larger than medbill imports"
                else:
                    content = path.read_bytes()
                    sha = hashlib.sha256(content).hexdigest()
                    kind = detect_transaction(clean_text(content)).kind
                    if kind not in ("999", "277CA", "835"):
                        problem = f"{kind} files are not imported here"
            except OSError as exc:
                problem = f"cannot read the file ({exc.strerror})"
            except (X12SyntaxError, UnsupportedTransaction, ValueError) as exc:
                problem = str(exc) or "not an X12 file"
            found.append((path, size, kind, problem, sha))
        with read_connection(self.engine) as conn:
            entries = []
            for path, size, kind, problem, sha in found:
                prior = repo.prior_import(conn, sha) if sha else None
                before = None
                if prior is not None:
                    before = f"{prior.file_name} by {prior.by} on {prior.at:%m/%d/%Y %H:%M}"
                entries.append(InboxEntry(path.name, str(path), size, kind, problem, before))
        return tuple(entries)

    @translate_errors
    def import_file(self, path: Path, *, dry_run: bool = False) -> ImportResult:
        """Import one file in one transaction; the same bytes twice import once."""
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ImportFailed(f"{path.name}: {size:,} bytes is larger than medbill imports "
                                   f"({MAX_FILE_BYTES:,}); ask the sender to split it")  # fmt: skip
            content = path.read_bytes()
        except OSError as exc:
            raise ImportFailed(f"{path.name}: cannot read the file ({exc.strerror})") from None
        return self.import_bytes(path.name, content, dry_run=dry_run)

    @translate_errors
    def import_bytes(self, name: str, content: bytes, *, dry_run: bool = False) -> ImportResult:
        sha = hashlib.sha256(content).hexdigest()
        text = clean_text(content)
        envelope_warnings: list[str] = []
        try:
            segments = list(iter_segments(text))
            if segments[-1].id != "IEA":
                raise X12SyntaxError(
                    f"the file is truncated: it ends with {segments[-1].id}, not IEA",
                    segments[-1].number,
                )
            try:
                check_envelope(segments)
            except X12SyntaxError as problem:
                envelope_warnings.append(str(problem))
            detected = detect_transaction(text)
            head = segments[0]
        except (X12SyntaxError, UnsupportedTransaction) as exc:
            raise ImportFailed(f"{name}: {exc}") from None
        if detected.kind not in ("999", "277CA", "835"):
            raise ImportFailed(f"{name}: {detected.kind} files are not imported here")
        try:
            if detected.kind == "835":
                remits = parse_835_all(text)
                gs06 = head_gs06(segments)
            elif detected.kind == "999":
                acks999 = parse_999_all(text)
                gs06 = acks999[0].group_control if acks999 else ""
            else:
                acks277 = parse_277ca_all(text)
                gs06 = acks277[0].group_control if acks277 else ""
        except (X12SyntaxError, ValueError) as exc:
            raise ImportFailed(f"{name}: {exc}") from None
        check = validate_x12(text)
        warnings = (*envelope_warnings, *(str(issue) for issue in check.issues))

        def work(session: Session) -> ImportResult:
            conn = session.connection()
            prior = repo.prior_import(conn, sha)
            if prior is not None:
                return ImportResult(
                    name, detected.kind, "already-imported",
                    message=f"{name} was already imported as {prior.file_name} by {prior.by} "
                            f"on {prior.at:%m/%d/%Y %H:%M}; nothing changed",
                )  # fmt: skip
            file_id = repo.record_inbound(
                conn, kind=detected.kind, file_name=name, sha256=sha, content=content,
                isa13=head.get(13), gs06=gs06, sender=head.get(6).strip(),
                receiver=head.get(8).strip(), warnings="\n".join(warnings) or None,
                actor=self.actor,
            )  # fmt: skip
            if detected.kind == "835":
                return self._post_835(session, name, file_id, remits, content, warnings, dry_run)
            total = repo.AckCounts()
            try:
                if detected.kind == "999":
                    for ack in acks999:
                        _add(total, repo.apply_999(conn, ack, file_id, self.actor,
                                                   self.clock.today()))  # fmt: skip
                else:
                    for ack277 in acks277:
                        _add(total, repo.apply_277ca(conn, ack277, file_id, self.actor,
                                                     self.clock.today()))  # fmt: skip
            except repo.UnknownBatch as exc:
                raise ImportFailed(f"{name}: {exc}; nothing was imported") from None
            result = ImportResult(
                name, detected.kind, "dry-run" if dry_run else "imported", total.accepted,
                total.rejected, total.unmatched, total.unchanged, warnings,
                "; ".join(total.notes),
            )  # fmt: skip
            if dry_run:
                session.rollback()
            return result

        try:
            return run_in_transaction(self.engine, work)
        except IntegrityError:
            # Someone imported the same bytes at this very moment: theirs counts.
            return ImportResult(
                name,
                detected.kind,
                "already-imported",
                message=f"{name} was imported by someone else just now",
            )

    def _post_835(
        self,
        session: Session,
        name: str,
        file_id: int,
        remits: tuple[Remit835, ...],
        content: bytes,
        warnings: tuple[str, ...],
        dry_run: bool,
    ) -> ImportResult:
        poster = RemittanceService(self.engine, self.clock, self.actor)
        outcomes = tuple(poster.post_in(session, remit, content, file_id, dry_run=dry_run)
                         for remit in remits)  # fmt: skip
        posted = [o for o in outcomes if o.status in ("posted", "preview")]
        if dry_run or not posted:
            session.rollback()
        status = "dry-run" if dry_run else ("imported" if posted else "not-posted")
        return ImportResult(
            name, "835", status, accepted=sum(o.matched for o in posted),
            unmatched=sum(o.unmatched for o in posted), warnings=warnings,
            message="; ".join(o.message for o in outcomes if o.message), payments=outcomes,
        )  # fmt: skip


def head_gs06(segments: list[Segment]) -> str:
    return next((s.get(6) for s in segments if s.id == "GS"), "")


def _add(total: repo.AckCounts, part: repo.AckCounts) -> None:
    total.accepted += part.accepted
    total.rejected += part.rejected
    total.unmatched += part.unmatched
    total.unchanged += part.unchanged
    total.notes += part.notes
