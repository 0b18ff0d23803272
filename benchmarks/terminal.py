"""The real `medbill` in a pseudo-terminal at 80x24: cold start to the painted dashboard, and
per key in a queue the bytes written to the terminal and the time until the screen is quiet.

Usage: python benchmarks/terminal.py [--data-dir DIR] [--moves N] [--cold-start-only]

DIR is a data dir with a loaded demo (the embedded server is started once and left warm;
`medbill demo --no-tui` fills one). A bare Textual DataTable of 5,000 rows is measured in the
same run as the baseline, so the figures compare as ratios on a noisy machine. Page down is
pressed --page-downs times (100: past several pages of the queue, so the pages loaded on the
way count; target p99 <= 1.5x the bare table's).
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

QUIET = 0.15
"""Seconds with no output after which a key's repaint counts as finished (latency is measured
to the last byte, so the quiet wait itself is not counted)."""
FIRST_BYTE = 2.0
"""Seconds to wait for a key's first byte: on a loaded machine the answer may start later than
QUIET, and a key must not count as 0 ms with its repaint put on the next key."""
DOWN = b"\x1b[B"
PAGE_DOWN = b"\x1b[6~"
IN_VIEW = 12
"""Cursor moves that stay inside the visible rows (the table does not scroll)."""


class Terminal:
    """A child process on a pty sized 80x24; `read_until` and `key` return bytes and time."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True, start_new_session=True)  # fmt: skip
        os.close(slave)
        self.seen = b""

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.master, 65536)
        except OSError:
            return b""

    def read_until(self, marker: bytes, timeout: float = 60) -> float:
        """Seconds until `marker` appeared in the output (then drains until quiet)."""
        start = time.perf_counter()
        while marker not in self.seen:
            if time.perf_counter() - start > timeout:
                tail = self.seen[-600:].decode(errors="replace")
                raise TimeoutError(f"{marker!r} did not appear; the screen ended with: {tail!r}")
            self.seen += self._read(0.1)
        took = time.perf_counter() - start
        self.drain()
        return took

    def drain(self) -> int:
        total = 0
        while chunk := self._read(QUIET):
            total += len(chunk)
        return total

    def key(self, data: bytes) -> tuple[int, float]:
        """Send one key: bytes written in reply and seconds to the last byte of the repaint."""
        start = time.perf_counter()
        os.write(self.master, data)
        total, last = 0, start
        chunk = self._read(FIRST_BYTE)
        while chunk:
            total += len(chunk)
            last = time.perf_counter()
            chunk = self._read(QUIET)
        return total, last - start

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.master)


BARE_TABLE = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import DataTable
    class Bare(App):
        def compose(self):
            yield DataTable(cursor_type="row")
        def on_mount(self):
            t = self.query_one(DataTable)
            t.add_columns("Claim", "Patient", "Payer", "Status", "Days", "Amount")
            t.add_rows([(f"C{i:06d}", f"Patient {i}", "Payer", "submitted", str(i % 90),
                         f"{i * 1.5:,.2f}") for i in range(5000)])
            print("READY", flush=True)
    Bare().run()
""")

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Header, Static
    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Outstanding balances")
            yield Footer()
    Bare().run()
""")
"""The floor of any Textual app's start: a header, one line and a footer."""


def moves(term: Terminal, key: bytes, count: int) -> tuple[list[int], list[float]]:
    sizes, times = [], []
    for _ in range(count):
        size, took = term.key(key)
        sizes.append(size)
        times.append(took)
    return sizes, times


BURST = 100
"""Keys in one held-down burst (a terminal's key repeat, or a slow link delivering a backlog)."""


def burst(term: Terminal, name: str, per_key_bytes: float) -> float:
    """Send BURST down-arrows in one write: the bytes and time until the screen is quiet, and
    how that compares with repainting after every key (below 1: repaints were merged)."""
    size, took = term.key(DOWN * BURST)
    merged = size / max(per_key_bytes * BURST, 1)
    print(
        f"{name:<34} {BURST} keys: {size:7d} bytes, quiet after {took * 1000:6.1f} ms "
        f"({took * 1000 / BURST:4.1f} ms/key; bytes vs a repaint per key {merged:.2f})"
    )
    return took


def summary(name: str, sizes: list[int], times: list[float]) -> tuple[float, float]:
    p50 = statistics.median(times) * 1000
    p99 = sorted(times)[max(0, int(len(times) * 0.99) - 1)] * 1000
    print(f"{name:<34} bytes/move median {statistics.median(sizes):6.0f}  max {max(sizes):6d}"
          f"   latency p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")  # fmt: skip
    return statistics.median(sizes), p99


