"""Driving the real `medbill` binary in a tmux pane: start it, send keys, read the screen."""

from __future__ import annotations

import contextlib
import itertools
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TODAY = "2026-11-02"
WAIT = 90.0
"""Seconds to wait for expected text: generous, the machine is slow and shared (never asserted)."""

needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: the end-to-end tests drive the real binary in tmux "
    "(apt-get install tmux; .ci/run installs it)",
)

_sockets = itertools.count()


def medbill_command() -> list[str]:
    """The installed `medbill` beside this Python, else `python -m medbill_tui`."""
    script = Path(sys.executable).parent / "medbill"
    return [str(script)] if script.exists() else [sys.executable, "-m", "medbill_tui"]


def medbill_env(db_url: str, root: Path, **extra: str) -> dict[str, str]:
    """The environment of one run: its own database and folders, today pinned."""
    env = {
        "DATABASE_URL": db_url,
        "MEDBILL_TODAY": TODAY,
        "MEDBILL_DATA_DIR": str(root / "data"),
        "MEDBILL_OUTBOX": str(root / "outbox"),
        "MEDBILL_INBOX": str(root / "inbox"),
    }
    env.update(extra)
    return env


def run_medbill(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a `medbill` command to its end; fail the test with its output unless it exits 0."""
    done = subprocess.run(
        [*medbill_command(), *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"medbill {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


class Pane:
    """One tmux server (its own socket) running `medbill` in a window of a given size."""

    def __init__(self, root: Path, env: dict[str, str], width: int = 80, height: int = 24) -> None:
        self.socket = f"medbill-e2e-{os.getpid()}-{next(_sockets)}"
        self.rc_file = root / "medbill.rc"
        script = root / "run-medbill.sh"
        exports = "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())
        command = " ".join(shlex.quote(part) for part in medbill_command())
        script.write_text(
            f"#!/bin/sh\ncd {shlex.quote(str(root))}\n{exports}"
            f"{command}\nrc=$?\necho $rc > {shlex.quote(str(self.rc_file))}\n"
            '[ "$rc" = 0 ] || sleep 600\n'  # keep a failure on the screen for the report
        )
        script.chmod(0o755)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e",
                  "-x", str(width), "-y", str(height), str(script))  # fmt: skip

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args],
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        assert done.returncode == 0, f"tmux {' '.join(args)}: {done.stderr}"
        return done.stdout

    def screen(self) -> str:
        """The pane's text as a biller sees it now."""
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def send(self, key: str) -> None:
        """One key or one piece of text."""
        self.tmux("send-keys", "-t", "e2e", key)
        time.sleep(0.3)

    def burst(self, *keys: str) -> None:
        """Several keys in one write to the terminal, as fast typing over a link delivers
        them (Escape then a key arrives as ESC + the key)."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "e2e", "-x", str(width), "-y", str(height))
        # tmux signals the pane's process group, but under load the app can miss the first
        # SIGWINCH while starting a repaint; tell the app itself again, as a terminal would.
        shell = self.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True,
                                  timeout=30, check=False).stdout.split()  # fmt: skip
        for child in children:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(child), signal.SIGWINCH)

    def exit_code(self, timeout: float = WAIT) -> int:
        """Wait for medbill to end; its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.rc_file.exists() and self.rc_file.read_text().strip():
                return int(self.rc_file.read_text())
            time.sleep(0.3)
        raise AssertionError(f"medbill did not exit; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"],
                       capture_output=True, timeout=60, check=False)  # fmt: skip


def wait_for(pane: Pane, *texts: str, timeout: float = WAIT) -> str:
    """Poll the screen until every one of `texts` is on it; the screen then."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = pane.screen()
        if all(text in screen for text in texts):
            return screen
        time.sleep(0.3)
    raise AssertionError(f"never saw {texts!r}; the screen:\n{screen}")
