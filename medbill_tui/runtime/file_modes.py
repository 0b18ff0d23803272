"""Who may read the files the app writes (837Ps, statements, letters, receipts, logs).

On a shared host (MEDBILL_SERVER_GROUP set to a group of this host) the process runs with
umask 027 and the folders it makes belong to that group with the set-group-id bit, so every
file written in them is 0640 and the team's: the group reads, nobody else does. A single
user (no group) gets umask 077: files 0600 in folders 0700. Folders made by someone else are
left as they are; `medbill server status` names whatever others can read.
"""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

TEAM_UMASK = 0o027
"""Files 0640, folders 0750: the most a medbill process ever lets anyone read."""
PRIVATE_UMASK = 0o077
"""Files 0600, folders 0700: one user alone."""
TEAM_FOLDER_MODE = 0o2750

_team_gid: int | None = None


def team_gid(group: str | None) -> int | None:
    """The id of the team's group, or None (no group set, or no such group on this host)."""
    if not group:
        return None
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        return None


def restrict_new_files(group: str | None) -> int | None:
    """Set the process's umask for a team (`group` exists) or for one user; the team's group id."""
    global _team_gid
    _team_gid = team_gid(group)
    os.umask(PRIVATE_UMASK if _team_gid is None else TEAM_UMASK)
    return _team_gid


def make_folder(path: Path) -> Path:
    """`mkdir -p` under the umask; on a team host each folder made here is the team's group's,
    set-group-id (files and folders made in it inherit the group)."""
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    path.mkdir(parents=True, exist_ok=True)
    if _team_gid is not None:
        for folder in reversed(missing):
            give_to_team(folder)
    return path


def give_to_team(path: Path) -> None:
    """Make a file (or a folder: set-group-id too) the team's group's; a file or group we may
    not change is left as the umask made it (only the owner and the group can read it)."""
    if _team_gid is None:
        return
    try:
        os.chown(path, -1, _team_gid)
        if path.is_dir():
            path.chmod(TEAM_FOLDER_MODE)
    except OSError:
        pass


def others_can_read(roots: Iterable[Path], *, limit: int = 1000) -> list[Path]:
    """Files and folders under `roots` (the roots included) that accounts outside the owner
    and group may read, at most `limit` of them; symbolic links are not followed, and a
    server's socket (0777 by design, guarded by its folder) is not a file to read."""
    found: list[Path] = []
    seen: set[Path] = set()
    for root in roots:
        for path in _walk(root):
            if path in seen:
                continue
            seen.add(path)
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            readable = stat.S_ISREG(mode) or stat.S_ISDIR(mode)  # not links, not sockets
            if readable and mode & stat.S_IROTH:
                found.append(path)
                if len(found) >= limit:
                    return found
    return found


def _walk(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    yield root
    for folder, folders, files in os.walk(root, onerror=lambda _: None):
        base = Path(folder)
        for name in (*folders, *files):
            yield base / name