def import_seconds(module: str, runs: int = 5) -> float:
    """Best of `runs` fresh interpreters importing `module` (seconds, start-up included)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


FIRST_FRAME = b"Outstanding balances"
COUNTS = b" items"
"""What the dashboard shows once its queue counts are in."""


def first_frame(
    argv: list[str], env: dict[str, str], markers: tuple[bytes, ...]
) -> dict[bytes, float]:
    """Seconds from starting `argv` in a pty to each of `markers` appearing."""
    start = time.perf_counter()
    term = Terminal(argv, env)
    seen: dict[bytes, float] = {}
    while len(seen) < len(markers) and time.perf_counter() - start < 60:
        term.seen += term._read(0.01)
        for marker in markers:
            if marker not in seen and marker in term.seen:
                seen[marker] = time.perf_counter() - start
    term.close()
    return seen


def cold_start(medbill: str, env: dict[str, str], runs: int) -> None:
    """`medbill` to the painted dashboard (its first frame, then the queue counts in it),
    against a bare Textual app started alternately in the same run."""
    warm = Terminal([medbill], env)  # starts the embedded server if it is not running
    warm.read_until(COUNTS, 120)
    warm.close()
    painted, counted, bare = [], [], []
    for _ in range(runs):
        seen = first_frame([medbill], env, (FIRST_FRAME, COUNTS))
        painted.append(seen[FIRST_FRAME])
        counted.append(seen[COUNTS])
        bare_app = [sys.executable, "-c", BARE_APP]
        bare.append(first_frame(bare_app, env, (FIRST_FRAME,))[FIRST_FRAME])
    print(f"{'cold start to the dashboard':<34} {min(painted):.2f} s best, "
          f"{statistics.median(painted):.2f} s median of {runs} (target < 1 s); "
          f"counts in {min(counted):.2f} s best, "
          f"{statistics.median(counted):.2f} s median")  # fmt: skip
    print(f"{'bare Textual app, first frame':<34} {min(bare):.2f} s best, "
          f"{statistics.median(bare):.2f} s median; ratio medbill/bare "
          f"{statistics.median(painted) / statistics.median(bare):.2f}")  # fmt: skip
    python = import_seconds("sys")
    app = import_seconds("medbill_tui.shell.app")
    print(
        f"{'import medbill_tui.shell.app':<34} {app:.2f} s best "
        f"(bare interpreter {python:.2f} s, ratio {app / python:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/me_demo")
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--page-downs", type=int, default=100)
    parser.add_argument("--cold-start-only", action="store_true",
                        help="measure only the cold start (and the app's import time)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3, help="cold starts to measure")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDBILL", "DATABASE_URL"))}
    env |= {"TERM": "xterm-256color", "MEDBILL_DATA_DIR": args.data_dir, "COLUMNS": "80",
            "LINES": "24"}  # fmt: skip
    medbill = str(Path(sys.executable).with_name("medbill"))
    print(f"load average {os.getloadavg()[0]:.1f}; data dir {args.data_dir}")
    if args.cold_start_only:
        cold_start(medbill, env, args.runs)
        return

    base = Terminal([sys.executable, "-c", BARE_TABLE], env)
    base.read_until(b"C000001")
    base_sizes, base_times = moves(base, DOWN, IN_VIEW)
    base_bytes, base_p99 = summary("bare DataTable, down in view", base_sizes, base_times)
    base_sizes, base_times = moves(base, DOWN, args.moves)
    base_scroll, _ = summary("bare DataTable, down scrolling", base_sizes, base_times)
    base_burst = burst(base, "bare DataTable, held-down", base_scroll)
    page_sizes, page_times = moves(base, PAGE_DOWN, args.page_downs)
    _, base_page_p99 = summary("bare DataTable, page down", page_sizes, page_times)
    base.close()

    cold_start(medbill, env, args.runs)

    term = Terminal([medbill], env)
    term.read_until(FIRST_FRAME, 60)
    start = time.perf_counter()
    os.write(term.master, b"2")
    opened = term.read_until(b"Row 1", 30) + 0 * start
    print(f"{'open pending claims (2)':<34} first rows after {opened * 1000:6.1f} ms")
    time.sleep(2)  # the page, counts and payers arrive; measure the steady state
    term.drain()
    sizes, times = moves(term, DOWN, IN_VIEW)
    ours_bytes, ours_p99 = summary("pending claims, down in view", sizes, times)
    sizes, times = moves(term, DOWN, args.moves)
    ours_scroll, _ = summary("pending claims, down scrolling", sizes, times)
    ours_burst = burst(term, "pending claims, held-down", ours_scroll)
    page_sizes, page_times = moves(term, PAGE_DOWN, args.page_downs)
    _, page_p99 = summary("pending claims, page down", page_sizes, page_times)
    term.key(b"\x1b")
    time.sleep(1)
    term.drain()
    size, took = term.key(b"4")
    print(f"{'screen change: balances (4)':<34} {size:6d} bytes  {took * 1000:6.1f} ms")
    term.close()
    print(f"ratio bytes/move ours : bare = {ours_bytes / max(base_bytes, 1):.2f} in view, "
          f"{ours_scroll / max(base_scroll, 1):.2f} scrolling (target: ours <= 1 KB in view); "
          f"p99 ratio in view = {ours_p99 / max(base_p99, 1e-9):.2f}, "
          f"page down = {page_p99 / max(base_page_p99, 1e-9):.2f} (target <= 1.5); "
          f"held-down burst time ratio = {ours_burst / max(base_burst, 1e-9):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
