"""Importing inbound X12 files (999, TA1, 277CA; 835 through the remittance service).

Files of any size are streamed, never read whole: a first pass (`edi.stream.scan_file`) hashes
the bytes and checks the envelope chunk by chunk; the transaction then streams the file again
one transaction set at a time into the parsers and the database (a changed hash on the second
pass fails the import); an 835 is read and posted claim by claim, so even one ST set of
300,000 claims is never in memory whole. pyx12 validates a large file in a child process at
the same time (services/import_validation.py) and its findings become the file's warnings
before the commit. See docs/architecture.md.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import acks as repo
from medbill_tui.db.repositories import edi_store
from medbill_tui.db.repositories.interchange_acks import apply_ta1
from medbill_tui.db.uow import (
    ConstraintViolated,
    constraint_violations,
    read_connection,
    run_in_transaction,
)
from medbill_tui.edi.detect import UnsupportedTransaction
from medbill_tui.edi.segments import X12SyntaxError
from medbill_tui.edi.stream import (
    FileChanged,
    Scan,
    detect_file,
    scan_file,
    stream_segments,
    stream_sets,
)
from medbill_tui.edi.ta1 import read_ta1s
from medbill_tui.edi.x277ca import iter_277ca
from medbill_tui.edi.x835 import read_835_sets
from medbill_tui.edi.x999 import iter_999
from medbill_tui.records.claims import InboxEntry
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import AnswerRefused, apply_271
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.import_validation import MB, NOT_CHECKED, Validation, validation_for
from medbill_tui.services.remittances import RemitOutcome, RemittanceService
from medbill_tui.services.status_checks import apply_277

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

IMPORTED_KINDS = ("999", "277CA", "835", "TA1", "271", "277")
READ_BY_X12SDK = ("271", "277")  # pyx12 has no 5010 map for it; x12sdk validates while reading


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Sizes that change how a file is handled (never whether it can be imported)."""

    inline_max_bytes: int = 8 * MB  # larger files are stored as a PostgreSQL large object
    parallel_min_bytes: int = 256 * 1024  # from this size pyx12 runs in a child process
    validate_max_bytes: int = 32 * MB  # larger files skip pyx12 (~10k segments/s), with a warning


class ImportFailed(ServiceError):
    """The file was not imported; the message names the file, the segment and the problem."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file did (or, on a dry run, would do)."""

    file_name: str
    kind: str
    status: str  # imported | already-imported | dry-run | not-posted
    accepted: int = 0
    rejected: int = 0
    unmatched: int = 0
    unchanged: int = 0
    warnings: tuple[str, ...] = ()
    message: str = ""
    payments: tuple[RemitOutcome, ...] = ()

    @property
    def refused(self) -> bool:
        """The file, or a payment in it, was refused (a dry run answers as the real run)."""
        if self.payments:  # a payment posted before, met again, is not refused: it is done
            return any(p.refused for p in self.payments)
        return self.status == "not-posted"


