"""The exchange from the inbox screen with the real `medbill` in tmux at 80x24 and a real sshd:
`x` sends the claim file, the sandbox clearinghouse answers, `x` fetches and imports them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_LOGIN
from tests.e2e.tmux import TODAY, Pane, medbill_env, needs_tmux, run_medbill, wait_for
from tests.sftp_server import make_key, missing_reason, new_server, sandbox_answers, write_settings

pytestmark = [
    needs_tmux,
    pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason())),
]


def test_x_on_the_inbox_sends_then_fetches_and_imports(db_url: str, tmp_path: Path) -> None:
    server = new_server(tmp_path / "server", TEST_LOGIN)
    key = make_key(tmp_path / "user_key")
    server.authorize(key)
    server.start()
    env = medbill_env(db_url, tmp_path)
    write_settings(tmp_path / "settings", server, key)
    env["MEDBILL_EXCHANGE"] = str(tmp_path / "settings" / "clearinghouse.toml")
    run_medbill(["demo", "--encounters", "300", "--no-tui", "--today", TODAY], env, tmp_path)
    run_medbill(["claims", "create"], env, tmp_path)
    run_medbill(["claims", "submit"], env, tmp_path)
    pane = Pane(tmp_path, env)
    try:
        wait_for(pane, "Work queues for")
        pane.send("6")
        wait_for(pane, "medbill — Inbox", "x Exchange")
        pane.send("x")
        wait_for(pane, "Sent 1 file, fetched 0 answers")
        answers = sandbox_answers(server, tmp_path / "sandbox")
        pane.send("x")
        screen = wait_for(pane, f"fetched {len(answers)} answers, imported {len(answers)}")
        assert "imported before" in screen
    finally:
        pane.close()
        server.stop()
