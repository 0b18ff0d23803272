"""The real `medbill` through a link shaped like a thin client's (256 kbit/s, 150 ms round
trip): per action, the time from the key to the expected text being readable, the bytes and
the frames sent, against a bare Textual app with the same screens through the same link.

Usage: python benchmarks/slow_link.py [--data-dir DIR] [--rounds N]

DIR is a data dir with a loaded demo (`medbill demo --no-tui` fills one; the embedded server
is started once and left warm). The relay lives in this process: the app writes to a pty, a
thread forwards its output to the reader at RATE bytes a second in PACKET-sized packets, each
arriving ONE_WAY seconds after it left; keys reach the app ONE_WAY seconds after they are
sent. The relay answers Textual's query for synchronized output, as tmux and most terminals
do, so every frame is one `ESC[?2026h … ESC[?2026l` block and frames can be counted.
"""

from __future__ import annotations

import argparse
import heapq
import os
import select
import statistics
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from terminal import COUNTS, Terminal

RATE = 32_768
"""Bytes a second: 256 kbit/s."""
ONE_WAY = 0.075
"""Seconds each way: a 150 ms round trip."""
PACKET = 1_024
QUIET = 0.6
"""Seconds with nothing arriving after which an action's output counts as finished (longer
than any pause between an app's frames; not counted in the times)."""
SYNC_START = b"\x1b[?2026h"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
"""The terminal's answer: synchronized output is supported (and now off)."""

DOWN = b"\x1b[B"
ENTER = b"\r"
ESCAPE = b"\x1b"


class SlowTerminal(Terminal):
    """A `Terminal` whose output and keys go through a shaped link (see the module doc)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        super().__init__(argv, env)
        self.reader, self._writer = os.pipe()
        os.set_blocking(self.reader, False)
        self._lock = threading.Lock()
        self._to_app: list[tuple[float, int, bytes]] = []
        self._to_reader: list[tuple[float, int, bytes]] = []
        self._sequence = 0
        self._link_free = 0.0
        self._stop = False
        self._relay = threading.Thread(target=self._run, daemon=True)
        self._relay.start()

    def _schedule(self, queue: list[tuple[float, int, bytes]], at: float, data: bytes) -> None:
        self._sequence += 1
        heapq.heappush(queue, (at, self._sequence, data))

    def _from_app(self, data: bytes) -> None:
        """Serialize `data` onto the link after whatever is still being sent."""
        if SYNC_QUERY in data:
            with self._lock:
                self._schedule(self._to_app, time.perf_counter() + 2 * ONE_WAY, SYNC_REPLY)
        for start in range(0, len(data), PACKET):
            packet = data[start : start + PACKET]
            self._link_free = max(self._link_free, time.perf_counter()) + len(packet) / RATE
            with self._lock:
                self._schedule(self._to_reader, self._link_free + ONE_WAY, packet)

    def _run(self) -> None:
        while not self._stop:
            now = time.perf_counter()
            with self._lock:
                for queue, fd in ((self._to_app, self.master), (self._to_reader, self._writer)):
                    while queue and queue[0][0] <= now:
                        os.write(fd, heapq.heappop(queue)[2])
                due = [queue[0][0] for queue in (self._to_app, self._to_reader) if queue]
            wait = max(0.0, min(due) - now) if due else 0.05
            ready, _, _ = select.select([self.master], [], [], min(wait, 0.05))
            if ready:
                try:
                    self._from_app(os.read(self.master, 65536))
                except OSError:
                    return

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.reader], [], [], timeout)
        return os.read(self.reader, 65536) if ready else b""

    def send(self, data: bytes) -> None:
        """Type `data`: it reaches the app ONE_WAY seconds from now."""
        with self._lock:
            self._schedule(self._to_app, time.perf_counter() + ONE_WAY, data)

    def close(self) -> None:
        self._stop = True
        self._relay.join(2)
        super().close()
        os.close(self.reader)
        os.close(self._writer)


@dataclass
class Action:
    """One key's answer as the reader saw it."""

    readable: float
    """Seconds from the key to the expected text being on the reader's side."""
    done: float
    """Seconds from the key to the last byte of the answer."""
    size: int
    frames: int
    distinct: int
    """Frames with different bytes (a repeated identical frame is wasted link time)."""


