"""Paint once: the real `medbill` in a pseudo-terminal at 80x24 that, like tmux, says it does
synchronized output, so each frame is one `ESC[?2026h … ESC[?2026l` block. Opening a denial
and going back each send at most two frames (one of loading state, one of content); they
sent four to seven (docs/performance.md, slow link). No time is asserted."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import TODAY, WAIT, medbill_command, medbill_env, run_medbill

SYNC_START = b"\x1b[?2026h"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
QUIET = 2.0
"""Seconds with no output after which an action's frames are all out (generous: a busy
machine spreads a repaint out; a late frame would be counted with the next key)."""


class FrameTerminal:
    """`medbill` on a pty; `act` sends a key and returns the frames written in answer."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            medbill_command(), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the app has ended
            return b""
        if SYNC_QUERY in data:
            os.write(self.master, SYNC_REPLY)
        return data

    def act(self, key: bytes, expected: bytes) -> list[bytes]:
        """Send `key`, read until `expected` is out and then QUIET seconds of nothing."""
        if key:
            os.write(self.master, key)
        got = b""
        deadline = time.monotonic() + WAIT
        while expected not in got:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {expected!r}; the end: {got[-500:]!r}")
            got += self._read(0.1)
        while chunk := self._read(QUIET):
            got += chunk
        return got.split(SYNC_START)[1:]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)
        os.close(self.master)


@pytest.fixture
def terminal(db_url: str, tmp_path: Path) -> Iterator[FrameTerminal]:
    env = medbill_env(db_url, tmp_path)
    run_medbill(["demo", "--encounters", "120", "--no-tui", "--today", TODAY], env, tmp_path)
    env = {**os.environ, **env, "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    term = FrameTerminal(env, tmp_path)
    yield term
    term.close()


def test_opening_a_denial_and_going_back_paint_at_most_two_frames(
    terminal: FrameTerminal,
) -> None:
    terminal.act(b"", b" items")  # the dashboard with its counts
    terminal.act(b"3", b"Row 1 \xc2\xb7")  # the denials queue with its rows
    opened = terminal.act(b"\r", b"Appeal due")
    assert len(opened) <= 2, [frame[:200] for frame in opened]
    back = terminal.act(b"\x1b", b"Row 1 \xc2\xb7")
    assert len(back) <= 2, [frame[:200] for frame in back]
    assert len(set(back)) == len(back) and len(set(opened)) == len(opened)
