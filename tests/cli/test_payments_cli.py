"""`medbill payments post|refund` as a real process: dry run, post, refund, refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.factories import Builder


def test_post_refund_and_refusals(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Desk", account="D0001")
        e = b.encounter(p, date(2026, 9, 1), status="billed")
        b.ledger(p, e, "25.00", date(2026, 9, 1), responsibility="patient")
    engine.dispose()
    env = {"MEDBILL_DATA_DIR": str(tmp_path), "MEDBILL_TODAY": "2026-11-02"}
    dry = medbill("payments", "post", "d0001", "30", "--method", "cash", "--dry-run",
                  url=db_url, **env)  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert (
        "would apply 30.00 to D0001" in dry.stdout and "credit on the account: 5.00" in dry.stdout
    )
    assert not (tmp_path / "receipts").exists()
    posted = medbill("payments", "post", "D0001", "30", "--method", "check", "--ref", "77",
                     "--format", "json", url=db_url, **env)  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    body = json.loads(posted.stdout)
    assert body["credit"] == "5.00" and body["balance_after"] == "-5.00"
    assert Path(body["receipt"]).read_text().count("check 77") == 1
    too_much = medbill("payments", "refund", "D0001", "6", "--method", "cash", url=db_url, **env)
    assert too_much.returncode == 1 and "credit of 5.00" in too_much.stderr
    refund = medbill("payments", "refund", "D0001", "5", "--method", "cash", url=db_url, **env)
    assert refund.returncode == 0, refund.stderr
    assert refund.stdout.startswith("refund ")
    nobody = medbill("payments", "post", "Z9", "5", "--method", "cash", url=db_url, **env)
    assert nobody.returncode == 1 and "no account 'Z9'" in nobody.stderr
    usage = medbill("payments", "post", "D0001", "5", url=db_url, **env)
    assert usage.returncode == 2 and "--method" in usage.stderr
