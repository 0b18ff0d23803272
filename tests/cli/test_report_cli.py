"""`medbill report aging|denials|payments|productivity` as a real process on the demo practice."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, PgCluster

TODAY = {"MEDBILL_TODAY": DEMO_TODAY.isoformat()}


@pytest.fixture(scope="module")
def demo_url(pg: PgCluster, demo_template: str) -> Iterator[str]:
    """One copy of the demo practice for this module (the reports only read it)."""
    name = f"rpt_{os.getpid()}"
    yield pg.create_database(name, template=demo_template)
    pg.drop_database(name)


def ledger_sum(url: str, before: datetime) -> Decimal:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        total = conn.execute(
            text("SELECT sum(amount) FROM ledger_entry WHERE posted_at < :b"), {"b": before}
        ).scalar_one()
    engine.dispose()
    return Decimal(total)


def test_aging_json_buckets_sum_to_the_ledger(demo_url: str) -> None:
    as_of = DEMO_TODAY - timedelta(days=10)
    result = medbill("report", "aging", "--as-of", as_of.isoformat(), "--format", "json",
                     url=demo_url, **TODAY)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    buckets = data["buckets"]
    assert list(buckets) == ["0-30", "31-60", "61-90", "91-120", "120+"]
    assert all(isinstance(b["amount"], str) for b in buckets.values())
    total = Decimal(data["total"]["amount"])
    assert total == sum(Decimal(b["amount"]) for b in buckets.values())
    assert data["total"]["count"] == sum(b["count"] for b in buckets.values())
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), UTC)
    assert total == ledger_sum(demo_url, cutoff)
    assert total == sum(Decimal(r["total"]["amount"]) for r in data["rows"])


def test_aging_plain_csv_and_by_payer(demo_url: str) -> None:
    plain = medbill("report", "aging", url=demo_url, **TODAY)
    assert plain.returncode == 0, plain.stderr
    assert f"Aging as of {DEMO_TODAY}" in plain.stdout and "91-120" in plain.stdout
    assert max(len(line) for line in plain.stdout.splitlines()) <= 80
    by_payer = medbill("report", "aging", "--by-payer", url=demo_url, **TODAY)
    assert "primary:" in by_payer.stdout and "Medicare" in by_payer.stdout
    assert max(len(line) for line in by_payer.stdout.splitlines()) <= 80
    rows = list(csv.reader(io.StringIO(
        medbill("report", "aging", "--format", "csv", url=demo_url, **TODAY).stdout)))  # fmt: skip
    assert rows[0][:4] == ["responsibility", "payer", "0-30 count", "0-30 amount"]
    assert rows[-1][0] == "total"
    assert Decimal(rows[-1][-1]) == sum(Decimal(r[-1]) for r in rows[1:-1])


def test_payments_json_totals_equal_the_ledger(demo_url: str) -> None:
    start = DEMO_TODAY - timedelta(days=29)
    result = medbill("report", "payments", "--from", start.isoformat(), "--to",
                     DEMO_TODAY.isoformat(), "--format", "json", url=demo_url, **TODAY)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    engine = make_engine(demo_url, pool_size=1)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, sum(amount) FROM ledger_entry WHERE posted_at >= :s "
                 "AND posted_at < :e GROUP BY kind"),
            {"s": datetime.combine(start, time(), UTC),
             "e": datetime.combine(DEMO_TODAY + timedelta(days=1), time(), UTC)},
        ).all()  # fmt: skip
    engine.dispose()
    ledger = {kind: Decimal(total) for kind, total in rows}
    assert {k: Decimal(v["sum"]) for k, v in data["ledger"].items() if v["rows"]} == ledger
    assert Decimal(data["totals"]["payments"]) == -ledger["payment"]
    assert Decimal(data["totals"]["payments"]) == sum(Decimal(p["amount"]) for p in data["payers"])


@pytest.mark.parametrize("name", ["denials", "payments", "productivity"])
def test_period_reports_in_every_format(demo_url: str, name: str) -> None:
    start = (DEMO_TODAY - timedelta(days=89)).isoformat()
    for fmt in ("plain", "csv", "json"):
        result = medbill("report", name, "--from", start, "--format", fmt, url=demo_url, **TODAY)
        assert result.returncode == 0, result.stderr
        if fmt == "json":
            data = json.loads(result.stdout)
            assert data["report"] == name and data["from"] == start
            assert data["to"] == DEMO_TODAY.isoformat()
        elif fmt == "csv":
            assert len(list(csv.reader(io.StringIO(result.stdout)))) > 1
        else:
            assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("aging", "--as-of", "2026-02-30"), "not a real day"),
        (("aging", "--as-of", "11/02/2026"), "YYYY-MM-DD"),
        (("aging", "--as-of", "2026-11-03"), "in the future"),
        (("denials", "--from", "2026-11-02", "--to", "2026-11-01"), "after the end date"),
        (("denials", "--to", "2026-11-03"), "end date 2026-11-03 is in the future"),
        (("payments", "--to", "yesterday"), "not a date"),
        (("productivity", "--from", "2026-1-1"), "YYYY-MM-DD"),
    ],
)
def test_bad_dates_exit_2_with_one_line(demo_url: str, args: tuple[str, ...], words: str) -> None:
    result = medbill("report", *args, url=demo_url, **TODAY)
    assert result.returncode == 2
    assert result.stdout == "" and words in result.stderr
    assert result.stderr.startswith("medbill: ") and "Traceback" not in result.stderr


def test_a_reader_that_stops_early_gets_no_traceback(demo_url: str) -> None:
    """`medbill report … | head -1`: the report stops quietly when the pipe closes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))}
    env.update(TODAY, DATABASE_URL=demo_url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbill_tui", "report", "payments", "--from", "2026-01-01",
         "--format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # the header, then the reader goes away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141)  # 0 if it had written everything already
    assert "Traceback" not in err and "BrokenPipe" not in err
