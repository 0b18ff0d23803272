"""A session that ends under the biller, with the real `medbill` in tmux at 80x24: halfway
through a new encounter (a patient picked, a diagnosis typed) and holding a denial taken on
the command line, the process gets SIGHUP (the SSH connection dropped) or SIGTERM (shutdown),
or the terminal itself goes away. The process ends, the typed encounter is kept as a draft,
the denial stays held (a CLI lease is not the app session's to free; that a session frees its
own is covered by tests/services/test_leases.py) and the logout audit row says why. (That
the next session offers the draft back is covered by tests/ui/test_drafts.py.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from tests.conftest import TEST_LOGIN
from tests.e2e.tmux import TODAY, WAIT, Pane, medbill_env, needs_tmux, run_medbill, wait_for

pytestmark = needs_tmux


class Session:
    """A demo practice, a denial taken by the biller (CLI), and the app open in tmux."""

    def __init__(self, db_url: str, root: Path) -> None:
        self.env = medbill_env(db_url, root)
        self.root = root
        run_medbill(["demo", "--encounters", "120", "--no-tui", "--today", TODAY],
                    self.env, root)  # fmt: skip
        self.engine: Engine = make_engine(db_url, pool_size=1)
        taken = run_medbill(["work", "next", "denials", "--format", "json"], self.env, root)
        lease = json.loads(taken)
        assert lease is not None and lease["owner"] == TEST_LOGIN
        self.work_item_id = int(lease["work_item_id"])
        self.patient = self.one(
            "SELECT p.last_name || ', ' || p.first_name FROM patient p "
            "JOIN coverage cv ON cv.patient_id = p.id AND cv.priority = 1 "
            "WHERE cv.effective_to IS NULL ORDER BY p.id LIMIT 1"
        )
        self.patient_id = int(self.one(
            "SELECT id FROM patient WHERE last_name || ', ' || first_name = :n", n=self.patient
        ))  # fmt: skip
        self.pane = Pane(root, self.env)

    def one(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def medbill_pid(self) -> int:
        """The medbill process: the child of the pane's shell."""
        shell = self.pane.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").strip()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True,
                                      timeout=30, check=False).stdout.split()  # fmt: skip
            if len(children) == 1:
                return int(children[0])
            time.sleep(0.3)
        raise AssertionError(f"no single medbill process under the pane's shell {shell}")

    def close(self) -> None:
        self.pane.close()
        self.engine.dispose()


@pytest.fixture
def session(db_url: str, tmp_path: Path) -> Iterator[Session]:
    made = Session(db_url, tmp_path)
    yield made
    made.close()


def gone(pid: int) -> bool:
    """The process has ended (a zombie nobody reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_gone(pid: int, pane: Pane | None) -> None:
    """Poll until the process has ended (a generous deadline; no timing is asserted)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if gone(pid):
            return
        time.sleep(0.1)
    screen = pane.screen() if pane is not None else "(the terminal is gone)"
    raise AssertionError(f"medbill {pid} is still running; the screen:\n{screen}")


def type_half_an_encounter(session: Session) -> None:
    """The unbilled queue, `a`, the patient by name, one diagnosis — and nothing saved."""
    pane = session.pane
    wait_for(pane, "Work queues for", "Unbilled encounters")
    pane.send("1")
    wait_for(pane, "medbill — Unbilled encounters")
    pane.send("a")
    wait_for(pane, "medbill — New encounter", "Pick the patient")  # the queue has "Patient" too
    pane.send(session.patient)
    wait_for(pane, session.patient.split(",")[0])
    pane.send("Enter")
    wait_for(pane, "Diagnosis 1: type the ICD-10-CM code")  # picked; the cursor is in dx 1
    pane.send("I10")
    wait_for(pane, "I10", "ypertension")


def assert_session_ended(session: Session, reason: str) -> None:
    drafts = []
    with session.engine.connect() as conn:
        drafts = conn.execute(text(
            "SELECT owner, entity, entity_id, payload FROM draft")).all()  # fmt: skip
        lease = conn.execute(
            text("SELECT owner, lease_until > now() AS live, status FROM work_item WHERE id = :i"),
            {"i": session.work_item_id},
        ).one()
        logouts = conn.execute(text(
            "SELECT actor, detail FROM audit_event WHERE action = 'logout' ORDER BY id"
        )).all()  # fmt: skip
    assert len(drafts) == 1, drafts
    draft = drafts[0]
    assert (draft.owner, draft.entity, draft.entity_id) == (TEST_LOGIN, "encounter", None)
    assert draft.payload["form"]["patient_id"] == session.patient_id
    assert draft.payload["form"]["diagnoses"] == ["I10"]
    assert (lease.owner, lease.live, lease.status) == (TEST_LOGIN, True, "open")
    assert [tuple(row) for row in logouts] == [(TEST_LOGIN, reason)]


@pytest.mark.parametrize(("sig", "reason"), [(signal.SIGHUP, "hangup"),
                                             (signal.SIGTERM, "terminated")],
                         ids=["SIGHUP", "SIGTERM"])  # fmt: skip
def test_a_signal_mid_entry_keeps_the_draft_and_frees_the_work(
    session: Session, sig: signal.Signals, reason: str
) -> None:
    type_half_an_encounter(session)
    pid = session.medbill_pid()
    os.kill(pid, sig)
    wait_gone(pid, session.pane)
    assert session.pane.exit_code() == 0
    assert_session_ended(session, reason)


def test_a_terminal_that_goes_away_mid_entry(session: Session) -> None:
    """The pty closes under the app (tmux kills the pane: the kernel hangs up the session),
    so the app's own writes to the terminal fail while it ends."""
    type_half_an_encounter(session)
    pid = session.medbill_pid()
    session.pane.tmux("kill-server")
    wait_gone(pid, None)
    assert_session_ended(session, "hangup")
