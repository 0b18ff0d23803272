"""What `medbill server status` counts as readable by others: files and folders with the
others' read bit; not symbolic links, not sockets (0777 by design, guarded by their folder)."""

from __future__ import annotations

import socket
from pathlib import Path

from medbill_tui.runtime.file_modes import others_can_read


def test_only_files_and_folders_others_may_read_are_named(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir(mode=0o700)
    root.chmod(0o700)
    (root / "private.txt").write_text("x")
    (root / "private.txt").chmod(0o640)
    (root / "open.txt").write_text("x")
    (root / "open.txt").chmod(0o644)
    (root / "open").mkdir()
    (root / "open").chmod(0o755)
    (root / "link").symlink_to(root / "open.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(root / ".s.PGSQL.5432"))
    (root / ".s.PGSQL.5432").chmod(0o777)
    try:
        found = others_can_read([root, tmp_path / "missing"])
    finally:
        listener.close()
    assert sorted(found) == [root / "open", root / "open.txt"]
