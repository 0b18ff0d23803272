"""Files that were committed but may not have reached their folder (837P, appeal letters)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnwrittenFile:
    """A committed outbound file not yet known to be in its folder: `kind` 837P or appeal."""

    kind: str
    id: int
    file_name: str


@dataclass(frozen=True, slots=True)
class OutboxReport:
    """What an outbox check found and, unless a dry run, did.

    `missing`: committed files not in their folder (written again unless a dry run);
    `present`: committed files found in place and now recorded as written; `stale`: temporary
    files of runs that ended before renaming them (removed unless a dry run); `failed`: files
    that could not be written, with the reason."""

    dry_run: bool
    missing: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """Nothing was (or, after a repair, is still) missing."""
        return not self.failed and (not self.dry_run or not (self.missing or self.stale))
