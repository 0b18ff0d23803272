"""Committed files that never reached their folder are written again from the database.

An 837P (and an appeal letter) is renamed into its folder only after its transaction commits,
and recorded as written just after (`edi_file.written_at`, `appeal_letter.written_at`). One
that was committed but not recorded is looked for: in its folder it is only recorded; missing
(a crash between the commit and the rename) it is written again from the stored bytes, under
its own name, byte for byte. Temporary files older than the run are removed. A file recorded
as written and later moved away (sent, archived) is never written again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import outbox as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.outbox import OutboxReport, UnwrittenFile
from medbill_tui.services.errors import translate_errors
from medbill_tui.services.outbox_files import AttemptFiles, now, remove_stale_parts

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


class OutboxService:
    """Checks and repairs the outbox (837P) and the letters folder. Blocking: call from a
    worker. `letters` None leaves appeal letters alone."""

    def __init__(self, engine: Engine, actor: str, outbox: Path, letters: Path | None) -> None:
        self.engine = engine
        self.actor = actor
        self.outbox = outbox
        self.letters = letters

    def _folders(self) -> dict[str, Path]:
        folders = {repo.KIND_837P: self.outbox}
        if self.letters is not None:
            folders[repo.KIND_APPEAL] = self.letters
        return folders

    @translate_errors
    def repair(self, *, dry_run: bool = False) -> OutboxReport:
        """Write again every committed file missing from its folder and remove stale temporary
        files; `dry_run` only says what it would do."""
        started = now()
        folders = self._folders()
        with read_connection(self.engine) as conn:
            pending = repo.unwritten(conn, tuple(folders))
        missing = [f for f in pending if not (folders[f.kind] / f.file_name).exists()]
        present = [f for f in pending if f not in missing]
        stale = remove_stale_parts(set(folders.values()), started, remove=not dry_run)
        report = OutboxReport(
            dry_run,
            tuple(str(folders[f.kind] / f.file_name) for f in missing),
            tuple(str(folders[f.kind] / f.file_name) for f in present),
            tuple(str(p) for p in stale),
        )
        if dry_run:
            return report
        written, failed = self._write(missing, folders)
        if written or present:
            run_in_transaction(
                self.engine,
                lambda session: self._mark(session.connection(), written, present),
            )
        return OutboxReport(False, report.missing, report.present, report.stale, failed)

    def _write(
        self, missing: Sequence[UnwrittenFile], folders: dict[str, Path]
    ) -> tuple[list[UnwrittenFile], tuple[str, ...]]:
        written: list[UnwrittenFile] = []
        failed: list[str] = []
        for file in missing:
            final = folders[file.kind] / file.file_name
            with read_connection(self.engine) as conn:
                content = repo.content(conn, file)
            files = AttemptFiles()
            try:
                files.write(final, content)
            except OSError as exc:
                files.discard()
                failed.append(f"{final}: {exc.strerror}")
                continue
            if files.publish():
                written.append(file)
        return written, tuple(failed)

    def _mark(
        self, conn: Connection, written: list[UnwrittenFile], present: list[UnwrittenFile]
    ) -> None:
        repo.mark_written(conn, written, self.actor, rewritten=True)
        repo.mark_written(conn, present, self.actor, rewritten=False)


def record_written(engine: Engine, files: Sequence[UnwrittenFile], actor: str) -> None:
    """Record that files just renamed into their folders are there (a short transaction of
    its own, after the commit that made them)."""
    if files:
        run_in_transaction(
            engine, lambda session: repo.mark_written(session.connection(), files, actor, False)
        )
