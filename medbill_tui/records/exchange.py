"""What `medbill exchange` is set up with and what a run did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """One clearinghouse's SFTP account (no password here: `password` is read when needed)."""

    host: str
    send_from: datetime
    """Outbound files written before this are never sent (they went another way)."""
    port: int
    user: str
    key_file: Path
    upload_dir: str
    download_dir: str
    answer_pattern: str = "*"
    delete_after_fetch: bool = False
    host_key: str | None = None
    """The server's pinned public key, `TYPE BASE64` (None: not pinned yet)."""
    password: str | None = None
    retries: int = 3
    backoff_seconds: float = 2.0
    timeout_seconds: float = 20.0


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A committed outbound file not uploaded yet."""

    edi_file_id: int
    file_name: str
    size: int


@dataclass(frozen=True, slots=True)
class RemoteAnswer:
    """An answer file in the clearinghouse's download folder."""

    name: str
    size: int
    mtime: int


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """An answer downloaded earlier and not imported yet (`local_names` in the inbox)."""

    id: int
    remote_path: str
    local_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What importing one fetched file did: `error` None when it imported."""

    file_name: str
    summary: str
    error: str | None = None


@dataclass
class ExchangeReport:
    """What one `medbill exchange` run did (or, on a dry run, would do)."""

    dry_run: bool = False
    locked_out: bool = False
    sent: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    imported: list[ImportOutcome] = field(default_factory=list)

    @property
    def import_failed(self) -> bool:
        return any(outcome.error for outcome in self.imported)
