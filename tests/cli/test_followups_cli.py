"""`medbill followups due` as a real process on a copy of the demo practice."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster

TODAY = {"MEDBILL_TODAY": DEMO_TODAY.isoformat()}


@pytest.fixture(scope="module")
def demo_url(pg: PgCluster, demo_template: str) -> Iterator[str]:
    """One copy of the demo practice for this module (the command only reads it)."""
    name = f"fu_{os.getpid()}"
    yield pg.create_database(name, template=demo_template)
    pg.drop_database(name)


def open_followups_due(url: str) -> int:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        count = conn.execute(text(
            "SELECT count(*) FROM work_item WHERE kind = 'followup' AND status = 'open' "
            "AND coalesce(due_on, opened_on) <= :d"), {"d": DEMO_TODAY}).scalar_one()  # fmt: skip
    engine.dispose()
    return int(count)


def test_due_json_lists_deadlines_first(demo_url: str) -> None:
    result = medbill("followups", "due", "--format", "json", url=demo_url, **TODAY)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == DEMO_TODAY.isoformat()
    items = data["items"]
    assert data["count"] == len(items) > 0
    followups = [i for i in items if i["kind"] == "followup"]
    assert len(followups) == open_followups_due(demo_url)
    order = ["denial deadline", "accepted, unpaid", "follow-up"]
    ranks = [order.index(i["priority"]) for i in items]
    assert ranks == sorted(ranks)
    for item in items:
        Decimal(item["owed"])  # a decimal string
        if item["kind"] == "denial":
            assert item["due_on"] <= (DEMO_TODAY + timedelta(days=7)).isoformat()
        else:
            assert item["due_on"] <= DEMO_TODAY.isoformat()


def test_due_plain_fits_80_columns_and_bad_dates_exit_2(demo_url: str) -> None:
    plain = medbill("followups", "due", url=demo_url, **TODAY)
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("Claim/Acct") and "follow-up(s) as of" in lines[-1]
    assert max(len(line) for line in lines) <= 80
    earlier = medbill("followups", "due", "--as-of", "2026-06-01", "--format", "json",
                      url=demo_url, **TODAY)  # fmt: skip
    assert earlier.returncode == 0, earlier.stderr
    assert json.loads(earlier.stdout)["count"] < len(lines)
    for bad, words in (("11/02/2026", "is not a date"), ("2026-12-01", "in the future")):
        result = medbill("followups", "due", "--as-of", bad, url=demo_url, **TODAY)
        assert result.returncode == 2
        assert words in result.stderr and result.stdout == ""
