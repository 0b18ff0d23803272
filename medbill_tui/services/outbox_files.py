"""Files written once: only the transaction attempt that commits leaves a file behind.

Each attempt of a unit of work writes under hidden temporary names (`.NAME.PID.part`, a
folder for a statement run); an attempt that fails (a deadlock retried, any error) removes its
own before the next one starts; after the commit the files are renamed to their final names in
one step each. A crash between the commit and the rename leaves `.part` files and no final
file: the content is in the database, and `services/outbox.py` writes it again. Who may read
the files: `runtime/file_modes.py`.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from medbill_tui.db.uow import run_in_transaction
from medbill_tui.runtime.file_modes import give_to_team, make_folder

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")
PART = ".part"


def temporary_name(final: Path) -> Path:
    """The hidden name a file (or folder) has until its transaction commits."""
    return final.with_name(f".{final.name}.{os.getpid()}{PART}")


@dataclass
class AttemptFiles:
    """The files one attempt wrote, under their temporary names, with their final names."""

    pending: list[tuple[Path, Path]] = field(default_factory=list)

    def write(self, final: Path, content: bytes) -> None:
        """Write `content` for `final` under its temporary name (the folder is made)."""
        temp = temporary_name(final)
        make_folder(final.parent)
        self.pending.append((temp, final))
        temp.write_bytes(content)
        give_to_team(temp)  # also in a folder someone else made without the team's group

    def folder(self, final: Path) -> Path:
        """A new empty temporary folder that becomes `final` after the commit."""
        temp = temporary_name(final)
        make_folder(final.parent)
        temp.mkdir()
        self.pending.append((temp, final))
        give_to_team(temp)  # set-group-id: the files written in it are the team's too
        return temp

    def discard(self) -> None:
        """Remove everything this attempt wrote (it did not commit)."""
        for temp, _ in self.pending:
            if temp.is_dir():
                shutil.rmtree(temp, ignore_errors=True)
            else:
                temp.unlink(missing_ok=True)
        self.pending.clear()

    def publish(self) -> list[Path]:
        """Rename every file to its final name (after the commit); the final names that are in
        place. A temporary file someone else's repair removed counts when its final file is
        already there (the repair wrote the same bytes)."""
        done: list[Path] = []
        for temp, final in self.pending:
            try:
                os.replace(temp, final)
            except FileNotFoundError:
                if not final.exists():
                    continue
            done.append(final)
        self.pending.clear()
        return done


def run_writing_files(
    engine: Engine,
    work: Callable[[Session, AttemptFiles], T],
) -> tuple[T, list[Path]]:
    """Run `work` in one transaction (retried like `run_in_transaction`), handing each attempt
    its own `AttemptFiles`; publish the committed attempt's files after the commit. Returns the
    result and the final paths in place."""
    attempts: list[AttemptFiles] = []

    def attempt(session: Session) -> T:
        for earlier in attempts:  # each attempt starts clean
            earlier.discard()
        files = AttemptFiles()
        attempts.append(files)
        try:
            return work(session, files)
        except BaseException:
            files.discard()
            raise

    try:
        result = run_in_transaction(engine, attempt)
    except BaseException:
        for files in attempts:
            files.discard()
        raise
    return result, attempts[-1].publish()


def remove_stale_parts(
    folders: Iterable[Path], started: float, *, remove: bool = True
) -> list[Path]:
    """Remove the temporary files and folders older than `started` (a run that ended before it
    renamed them: what they held is in the database); the paths removed (or, with `remove`
    False, found)."""
    removed: list[Path] = []
    for folder in folders:
        try:
            found = [
                p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(PART)
            ]
        except OSError:  # no folder yet, or one we may not read: nothing of ours in it
            continue
        for path in found:
            try:
                if path.stat().st_mtime >= started:
                    continue
                if not remove:
                    pass
                elif path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


def now() -> float:
    """The wall-clock time a run starts (compared with file modification times)."""
    return time.time()
