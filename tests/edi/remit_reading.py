"""How the import reads an 835 file, for tests: a checking pass, then one set at a time."""

from __future__ import annotations

from pathlib import Path

from medbill_tui.edi.stream import scan_file, stream_sets
from medbill_tui.edi.x835 import Remit835, iter_835


def read_835_file(path: Path) -> list[Remit835]:
    """Every payment of an 835 file, read the way `ImportService` reads it."""
    scan = scan_file(path, "835")
    return list(iter_835(scan.interchange(), stream_sets(path, scan)))
