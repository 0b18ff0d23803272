"""The backup archive: one tar holding `database.dump` (pg_dump -Fc), the files the database
does not hold under `files/`, and `manifest.json` (every member's size and sha256, row
counts, ledger totals, schema revision) with `manifest.sha256`, the manifest's own sum.

Reading checks everything before anything is restored: a missing, unreadable or damaged
archive, or one whose sums do not match, is refused (BackupRefused: exit 2) with the fix.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tarfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from medbill_tui.errors import ConfigError, ServiceError

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
FILES = "files"

ARCHIVE_NAME = re.compile(r"^medbill-backup-\d{8}T\d{6}-rev[\w.-]+\.tar$")
"""The names `medbill backup` gives its archives (the only ones `--keep` removes)."""


class BackupRefused(ConfigError):
    """The archive or the target cannot be used; nothing was changed (exit 2)."""


class BackupFailed(ServiceError):
    """A backup or restore did not complete; what it made was removed (exit 1)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    made_at: str
    schema_revision: str | None
    row_counts: dict[str, int]
    ledger_totals: dict[str, Decimal]
    members: dict[str, tuple[int, str]]
    """Archive member name -> (size in bytes, sha256)."""

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "format": FORMAT,
            "made_at": self.made_at,
            "schema_revision": self.schema_revision,
            "row_counts": self.row_counts,
            "ledger_totals": {k: str(v) for k, v in self.ledger_totals.items()},
            "members": {k: {"size": s, "sha256": h} for k, (s, h) in self.members.items()},
        }
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return cls(
            made_at=str(data["made_at"]),
            schema_revision=data["schema_revision"],
            row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
            ledger_totals={str(k): Decimal(v) for k, v in data["ledger_totals"].items()},
            members={
                str(k): (int(v["size"]), str(v["sha256"])) for k, v in data["members"].items()
            },
        )

    @property
    def total_bytes(self) -> int:
        return sum(size for size, _ in self.members.values())


def archive_name(made_at: datetime, revision: str | None) -> str:
    return f"medbill-backup-{made_at:%Y%m%dT%H%M%S}-rev{revision or 'none'}.tar"


def file_sum(path: Path) -> tuple[int, str]:
    """(size, sha256) of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def write_archive(out: Path, staged: Path, manifest: Manifest) -> None:
    """Write the tar at `out` from the staged folder (its `database.dump` and `files/`)."""
    body = manifest.to_json()
    (staged / MANIFEST).write_bytes(body)
    (staged / MANIFEST_SUM).write_text(hashlib.sha256(body).hexdigest() + "\n")
    with tarfile.open(out, "w") as tar:
        for name in (MANIFEST, MANIFEST_SUM, *sorted(manifest.members)):
            tar.add(staged / name, arcname=name, recursive=False)


def open_archive(archive: Path, into: Path) -> Manifest:
    """Unpack `archive` into the empty folder `into` and check it whole: the manifest's own
    sum, then every member's size and sha256, and nothing in it the manifest does not name.

    Raises BackupRefused (one line, with the fix) for anything wrong."""
    if not archive.is_file():
        raise BackupRefused(f"there is no backup archive at {archive}; give the path of a .tar")
    try:
        with tarfile.open(archive, "r:") as tar:
            tar.extractall(into, filter="data")
    except PermissionError:
        raise BackupRefused(f"{archive} cannot be read by this login; run as its owner") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupRefused(
            f"{archive} is not a readable backup archive ({exc}); use another backup"
        ) from None
    try:
        body = (into / MANIFEST).read_bytes()
        expected = (into / MANIFEST_SUM).read_text().strip()
    except OSError:
        raise BackupRefused(
            f"{archive} has no manifest; it was not made by `medbill backup`"
        ) from None
    if hashlib.sha256(body).hexdigest() != expected:
        raise BackupRefused(
            f"{archive}: its manifest does not match its sha256; use another backup"
        )
    try:
        manifest = Manifest.from_json(body)
    except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
        raise BackupRefused(f"{archive}: its manifest cannot be read ({exc})") from None
    _check_members(archive, into, manifest)
    return manifest


def _check_members(archive: Path, into: Path, manifest: Manifest) -> None:
    found = {
        str(path.relative_to(into))
        for path in into.rglob("*")
        if path.is_file() and path.name not in (MANIFEST, MANIFEST_SUM)
    }
    extra = sorted(found - set(manifest.members))
    if extra:
        raise BackupRefused(f"{archive} holds {extra[0]}, which its manifest does not name")
    if DUMP not in manifest.members:
        raise BackupRefused(f"{archive}: its manifest names no database dump")
    for name, (size, digest) in sorted(manifest.members.items()):
        path = into / name
        if not path.is_file():
            raise BackupRefused(f"{archive} lacks {name}, which its manifest names")
        if file_sum(path) != (size, digest):
            raise BackupRefused(
                f"{archive}: {name} does not match its sha256 in the manifest (the archive is "
                "damaged); use another backup"
            )


def stage_files(sources: dict[str, Path], staged: Path) -> dict[str, tuple[int, str]]:
    """Copy the files the database does not hold into `staged/files/<what>/…` and return
    their (size, sha256) by member name. `sources` maps a name (outbox, statements, …) to a
    folder or one file; missing ones are skipped."""
    members: dict[str, tuple[int, str]] = {}
    for what, source in sorted(sources.items()):
        if source.is_file():
            pairs = [(source, Path(FILES, what, source.name))]
        elif source.is_dir():
            pairs = [
                (path, Path(FILES, what, path.relative_to(source)))
                for path in sorted(source.rglob("*"))
                if path.is_file() and not path.is_symlink()
            ]
        else:
            continue
        for path, name in pairs:
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            members[str(name)] = file_sum(target)
    return members


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives `medbill backup` made in `folder`."""
    ours = sorted(p for p in folder.iterdir() if p.is_file() and ARCHIVE_NAME.match(p.name))
    removed = ours[:-keep] if keep else ours
    for path in removed:
        path.unlink()
    return removed
