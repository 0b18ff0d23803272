"""What every `medbill` command shares: exit statuses, `CommandError`, one-line failures.

A leaf: the app's first frame imports it, and so does every subcommand.
"""

from __future__ import annotations

import argparse
import os
import sys
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


class CommandCancelled(Exception):
    """Ctrl+C stopped the command and it undid its work; the message says so (exit 130)."""


def iso_date(value: str) -> date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def positive_int(value: str) -> int:
    """An argparse type: a whole number from 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def share(value: str) -> float:
    """An argparse type: a share between 0 and 1, e.g. 0.05."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a share between 0 and 1, e.g. 0.05")
    return number


def fail(message: str, status: int) -> int:
    """Say why on stderr, as `medbill: …`, and hand back the exit status."""
    print(f"medbill: {message}", file=sys.stderr)
    return status


def silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
