"""The `medbill` command: the app by default, plus admin and report subcommands.

Exit status: 0 success, 1 the work itself failed, 2 usage or configuration errors
(bad flags, unreachable database, schema behind, unusable data dir), 3 not allowed (the
login is not an active user of this database, or its role may not do this).

This module stays light: plain `medbill` paints the app before SQLAlchemy is imported
(`cli/tui.py`); a subcommand loads `cli/dispatch.py` and what it needs. Exit statuses and
`CommandError` live in `cli/common.py`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medbill` console script."""
    os.umask(0o027)  # nothing this process writes is for others; the settings may narrow it
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:  # the app: no parser needed (`medbill` has no options besides --help)
            from medbill_tui.cli.tui import open_app

            return open_app()
        from medbill_tui.cli.dispatch import run_command

        return run_command(argv)
    except KeyboardInterrupt:  # before a command could start (imports, connecting)
        print("medbill: interrupted", file=sys.stderr)
        return 130