def act(term: SlowTerminal, key: bytes, marker: bytes, timeout: float = 30) -> Action:
    """Send `key`; read until `marker` has arrived, then until QUIET seconds of nothing."""
    start = time.perf_counter()
    term.send(key)
    got, readable, last = b"", 0.0, start
    while not readable or time.perf_counter() - last < QUIET:
        chunk = term._read(0.02)
        now = time.perf_counter()
        if chunk:
            got, last = got + chunk, now
            if not readable and marker in got:
                readable = now - start
        elif not readable and now - start > timeout:
            raise TimeoutError(f"{marker!r} did not arrive; got {got[-400:]!r}")
    frames = got.split(SYNC_START)[1:]
    return Action(readable, last - start, len(got), len(frames), len(set(frames)))


def then_at_once(term: SlowTerminal, key: bytes, marker: bytes, then: bytes,
                 then_marker: bytes, timeout: float = 30) -> float:  # fmt: skip
    """Send `key`, and `then` the moment `marker` has arrived (a biller who knows what comes):
    seconds from `then` to `then_marker` arriving."""
    term.send(key)
    got, sent, deadline = b"", 0.0, time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        got += term._read(0.01)
        if not sent and marker in got:
            term.send(then)
            sent, got = time.perf_counter(), b""
        elif sent and then_marker in got:
            return time.perf_counter() - sent
    raise TimeoutError(f"{then_marker!r} did not arrive; got {got[-400:]!r}")


def settle(term: SlowTerminal) -> None:
    """Let late output (counts, payers, totals) pass so it is not charged to the next key."""
    while term._read(1.5):
        pass


BARE_SCREENS = textwrap.dedent("""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import VerticalScroll
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Static

    class Detail(Screen):
        BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                    *(Binding(k, "bell", k.upper()) for k in "dmreawt")]
        def __init__(self, row):
            super().__init__()
            self.row = row
        def compose(self):
            yield Header()
            yield Static("")
            with VerticalScroll():
                grid = Table.grid(padding=(0, 1))
                for _ in range(2):
                    grid.add_column(style="bold", no_wrap=True)
                    grid.add_column()
                names = ["Claim", "Patient", "Payer", "DOS", "Denied", "Denied on",
                         "Days since", "Appeal due", "Status", "Follow up", "Claim status",
                         "Balance", "Category", "Action"]
                for i in range(0, 14, 2):
                    grid.add_row(names[i], f"value {self.row}-{i}",
                                 names[i + 1], f"value {self.row}-{i + 1}")
                lines = Table()
                for h in ("Line", "DOS", "Code", "Mods", "Units", "Charge", "Paid"):
                    lines.add_column(h)
                for n in range(4):
                    lines.add_row(str(n + 1), "10/02/2026", f"9921{n}", "", "1",
                                  "150.00", "0.00")
                yield Static(Group(grid, Text("Reason: CO-16 Claim lacks information"),
                                   Text("Service lines", style="bold underline"), lines,
                                   Text("Payments", style="bold underline"),
                                   Text("none"), Text("Appeal due 12/01/2026")))
            yield Footer()
        def on_mount(self):
            self.sub_title = f"Denial · claim C{self.row:06d}"

    class Bare(App):
        CSS = "DataTable { height: 1fr; }"
        BINDINGS = [Binding(k, "bell", k.upper()) for k in "nr/x"]
        def compose(self):
            yield Header()
            yield Static("")
            yield DataTable(cursor_type="row")
            yield Static("Row 1 · 120 rows loaded", id="status")
            yield Footer()
        def on_mount(self):
            t = self.query_one(DataTable)
            t.add_columns("Claim", "Patient", "Payer", "Reason (CARC)", "Route", "Denied",
                          "Days", "Held")
            t.add_rows([(f"C{i:06d}", f"Patient {i}", "Payer", "CO-16 Claim lacks info",
                         "info/resub", f"{i * 1.5:,.2f}", str(i % 90), "")
                        for i in range(120)])
            t.focus()
        def on_data_table_row_highlighted(self, event):
            self.query_one("#status", Static).update(
                f"Row {event.cursor_row + 1} · 120 rows loaded")
        def on_data_table_row_selected(self, event):
            self.push_screen(Detail(event.cursor_row))
    Bare().run()
""")
"""The same screens bare: a DataTable list and a detail screen pushed and popped, with
similar content and no database (the floor for these screen changes in Textual)."""

