"""A biller's day with the real `medbill` in tmux at 80x24, read off the screen at each step:
the dashboard, a claim for a clean encounter, sending it, the sandbox clearinghouse's answers
imported from the inbox, a denial resubmitted, and the balances queue's aging line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import TODAY, Pane, medbill_env, needs_tmux, run_medbill, wait_for

pytestmark = needs_tmux

DASHBOARD = ("Work queues for", "Outstanding balances", "items")


@pytest.fixture
def day(db_url: str, tmp_path: Path) -> Iterator[tuple[Pane, dict[str, str], Path]]:
    env = medbill_env(db_url, tmp_path)
    run_medbill(["demo", "--encounters", "300", "--no-tui", "--today", TODAY], env, tmp_path)
    pane = Pane(tmp_path, env)
    yield pane, env, tmp_path
    pane.close()


def clean_row(screen: str) -> tuple[int, str, str]:
    """The first unbilled row whose scrub says ok: (its index, patient, charges)."""
    lines = screen.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("DOS"))
    rows = [line for line in lines[header + 1 :] if re.match(r"\s*\d\d/\d\d/\d{4} ", line)]
    for index, line in enumerate(rows):
        if line.rstrip().endswith(" ok"):
            patient = line[12:30].strip().rstrip("…")
            charges = line.split()[-3]
            return index, patient, charges
    raise AssertionError(f"no clean encounter on the unbilled screen:\n{screen}")


def test_a_billers_day(day: tuple[Pane, dict[str, str], Path]) -> None:
    pane, env, root = day
    wait_for(pane, *DASHBOARD, "Unbilled encounters", "Pending claims", "Denials")

    # keys typed ahead, each burst in one write: none is lost, Escape + a digit is two keys
    pane.burst("?", "Escape", "4")
    screen = wait_for(pane, "medbill — Outstanding balances", "Aging 0-30")
    assert "Keys:" not in screen  # the help closed
    pane.burst("Escape", "3", "n", "Escape", "2")  # take a denial, give it back, leave
    screen = wait_for(pane, "medbill — Pending claims", "Row 1 ·")
    assert "Denial · claim" not in screen
    pane.send("Escape")
    wait_for(pane, *DASHBOARD)

    # 1: unbilled; a claim for a clean encounter
    pane.send("1")
    screen = wait_for(pane, "medbill — Unbilled encounters", " ok")
    index, patient, charges = clean_row(screen)
    for _ in range(index):
        pane.send("Down")
    wait_for(pane, f"Row {index + 1} ·")
    pane.send("c")
    wait_for(pane, "Create claims: encounter", charges)
    pane.send("y")
    wait_for(pane, "Claims created", f"Created 1 claim, {charges}")

    # 2: pending claims shows it ready; send
    pane.send("2")
    wait_for(pane, "medbill — Pending claims")
    pane.send("End")
    screen = wait_for(pane, " ready ")
    mine = [
        line
        for line in screen.splitlines()
        if " ready " in line and patient[:8] in line and line.rstrip().endswith(charges)
    ]
    assert mine, f"the new claim ({patient}, {charges}) is not ready:\n{screen}"
    pane.send("s")
    wait_for(pane, "ready claim", "y  send")
    pane.send("y")
    wait_for(pane, "Claims sent")
    files = sorted((root / "outbox").glob("*.x12"))
    assert len(files) == 1 and files[0].name.startswith("837P_")
    assert files[0].read_text().startswith("ISA")

    # the sandbox clearinghouse answers: 999, 277CA, 835 in the inbox
    run_medbill(["sandbox", "respond", str(files[0]), "--out", str(root / "inbox"),
                 "--seed", "1", "--reject-rate", "0"], env, root)  # fmt: skip
    # (no rejections: with one claim a 2.5% chance of a rejected set would leave no 835)
    assert len(list((root / "inbox").glob("*.x12"))) == 3

    # 6: inbox; mark the three files and import them
    pane.send("6")
    wait_for(pane, "3 files in the inbox", "999", "277CA", "835")
    for marked in range(1, 4):
        pane.send("Space")
        wait_for(pane, *(["✓"] * marked))
        assert pane.screen().count("✓") == marked
    pane.send("i")
    wait_for(pane, "Import 3 files: post", "payment", "Yes, import 3 files")
    pane.send("y")
    screen = wait_for(pane, "imported 999", "imported 277CA", "imported 835")
    # one handler fills both columns, so the screen that shows the results shows the kinds
    assert screen.count("imported now") == 3 and "imported before" not in screen, screen

    # 3: denials; open the first and resubmit it
    pane.send("3")
    wait_for(pane, "medbill — Denials", "Route", "Denied")
    pane.send("Enter")
    screen = wait_for(pane, "Denial · claim", "Resubmit")
    denied = re.search(r"Denial · claim (\S+)", screen)
    assert denied is not None
    pane.send("r")
    wait_for(pane, "Make a corrected claim")
    pane.send("y")
    screen = wait_for(pane, "Resubmitted", "resubmitted as")
    corrected = re.search(r"resubmitted as (\S+)", screen)
    assert corrected is not None and corrected.group(1) != denied.group(1)

    # the corrected claim waits in pending claims, ready to send
    pane.send("2")
    wait_for(pane, "medbill — Pending claims")
    pane.send("End")
    screen = wait_for(pane, corrected.group(1))
    assert any(corrected.group(1) in line and " ready " in line for line in screen.splitlines())

    # 4: balances and their aging line
    pane.send("4")
    wait_for(pane, "medbill — Outstanding balances", "Aging 0-30", "31-60", "120+")

    # back to the dashboard and quit
    pane.send("Escape")
    wait_for(pane, *DASHBOARD)
    pane.send("q")
    assert pane.exit_code() == 0
