"""Ctrl+C during `medbill demo`, as a real process on a terminal: "cancelled", exit 130,
the database as it was."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.conftest import PgCluster

STATE = (
    "SELECT (SELECT count(*) FROM patient), (SELECT count(*) FROM claim), "
    "(SELECT max(id) FROM audit_event), (SELECT count(*) FROM audit_event), "
    "(SELECT sum(amount) FROM ledger_entry)"
)


def _state(url: str) -> tuple[object, ...]:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        row = tuple(conn.execute(text(STATE)).one())
    engine.dispose()
    return row


def _ctrl_c_as_at_a_terminal() -> None:
    """A shell gives its foreground job the default SIGINT; a run started in the background
    (nohup, `&`, some CI runners) passes SIGINT ignored, and the child rightly keeps ignoring
    it, so the test sets what a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _read_until(fd: int, words: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while words not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_ctrl_c_while_loading_cancels_and_changes_nothing(
    pg: PgCluster, demo_template: str
) -> None:
    name = f"demo_cancel_{os.getpid()}"
    url = pg.create_database(name, template=demo_template)
    try:
        before = _state(url)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))}
        env["DATABASE_URL"] = url
        leader, follower = pty.openpty()  # a terminal on stderr: the progress line shows
        proc = subprocess.Popen(
            [sys.executable, "-m", "medbill_tui", "demo", "--no-tui", "--encounters", "50000"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env,
            preexec_fn=_ctrl_c_as_at_a_terminal,
        )  # fmt: skip
        os.close(follower)
        try:
            started = _read_until(leader, b"Loading demo practice:", 120)
            assert b"Loading demo practice:" in started, started
            proc.send_signal(signal.SIGINT)
            status = proc.wait(timeout=120)
            # the process has ended: read all it wrote (up to EOF), not only to the first
            # newline, which may be the progress line's own end in a chunk of its own
            said = (started + _read_until(leader, b"as it was", 10)).decode(errors="replace")
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(leader)
        assert status == 130, said
        assert "medbill: demo load cancelled; the database is as it was" in said
        assert "Traceback" not in said
        assert _state(url) == before
    finally:
        pg.drop_database(name)
