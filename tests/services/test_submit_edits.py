"""Submitting runs the front-end edits: a claim that fails one is never written or sent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.submissions import SubmissionFailed, SubmissionService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster

UNBALANCE_A_LINE = """
    UPDATE claim_line SET amount = amount + 1
    WHERE claim_id = (SELECT min(id) FROM claim WHERE status = 'ready') AND line_no = 1
    RETURNING (SELECT claim_no FROM claim WHERE id = claim_line.claim_id)"""
"""A claim whose first line no longer adds up to its total, as a bad edit of the row would."""

SENT = """
    SELECT (SELECT count(*) FROM claim WHERE status = 'ready'), (SELECT count(*) FROM submission),
           (SELECT count(*) FROM edi_file)"""


def test_a_claim_that_fails_an_edit_is_not_sent_and_is_named(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        claim_no = conn.execute(text(UNBALANCE_A_LINE)).scalar_one()
        before = conn.execute(text(SENT)).one()
    with pytest.raises(SubmissionFailed) as caught:
        SubmissionService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path).submit()
    message = str(caught.value)
    assert message.startswith(f"Nothing was sent: claim {claim_no}, 2300 claim: the claim total ")
    assert "is not the sum of its line charges" in message and "(edit CLAIM-TOTAL)" in message
    with demo_engine.connect() as conn:
        assert conn.execute(text(SENT)).one() == before
    assert list(tmp_path.iterdir()) == []


def test_the_other_claims_go_out_once_the_claim_is_set_right(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        claim_no = conn.execute(text(UNBALANCE_A_LINE)).scalar_one()
    sender = SubmissionService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path)
    with pytest.raises(SubmissionFailed, match=claim_no):
        sender.submit()
    with demo_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE claim_line SET amount = amount - 1 WHERE line_no = 1 AND claim_id = "
                "(SELECT id FROM claim WHERE claim_no = :n)"
            ),
            {"n": claim_no},
        )
    run = sender.submit()
    assert run.claims > 0 and claim_no in Path(run.files[0].path).read_text()


def test_claims_submit_exits_1_naming_claim_loop_and_rule(
    pg: PgCluster, demo_template: str, tmp_path: Path
) -> None:
    name = f"edits_{os.getpid()}"
    url = pg.create_database(name, template=demo_template)
    try:
        engine = make_engine(url, pool_size=1)
        with engine.begin() as conn:
            claim_no = conn.execute(text(UNBALANCE_A_LINE)).scalar_one()
        engine.dispose()
        out = tmp_path / "out"
        result = medbill("claims", "submit", "--out", str(out), url=url, MEDBILL_TODAY="2026-11-02")
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert f"claim {claim_no}, 2300 claim:" in result.stderr
        assert "(edit CLAIM-TOTAL)" in result.stderr and "Traceback" not in result.stderr
        assert not out.exists() or list(out.iterdir()) == []
    finally:
        pg.drop_database(name)
