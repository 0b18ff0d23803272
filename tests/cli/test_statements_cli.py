"""`medbill statements run|collections|hold|release` as a real process on the demo practice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster

TODAY = {"MEDBILL_TODAY": DEMO_TODAY.isoformat()}


@pytest.fixture
def demo_url(pg: PgCluster, demo_template: str) -> Iterator[str]:
    name = f"stm_{os.getpid()}"
    yield pg.create_database(name, template=demo_template)
    pg.drop_database(name)


def scalar(url: str, sql: str, **params: object) -> object:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar_one()
    engine.dispose()
    return value


WRITTEN = ("SELECT (SELECT count(*) FROM statement_run) + (SELECT count(*) FROM dunning_event) "
           "+ (SELECT count(*) FROM audit_event)")  # fmt: skip

GUARANTOR_BALANCE = """
    SELECT coalesce(sum(le.amount), 0) FROM ledger_entry le JOIN patient p ON p.id = le.patient_id
    JOIN patient g ON g.id = coalesce(p.guarantor_id, p.id)
    WHERE le.responsibility = 'patient' AND le.posted_at < :cutoff AND g.account_no = ANY(:accounts)
"""


def test_dry_run_lists_statements_and_writes_nothing(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "st"
    before = scalar(demo_url, WRITTEN)
    result = medbill("statements", "run", "--dry-run", "--format", "json", "--out", str(out),
                     url=demo_url, **TODAY)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["folder"] is None and data["as_of"] == str(DEMO_TODAY)
    sends = [e for e in data["entries"] if e["action"] == "send"]
    assert data["statements"] == len(sends) > 0
    assert all(e["step"] == "first" and Decimal(e["balance"]) >= Decimal("5.00") for e in sends)
    assert Decimal(data["amount"]) == sum(Decimal(e["balance"]) for e in sends)
    cutoff = datetime.combine(DEMO_TODAY + timedelta(days=1), time(), UTC)
    ledger = scalar(demo_url, GUARANTOR_BALANCE, cutoff=cutoff,
                    accounts=[e["account"] for e in sends])  # fmt: skip
    assert Decimal(data["amount"]) == ledger
    assert scalar(demo_url, WRITTEN) == before and not out.exists()
    plain = medbill("statements", "run", "--dry-run", url=demo_url, **TODAY)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith(f"as of {DEMO_TODAY}: would send {len(sends)} statement(s)")
    assert max(len(line) for line in plain.stdout.splitlines()) <= 80


def test_run_writes_files_and_a_rerun_sends_nothing_twice(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "st"
    env = {**TODAY, "MEDBILL_STATEMENTS": str(out)}
    first = medbill("statements", "run", "--format", "json", url=demo_url, **env)
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    folder = Path(data["folder"])
    assert folder.parent == out and folder.name == f"{DEMO_TODAY}_run{data['run_id']}"
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(Path(e["file"]).name for e in data["entries"] if e["action"] == "send")
    assert len(written) == data["statements"] > 0
    again = medbill("statements", "run", url=demo_url, **env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"as of {DEMO_TODAY}: sent 0 statement(s) for 0.00")
    assert f"not due yet: {data['statements']} account(s)" in again.stdout
    assert scalar(demo_url, "SELECT count(*) FROM dunning_event") == data["statements"]
    assert scalar(demo_url, "SELECT count(*) FROM audit_event WHERE action = 'statements.run'") == 2
    assert sorted(p.name for p in out.iterdir()) == [folder.name]


def test_bad_and_future_dates_exit_2_and_write_nothing(demo_url: str, tmp_path: Path) -> None:
    before = scalar(demo_url, WRITTEN)
    out = str(tmp_path / "st")
    for as_of, words in (
        ("2026-13-01", "--as-of '2026-13-01' is not a real day of the calendar"),
        ("11/02/2026", "--as-of '11/02/2026' is not a date: use YYYY-MM-DD"),
        ((DEMO_TODAY + timedelta(days=1)).isoformat(), "is in the future (today is 2026-11-02)"),
    ):
        result = medbill("statements", "run", "--as-of", as_of, "--out", out, url=demo_url, **TODAY)
        assert result.returncode == 2 and words in result.stderr and result.stdout == ""
    assert scalar(demo_url, WRITTEN) == before and not Path(out).exists()


def test_hold_release_and_collections_commands(demo_url: str, tmp_path: Path) -> None:
    env = {**TODAY, "MEDBILL_STATEMENTS": str(tmp_path / "st")}
    dry = json.loads(medbill("statements", "run", "--dry-run", "--format", "json",
                             url=demo_url, **env).stdout)  # fmt: skip
    account = next(e["account"] for e in dry["entries"] if e["action"] == "send")
    held = medbill(
        "statements", "hold", account.lower(), "--reason", "insurance appeal", url=demo_url, **env
    )
    assert held.returncode == 0 and held.stdout.strip() == f"{account}: on statement hold"
    again = medbill("statements", "hold", account, "--reason", "x", url=demo_url, **env)
    assert (
        again.returncode == 1 and f"Account {account} is already on statement hold" in again.stderr
    )
    dry = json.loads(medbill("statements", "run", "--dry-run", "--format", "json",
                             url=demo_url, **env).stdout)  # fmt: skip
    entry = next(e for e in dry["entries"] if e["account"] == account)
    assert entry["action"] == "skip"
    assert entry["reason"] == f"on statement hold: {account} (insurance appeal)"
    released = medbill("statements", "release", account, url=demo_url, **env)
    assert released.returncode == 0 and "statement hold released" in released.stdout
    listed = medbill("statements", "collections", url=demo_url, **env)
    assert listed.returncode == 0 and listed.stdout.startswith("proposed for collections: 0")
    refused = medbill("statements", "collections", "--confirm", account, url=demo_url, **env)
    assert refused.returncode == 1
    assert f"Account {account} is not proposed for collections (new balance)" in refused.stderr