class ImportService:
    """Reads acknowledgment and remittance files and ties them to batches and claims.

    Blocking: call from a worker."""

    def __init__(
        self, engine: Engine, clock: Clock, actor: str, limits: ImportLimits | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.limits = limits or ImportLimits()

    @translate_errors
    def inbox(self, folder: Path) -> tuple[InboxEntry, ...]:
        """The files in `folder` (by name): their kind (from the head of each file) or why they
        cannot be read, and whether the same bytes were already imported. Reads only."""
        try:
            paths = sorted(
                (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                key=lambda p: p.name,
            )
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
                detected, sha = detect_file(path)
                kind = detected.kind
                if kind not in IMPORTED_KINDS:
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
        return self._import(path, path.name, dry_run)

    @translate_errors
    def import_bytes(self, name: str, content: bytes, *, dry_run: bool = False) -> ImportResult:
        """Import bytes held in memory (written to a private temporary file first)."""
        with tempfile.TemporaryDirectory(prefix="medbill-import-") as folder:
            path = Path(folder) / "content.x12"
            path.write_bytes(content)
            return self._import(path, name, dry_run)

    def _import(self, path: Path, name: str, dry_run: bool) -> ImportResult:
        try:
            scan = scan_file(path)
        except OSError as exc:
            raise ImportFailed(f"{name}: cannot read the file ({exc.strerror})") from None
        except (X12SyntaxError, UnsupportedTransaction) as exc:
            raise ImportFailed(f"{name}: {exc}") from None
        kind = scan.detected.kind
        if kind not in IMPORTED_KINDS:
            raise ImportFailed(f"{name}: {kind} files are not imported here")
        with read_connection(self.engine) as conn:
            prior = repo.prior_import(conn, scan.sha256)
        if prior is not None:
            return _already(name, kind, prior)
        validation = (
            NOT_CHECKED
            if kind == "TA1" or kind in READ_BY_X12SDK
            else self._validation(path, scan.size)
        )
        try:
            with constraint_violations():
                return run_in_transaction(
                    self.engine,
                    lambda session: self._work(session, path, name, scan, validation, dry_run),
                )
        except ConstraintViolated:
            # Someone imported the same bytes at this very moment: theirs counts.
            words = f"{name} was imported by someone else just now"
            return ImportResult(name, kind, "already-imported", message=words)
        finally:
            validation.cancel()

    def _validation(self, path: Path, size: int) -> Validation:
        return validation_for(
            path,
            size,
            validate_max_bytes=self.limits.validate_max_bytes,
            parallel_min_bytes=self.limits.parallel_min_bytes,
        )

    def _work(
        self,
        session: Session,
        path: Path,
        name: str,
        scan: Scan,
        validation: Validation,
        dry_run: bool,
    ) -> ImportResult:
        conn = session.connection()
        kind = scan.detected.kind
        prior = repo.prior_import(conn, scan.sha256)
        if prior is not None:
            return _already(name, kind, prior)
        content, stored_sha = edi_store.store_content(conn, path, self.limits.inline_max_bytes)
        if stored_sha != scan.sha256:
            raise ImportFailed(f"{name}: {FileChanged.__doc__}; nothing was imported")
        gs06 = scan.gs.get(6) if scan.gs is not None else ""
        if kind == "999":
            gs06 = scan.ak1.get(2) if scan.ak1 is not None else ""
        sender = scan.isa.get(6).strip()
        reused = edi_store.interchange_reused(conn, sender, scan.isa.get(13), scan.sha256)
        file_id = repo.record_inbound(
            conn,
            kind=kind,
            file_name=name,
            sha256=scan.sha256,
            content=content,
            isa13=scan.isa.get(13),
            gs06=gs06,
            sender=sender,
            receiver=scan.isa.get(8).strip(),
            warnings=None,
            actor=self.actor,
        )
        del content
        try:
            if kind == "835":
                result = self._post_835(session, path, name, scan, file_id, dry_run)
            elif kind in READ_BY_X12SDK:
                result = self._apply_answers(conn, path, name, kind, file_id, dry_run)
            else:
                result = self._apply_acks(conn, path, name, scan, file_id, dry_run)
        except X12SyntaxError as exc:
            raise ImportFailed(f"{name}: {exc}") from None
        warnings = (
            *((reused,) if reused else ()),
            *scan.warnings,
            *(str(issue) for issue in validation.result().issues),
        )
        edi_store.set_warnings(conn, file_id, warnings)
        if dry_run or result.status == "not-posted":
            session.rollback()
        return replace(result, warnings=warnings)

    def _apply_acks(
        self, conn: Connection, path: Path, name: str, scan: Scan, file_id: int, dry_run: bool
    ) -> ImportResult:
        inter = scan.interchange()
        total = repo.AckCounts()
        today = self.clock.today()
        try:
            if scan.detected.kind == "999":
                for ack in iter_999(inter, stream_sets(path, scan)):
                    _add(total, repo.apply_999(conn, ack, file_id, self.actor, today))
            elif scan.detected.kind == "TA1":
                for ta1 in read_ta1s(scan.ta1s, scan.isa):
                    _add(total, apply_ta1(conn, ta1, file_id, self.actor, today))
            else:
                for ack277 in iter_277ca(inter, stream_sets(path, scan)):
                    _add(total, repo.apply_277ca(conn, ack277, file_id, self.actor, today))
        except repo.UnknownBatch as exc:
            raise ImportFailed(f"{name}: {exc}; nothing was imported") from None
        return ImportResult(
            name,
            scan.detected.kind,
            "dry-run" if dry_run else "imported",
            total.accepted,
            total.rejected,
            total.unmatched,
            total.unchanged,
            message="; ".join(total.notes),
        )

    def _apply_answers(
        self, conn: Connection, path: Path, name: str, kind: str, file_id: int, dry_run: bool
    ) -> ImportResult:
        """A 271 or 277 (small: read whole): answers stored on the checks they answer."""
        content = path.read_bytes().decode("latin-1")
        try:
            if kind == "271":
                counts = apply_271(conn, content, file_id, self.clock.today())
            else:
                counts = apply_277(conn, content, file_id, self.clock.today(), self.actor)
        except AnswerRefused as exc:
            raise ImportFailed(f"{name}: {exc}; nothing was imported") from None
        return ImportResult(
            name,
            kind,
            "dry-run" if dry_run else "imported",
            accepted=counts.recorded,
            rejected=counts.rejected,
            message="; ".join(counts.notes),
        )

    def _post_835(
        self, session: Session, path: Path, name: str, scan: Scan, file_id: int, dry_run: bool
    ) -> ImportResult:
        """Post each payment (ST set) claim by claim as it is read: one chunk of claims in
        memory at once, whatever the size of the set."""
        poster = RemittanceService(self.engine, self.clock, self.actor)
        inter = scan.interchange()
        outcomes: list[RemitOutcome] = []
        for reader in read_835_sets(inter, stream_segments(path, scan), keep_raw=True):
            outcomes.append(poster.post_read(session, reader, file_id, dry_run=dry_run))
        posted = [o for o in outcomes if o.status in ("posted", "preview")]
        status = "dry-run" if dry_run else ("imported" if posted else "not-posted")
        return ImportResult(
            name,
            "835",
            status,
            accepted=sum(o.matched for o in posted),
            unmatched=sum(o.unmatched for o in posted),
            message="; ".join(o.message for o in outcomes if o.message),
            payments=tuple(outcomes),
        )


def _already(name: str, kind: str, prior: repo.PriorImport) -> ImportResult:
    return ImportResult(
        name,
        kind,
        "already-imported",
        message=f"{name} was already imported as {prior.file_name} by {prior.by} "
        f"on {prior.at:%m/%d/%Y %H:%M}; nothing changed",
    )


def _add(total: repo.AckCounts, part: repo.AckCounts) -> None:
    total.accepted += part.accepted
    total.rejected += part.rejected
    total.unmatched += part.unmatched
    total.unchanged += part.unchanged
    total.notes += part.notes
