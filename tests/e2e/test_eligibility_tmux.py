"""Eligibility and claim status end to end with the real `medbill` in tmux at 80x24: ctrl+l on
the coverage screen writes a 270, the sandbox answers with a 271, `medbill import` stores it
and the panel shows the benefits (ctrl+z the raw 271 and back); `$` on the follow-up list
asks about the unpaid claims and the sandbox's 277 imports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.tmux import TODAY, Pane, medbill_env, needs_tmux, run_medbill, wait_for

pytestmark = [needs_tmux]


def _one_coverage_patient(db_url: str) -> tuple[str, str]:
    """The account and last name of a patient with one coverage, active today, as subscriber."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    """SELECT p.account_no, p.last_name FROM patient p
                       JOIN coverage cv ON cv.patient_id = p.id
                       WHERE cv.relationship = '18' AND cv.effective_to IS NULL
                         AND (SELECT count(*) FROM coverage o WHERE o.patient_id = p.id) = 1
                       ORDER BY p.id LIMIT 1"""
                )
            ).one()
    finally:
        engine.dispose()
    return str(row.account_no), str(row.last_name)


def _outcome(answer_271: str) -> str:
    """What the panel will say the sandbox answered."""
    if "AAA*" in answer_271:
        return "rejected"
    return "inactive" if "EB*6*" in answer_271 else "active"


def test_eligibility_from_the_coverage_screen_and_status_from_the_followups(
    db_url: str, tmp_path: Path
) -> None:
    env = medbill_env(db_url, tmp_path)
    run_medbill(["demo", "--encounters", "300", "--no-tui", "--today", TODAY], env, tmp_path)
    account, last_name = _one_coverage_patient(db_url)
    outbox, answers = tmp_path / "outbox", tmp_path / "answers"
    pane = Pane(tmp_path, env)
    try:
        wait_for(pane, "Work queues for")
        pane.send("5")
        wait_for(pane, "Find a patient")
        pane.burst(account)
        wait_for(pane, account, last_name)
        pane.send("Enter")
        wait_for(pane, "Coverages", "Prior authorizations")
        pane.send("BTab")  # back from the first field: the authorizations, then coverages
        pane.send("BTab")
        wait_for(pane, "n New coverage")
        pane.send("Enter")
        wait_for(pane, "Edit coverage", "Eligibility: never checked")
        pane.send("C-l")
        wait_for(pane, "Eligibility: asked 11/02/2026, no answer yet")
        (asked,) = outbox.glob("270_*.x12")

        run_medbill(["sandbox", "respond", "--out", str(answers), "--seed", "1", str(asked)],
                    env, tmp_path)  # fmt: skip
        (answer,) = answers.glob("*.271.x12")
        imported = run_medbill(["import", str(answer)], env, tmp_path)
        assert "(271):" in imported
        pane.send("C-z")
        wait_for(pane, "ST*271*")
        pane.send("C-z")
        outcome = _outcome(answer.read_text(encoding="ascii"))
        screen = wait_for(pane, f"Eligibility: {outcome} (verified 11/02/2026")
        if outcome == "active":
            assert "copay" in screen and "deductible" in screen

        pane.send("Escape")
        wait_for(pane, "Coverages", "Prior authorizations")
        pane.send("Escape")
        wait_for(pane, "Find a patient")
        pane.send("Escape")
        wait_for(pane, "Work queues for")
        pane.send("w")
        wait_for(pane, "follow-ups due", "$ Ask")
        pane.send("$")
        wait_for(pane, "Status request for")
        (status,) = outbox.glob("276_*.x12")
        run_medbill(["sandbox", "respond", "--out", str(answers), "--seed", "1", str(status)],
                    env, tmp_path)  # fmt: skip
        (answer_277,) = answers.glob("*.277.x12")
        assert "(277):" in run_medbill(["import", str(answer_277)], env, tmp_path)
    finally:
        pane.close()
