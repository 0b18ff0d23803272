"""The `medbill` command: the app by default, plus admin and report subcommands.

Exit status: 0 success, 1 the work itself failed, 2 usage or configuration errors
(bad flags, unreachable database, schema behind, unusable data dir), 3 not allowed (the
login is not an active user of this database, or its role may not do this).

This module stays light: plain `medbill` paints the app before SQLAlchemy is imported
(`cli/tui.py`); a subcommand loads `cli/dispatch.py` and what it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_INTERRUPTED = 130
"""128 + SIGINT."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for any program whose reader closed the pipe."""


class CommandError(Exception):
    """A command could not do its work; the message says why (exit status 1)."""


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def fail(message: str, status: int) -> int:
    """Say why on stderr, as `medbill: …`, and hand back the exit status."""
    print(f"medbill: {message}", file=sys.stderr)
    return status


def silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medbill` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # the app: no parser needed (`medbill` has no options besides --help)
        from medbill_tui.cli.tui import open_app

        return open_app()
    from medbill_tui.cli.dispatch import run_command

    return run_command(argv)
