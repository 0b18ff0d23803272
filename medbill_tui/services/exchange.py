"""`medbill exchange`: send committed 837P, 270 and 276 files to the clearinghouse, fetch its
answers (999, 277CA, 835, 271, 277), and import them, exactly once each, one run at a time.

Each file is recorded after it is whole on the other side (an upload after its rename on the
server, a download after its rename into the inbox), so a run cut anywhere is finished by the
next one: an upload whose rename happened but was not recorded is found on the server and only
recorded; a `.part` left on the server is written over. Network failures are retried with
backoff a bounded number of times; a refused login stops the run at once and is not retried.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.repositories import exchange as repo
from medbill_tui.db.uow import read_connection, run_in_transaction
from medbill_tui.records.exchange import (
    ConnectionSettings,
    ExchangeReport,
    ImportOutcome,
    PendingUpload,
    RemoteAnswer,
)
from medbill_tui.runtime.clock import Clock
from medbill_tui.runtime.file_modes import give_to_team, make_folder
from medbill_tui.services.errors import ServiceError, translate_errors
from medbill_tui.services.imports import ImportResult, ImportService
from medbill_tui.services.sftp_link import LinkBroken, SftpLink

if TYPE_CHECKING:
    from sqlalchemy import Engine

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
"""Called with (files done, files in this step, what is happening)."""


class ExchangeCancelled(ServiceError):
    """The run was cancelled between two files; what was done is recorded."""


def _no_progress(done: int, total: int, label: str) -> None:
    return None


class ExchangeService:
    """One clearinghouse connection. Blocking: call from a worker thread."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        actor: str,
        inbox: Path,
        connection: ConnectionSettings,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.actor = actor
        self.inbox = inbox
        self.connection = connection
        self.cancel = threading.Event()

    def run(
        self,
        *,
        send: bool = True,
        fetch: bool = True,
        import_answers: bool = True,
        dry_run: bool = False,
        progress: Progress = _no_progress,
    ) -> ExchangeReport:
        """Send, fetch and import (each when asked); `report.locked_out` when another run
        holds the lock (then nothing is done)."""
        report = ExchangeReport(dry_run=dry_run)
        with repo.exchange_lock(self.engine) as held:
            if not held:
                report.locked_out = True
                return report
            failure: str | None = None
            try:
                if send or fetch:
                    self._retrying(lambda: self._connected(report, send, fetch, progress))
                if import_answers and not dry_run:
                    self._import_all(report, progress)
            except BaseException as exc:
                failure = str(exc) or type(exc).__name__
                raise
            finally:
                if not dry_run:
                    self._audit(report, failure)
        return report

    def _retrying(self, step: Callable[[], T]) -> T:
        """`step`, tried again after network failures with growing pauses."""
        attempt = 0
        while True:
            try:
                return step()
            except LinkBroken:
                if attempt >= self.connection.retries:
                    raise
                pause = self.connection.backoff_seconds * (2**attempt)
                attempt += 1
                if self.cancel.wait(pause):
                    raise ExchangeCancelled("exchange cancelled") from None

    def _connected(
        self, report: ExchangeReport, send: bool, fetch: bool, progress: Progress
    ) -> None:
        with SftpLink(self.connection) as link:
            link.check_folder(self.connection.upload_dir, "upload_dir")
            link.check_folder(self.connection.download_dir, "download_dir")
            if send:
                self._send(link, report, progress)
            if fetch:
                self._fetch(link, report, progress)

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise ExchangeCancelled("exchange cancelled; what was sent and fetched is recorded")

    @translate_errors
    def _send(self, link: SftpLink, report: ExchangeReport, progress: Progress) -> None:
        with read_connection(self.engine) as conn:
            pending = repo.pending_uploads(conn, self.connection.send_from)
        folder = self.connection.upload_dir
        for done, file in enumerate(pending):
            progress(done, len(pending), f"sending {file.file_name}")
            self._check_cancel()
            if file.file_name in report.sent:
                continue  # sent by an earlier attempt of this run
            if report.dry_run:
                report.sent.append(file.file_name)
                continue
            with read_connection(self.engine) as conn:
                content, sha256 = repo.upload_content(conn, file.edi_file_id)
            final = f"{folder}/{file.file_name}"
            if link.remote_size(final) != len(content):  # else: renamed, not recorded
                final = link.upload(content, folder, file.file_name)
            self._record_upload(file, final, sha256)
            report.sent.append(file.file_name)
        progress(len(pending), len(pending), "sent")

    def _record_upload(self, file: PendingUpload, remote_path: str, sha256: str) -> None:
        host = self.connection.host
        run_in_transaction(
            self.engine,
            lambda s: repo.record_upload(
                s.connection(), file, host, remote_path, sha256, self.actor
            ),
        )

    @translate_errors
    def _fetch(self, link: SftpLink, report: ExchangeReport, progress: Progress) -> None:
        answers = link.answers()
        host = self.connection.host
        with read_connection(self.engine) as conn:
            seen = repo.fetched_before(conn, host, answers)
        new = [a for a in answers if a.name not in seen]
        if not report.dry_run and new:
            make_folder(self.inbox)
        for done, answer in enumerate(new):
            progress(done, len(new), f"fetching {answer.name}")
            self._check_cancel()
            if answer.name in report.fetched or answer.name in report.skipped:
                continue
            if report.dry_run:
                report.fetched.append(answer.name)
                continue
            self._fetch_one(link, answer, report)
            if self.connection.delete_after_fetch:
                link.remove(answer)
        progress(len(new), len(new), "fetched")

    def _fetch_one(self, link: SftpLink, answer: RemoteAnswer, report: ExchangeReport) -> None:
        target = self._free_name(answer.name, answer.mtime)
        sha256 = link.download(answer, target)
        with read_connection(self.engine) as conn:
            duplicate = repo.hash_fetched(conn, sha256)
        if duplicate:
            target.unlink()
            names: list[str] = []
        elif target.suffix.lower() == ".zip":
            names = self._unzip(target)
        else:
            give_to_team(target)
            names = [target.name]
        host = self.connection.host
        run_in_transaction(
            self.engine,
            lambda s: repo.record_fetch(
                s.connection(), host, answer, sha256, names, self.actor, duplicate=duplicate
            ),
        )
        (report.skipped if duplicate else report.fetched).append(answer.name)

    def _free_name(self, name: str, mtime: int) -> Path:
        """`name` in the inbox, or `stem-MTIME.suffix` when a file of that name is there."""
        target = self.inbox / Path(name).name
        if target.exists():
            target = target.with_name(f"{target.stem}-{mtime}{target.suffix}")
        return target

    def _unzip(self, archive: Path) -> list[str]:
        """Unpack the files of an answer archive into the inbox (flat); their names."""
        names: list[str] = []
        try:
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.infolist():
                    base = Path(member.filename).name
                    if member.is_dir() or not base or base.startswith("."):
                        continue
                    final = self._free_name(f"{archive.stem}-{base}", 0)
                    part = final.with_name(f".{final.name}.part")
                    part.write_bytes(zipped.read(member))
                    part.replace(final)
                    give_to_team(final)
                    names.append(final.name)
        except zipfile.BadZipFile:
            give_to_team(archive)
            return [archive.name]  # kept as it came; its import says what is wrong
        archive.unlink()
        return names

    def _import_all(self, report: ExchangeReport, progress: Progress) -> None:
        with read_connection(self.engine) as conn:
            waiting = repo.not_imported(conn)
        service = ImportService(self.engine, self.clock, self.actor)
        for done, fetched in enumerate(waiting):
            progress(done, len(waiting), f"importing {fetched.remote_path}")
            self._check_cancel()
            errors: list[str] = []
            gone = [name for name in fetched.local_names if not (self.inbox / name).exists()]
            for name in fetched.local_names:
                if name in gone:  # moved away by a person: theirs to import
                    continue
                outcome = self._import_one(service, self.inbox / name)
                report.imported.append(outcome)
                if outcome.error:
                    errors.append(f"{name}: {outcome.error}")
            errors += [f"{name}: no longer in the inbox; not imported here" for name in gone]
            self._record_import(
                fetched.id, "; ".join(errors) or None, done=len(gone) == len(errors)
            )
        progress(len(waiting), len(waiting), "imported")

    def _record_import(self, fetch_id: int, error: str | None, *, done: bool) -> None:
        run_in_transaction(
            self.engine, lambda s: repo.record_import(s.connection(), fetch_id, error, done)
        )

    @staticmethod
    def _import_one(service: ImportService, path: Path) -> ImportOutcome:
        try:
            result = service.import_file(path)
        except ServiceError as exc:
            return ImportOutcome(path.name, "not imported", str(exc))
        summary = _summary(result)
        return ImportOutcome(
            path.name, summary, result.message or summary if result.refused else None
        )

    def _audit(self, report: ExchangeReport, failure: str | None) -> None:
        summary = f"sent {len(report.sent)}, fetched {len(report.fetched)}"
        if report.sent:
            summary += "; sent: " + ", ".join(report.sent)
        if report.fetched:
            summary += "; fetched: " + ", ".join(report.fetched)
        if failure:
            summary += f"; stopped: {failure}"
        run_in_transaction(
            self.engine, lambda s: repo.record_run(s.connection(), self.actor, summary[:2000])
        )


def _summary(result: ImportResult) -> str:
    if result.status == "already-imported":
        return "already imported"
    return (
        f"{result.kind}: {result.accepted} accepted, {result.rejected} rejected, "
        f"{result.unmatched} unmatched"
    )