DETAIL_MARKER = b"Appeal due"
"""On the denial screen once its content is in (both apps)."""


def session(term: SlowTerminal, opened: Action, rounds: int) -> dict[str, list[Action]]:
    """`opened` the list; then per round: a move, open the row and back (each measured), open
    it again and back with a move typed the moment the list is readable again."""
    results: dict[str, list[Action]] = {"open the queue": [opened]}
    for row in range(2, 2 * rounds + 2, 2):
        here = f"Row {row} ·".encode()
        for name, key, marker in (("move down", DOWN, here), ("open a denial", ENTER,
                                  DETAIL_MARKER), ("go back", ESCAPE, here),
                                  ("open a denial", ENTER, DETAIL_MARKER)):  # fmt: skip
            settle(term)
            results.setdefault(name, []).append(act(term, key, marker))
        took = then_at_once(term, ESCAPE, here, DOWN, f"Row {row + 1} ·".encode())
        results.setdefault("move right after back", []).append(Action(took, took, 0, 0, 0))
    return results


def report(name: str, ours: list[Action], bare: list[Action]) -> None:
    def med(actions: list[Action], field: str) -> float:
        return float(statistics.median(getattr(a, field) for a in actions))

    readable, bare_readable = med(ours, "readable"), med(bare, "readable")
    line = (f"{name:<22} readable {readable * 1000:5.0f} ms (bare {bare_readable * 1000:5.0f}, "
            f"x{readable / bare_readable:.2f})")  # fmt: skip
    if med(ours, "size"):
        size, bare_size = med(ours, "size"), med(bare, "size")
        line += (f"  last byte {med(ours, 'done') * 1000:5.0f} ms "
                 f"(bare {med(bare, 'done') * 1000:5.0f})  bytes {size:6.0f} "
                 f"(bare {bare_size:6.0f}, x{size / max(bare_size, 1):.2f})  frames "
                 f"{med(ours, 'frames'):.0f}, {med(ours, 'distinct'):.0f} distinct "
                 f"(bare {med(bare, 'frames'):.0f}, {med(bare, 'distinct'):.0f})")  # fmt: skip
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/me_demo")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDBILL", "DATABASE_URL"))}
    env |= {"TERM": "xterm-256color", "MEDBILL_DATA_DIR": args.data_dir, "COLUMNS": "80",
            "LINES": "24"}  # fmt: skip
    medbill = str(Path(sys.executable).with_name("medbill"))
    print(f"load average {os.getloadavg()[0]:.1f}; {RATE * 8 // 1024} kbit/s, "
          f"{ONE_WAY * 2000:.0f} ms round trip; data dir {args.data_dir}")  # fmt: skip

    bare_term = SlowTerminal([sys.executable, "-c", BARE_SCREENS], env)
    bare_term.read_until(b"Row 1 ", 60)
    bare = session(bare_term, Action(0, 0, 0, 0, 0), args.rounds)
    bare_term.close()

    term = SlowTerminal([medbill], env)
    term.read_until(COUNTS, 120)
    settle(term)
    opened = act(term, b"3", b"Row 1 ")
    ours = session(term, opened, args.rounds)
    term.close()

    print(f"{'open the queue (3)':<24} readable {opened.readable * 1000:5.0f} ms, last byte "
          f"{opened.done * 1000:5.0f} ms, {opened.size} bytes, {opened.frames} frames "
          f"({opened.distinct} distinct)")  # fmt: skip
    for name in ("move down", "open a denial", "go back", "move right after back"):
        report(name, ours[name], bare[name])
    for name in ("open a denial", "go back"):
        each = (f"{a.readable * 1000:.0f} ms/{a.size} B/{a.frames} fr" for a in ours[name])
        print(f"{name:<22} each: " + ", ".join(each))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
