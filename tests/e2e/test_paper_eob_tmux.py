"""A paper EOB keyed and posted in the real `medbill` in tmux at 80x24: inbox, e, the check,
one claim found by its number, its lines, then post."""

from __future__ import annotations

from pathlib import Path

from medbill_tui.db.engine import make_engine
from tests.e2e.tmux import TODAY, Pane, medbill_env, needs_tmux, run_medbill, wait_for
from tests.ui.test_paper_eob_screen import open_claims

pytestmark = [needs_tmux]


def test_a_paper_eob_posts_at_80x24(db_url: str, tmp_path: Path) -> None:
    env = medbill_env(db_url, tmp_path)
    run_medbill(["demo", "--encounters", "300", "--no-tui", "--today", TODAY], env, tmp_path)
    engine = make_engine(db_url)
    payer, [claim] = open_claims(engine, 1)
    engine.dispose()
    pane = Pane(tmp_path, env)

    def data(value: str) -> None:
        pane.tmux("send-keys", "-t", "e2e", "-l", value)

    try:
        wait_for(pane, "Work queues for")
        pane.send("6")
        wait_for(pane, "medbill — Inbox", "e Paper EOB")
        pane.send("e")
        wait_for(pane, "Paper EOB", "Payer")
        for value in (payer, "TMUX1", "10/15/2026", str(claim.paid)):
            data(value)
            pane.send("Enter")
        data(claim.claim_no)
        pane.send("Enter")
        wait_for(pane, f"{claim.claim_no} ")
        for line in claim.lines:
            for value in (str(line.allowed), str(line.paid), line.adjustments):
                data(value)
                pane.send("Enter")
            pane.send("Enter")
            pane.send("Enter")
        wait_for(pane, "balances")
        pane.send("Enter")
        wait_for(pane, "Post check TMUX1")
        pane.send("y")
        wait_for(pane, "Posted check TMUX1")
    finally:
        pane.close()
