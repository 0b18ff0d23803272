"""The real binary on an empty database at 80x24: the admin sets the practice up in the
first-run form (a wrong NPI is flagged as typed), ctrl+s, and the dashboard follows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.e2e.tmux import Pane, medbill_env, needs_tmux, wait_for
from tests.ui.test_practice_setup_ui import ENTRIES

pytestmark = needs_tmux


def test_the_first_run_sets_the_practice_up(db_url: str, tmp_path: Path) -> None:
    pane = Pane(tmp_path, medbill_env(db_url, tmp_path))
    try:
        wait_for(pane, "Set up your practice", "Provider NPI", "First payer")
        pane.send(ENTRIES[0])
        pane.send("Tab")
        pane.send("2123456785")
        wait_for(pane, "✗ NPI: 2123456785 fails the NPI check digit")
        pane.send("BSpace")
        pane.send("4")
        for entry in ENTRIES[2:]:
            pane.send("Tab")
            pane.send(entry)
        assert "✗" not in wait_for(pane, "Appeal days 120")
        pane.send("C-s")
        wait_for(pane, "Work queues for", "Practice set up")
        pane.send("q")
        assert pane.exit_code() == 0
    finally:
        pane.close()
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM practice")).scalar_one() == ENTRIES[0]
    engine.dispose()
