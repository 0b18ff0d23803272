"""The `medbill` command run as a real process against the test PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.engine import make_engine
from tests.conftest import PgCluster
from tests.factories import Builder


def medbill(*args: str, url: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))
    }
    full_env.update(env)
    if url is not None:
        full_env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "medbill_tui", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def seeded_url(db_url: str) -> str:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        b = Builder(conn)
        p = b.patient("Ortiz")
        b.encounter(p, date(2026, 10, 1), charges=("100.00", "25.25"))
        claim = b.claim(
            p,
            date(2026, 9, 1),
            "submitted",
            created=date(2026, 9, 2),
            submitted=date(2026, 9, 2),
            amount="80.10",
        )
        denied = b.claim(p, date(2026, 8, 1), "denied", created=date(2026, 8, 1), amount="45.00")
        b.denial(denied, p[0], opened=date(2026, 9, 20), amount="45.00")
        eid = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": claim}
        ).scalar_one()
        b.ledger(p, eid, "80.10", date(2026, 9, 1))
    engine.dispose()
    return db_url


def test_report_queues_json(seeded_url: str) -> None:
    result = medbill(
        "report", "queues", "--format", "json", url=seeded_url, MEDBILL_TODAY="2026-11-02"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == {
        "unbilled": {"count": 1, "amount": "125.25"},
        "pending_claims": {"count": 1, "amount": "80.10"},
        "rejections": {"count": 0, "amount": "0.00"},
        "denials": {"count": 1, "amount": "45.00"},
        "balances": {"count": 1, "amount": "80.10"},
    }
    assert all(Decimal(v["amount"]) >= 0 for v in data.values())


def test_report_queues_csv_and_plain(seeded_url: str) -> None:
    csv_out = medbill("report", "queues", "--format", "csv", url=seeded_url)
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout.splitlines() == [
        "queue,count,amount",
        "unbilled,1,125.25",
        "pending_claims,1,80.10",
        "rejections,0,0.00",
        "denials,1,45.00",
        "balances,1,80.10",
    ]
    plain = medbill("report", "queues", url=seeded_url)
    assert plain.returncode == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines[0].split() == ["Queue", "Count", "Amount"]
    assert any(line.startswith("Unbilled encounters") and line.endswith("125.25") for line in lines)


def test_unreachable_database_is_one_line_without_password() -> None:
    result = medbill("report", "queues", url="postgresql://bob:hunter2@127.0.0.1:9/medbill")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1:9" in lines[0] and "cannot reach the database" in lines[0]
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_the_app_ends_with_the_same_one_line_when_its_sign_in_fails(pg: PgCluster) -> None:
    """Plain `medbill` paints before it connects: a database it cannot use closes the app
    and leaves the subcommands' one line and exit status (the frames went to the terminal)."""
    gone = medbill(url="postgresql://bob:hunter2@127.0.0.1:9/medbill")
    assert gone.returncode == 2, gone.stderr[-500:]
    # the last thing written, after the sequences that give the terminal back
    assert re.search(r"medbill: cannot reach the database at 127\.0\.0\.1:9[^\n]*\n$", gone.stderr)
    assert "hunter2" not in gone.stderr + gone.stdout and "Traceback" not in gone.stderr
    name = f"app_behind_{os.getpid()}"
    url = pg.create_database(name)
    try:
        behind = medbill(url=url)
        assert behind.returncode == 2 and "run `medbill db upgrade`" in behind.stderr
        assert "Traceback" not in behind.stderr
    finally:
        pg.drop_database(name)


def test_not_postgresql_url_is_refused() -> None:
    result = medbill("report", "queues", url="sqlite:///x.db")
    assert result.returncode == 2
    assert "must point at PostgreSQL" in result.stderr


def test_schema_behind_says_how_to_upgrade_and_changes_nothing(pg: PgCluster) -> None:
    name = f"behind_{os.getpid()}"
    url = pg.create_database(name)
    try:
        result = medbill("report", "queues", url=url)
        assert result.returncode == 2
        assert "medbill db upgrade" in result.stderr
        engine: Engine = make_engine(url)
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            ).scalar_one()
        engine.dispose()
        assert tables == 0
        status = medbill("db", "status", url=url)
        assert status.returncode == 0 and "none (empty database)" in status.stdout
        upgraded = medbill("db", "upgrade", url=url)
        assert upgraded.returncode == 0 and "upgraded from empty" in upgraded.stdout
        assert "up to date" in medbill("db", "status", url=url).stdout
        assert "already at" in medbill("db", "upgrade", url=url).stdout
    finally:
        pg.drop_database(name)


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["report", "queues", "--format", "xml"],
        ["demo", "--encounters", "lots"],
        ["--bogus"],
        ["db"],
    ],
)
def test_bad_usage_exits_2_with_usage(args: list[str]) -> None:
    result = medbill(*args)
    assert result.returncode == 2
    assert "usage: medbill" in result.stderr
    assert "Traceback" not in result.stderr


def test_unusable_data_dir_is_a_clear_error() -> None:
    result = medbill("db", "status", MEDBILL_DATA_DIR="/proc/medbill-data")
    assert result.returncode == 2
    assert "data folder" in result.stderr and "/proc/medbill-data" in result.stderr


def test_bad_setting_is_a_clear_error(db_url: str) -> None:
    result = medbill("report", "queues", url=db_url, MEDBILL_TODAY="yesterday")
    assert result.returncode == 2
    assert "MEDBILL_TODAY" in result.stderr


def test_codes_search_json(db_url: str) -> None:
    result = medbill("codes", "search", "E11.9", "--format", "json", url=db_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["code"] == "E11.9"
    words = medbill("codes", "search", "otitis", "media", url=db_url)
    assert words.returncode == 0 and "H6" in words.stdout


def test_codes_load_bad_file_lists_rows_and_changes_nothing(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "order.txt"
    bad.write_text("00001 E119    1 short" + " " * 55 + "Type 2 diabetes\nnot a record\n")
    result = medbill("codes", "load", str(bad), "--set", "icd10cm", url=db_url)
    assert result.returncode == 1
    assert "line 2" in result.stderr and "nothing was loaded" in result.stderr
    again = medbill("codes", "search", "I10", "--format", "json", url=db_url)
    assert json.loads(again.stdout)[0]["code"] == "I10"
    missing = medbill("codes", "load", str(tmp_path / "nope.txt"), "--set", "hcpcs", url=db_url)
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def _fees(url: str) -> dict[tuple[str, str, int | None], Decimal]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, modifier, payer_id, price FROM fee_schedule")).all()
    engine.dispose()
    return {(r.code, r.modifier, r.payer_id): Decimal(r.price) for r in rows}


def test_fees_import_previews_then_applies(seeded_url: str, tmp_path: Path) -> None:
    prices = tmp_path / "fees.csv"
    prices.write_text("code,modifier,price\n99213,,95.00\n20610,RT,120.00\n")
    preview = medbill("fees", "import", str(prices), url=seeded_url)
    assert preview.returncode == 0, preview.stderr
    assert "2 change(s) to the default schedule: 2 new" in preview.stdout
    assert "nothing changed" in preview.stdout and _fees(seeded_url) == {}
    applied = medbill("fees", "import", str(prices), "--yes", url=seeded_url)
    assert applied.returncode == 0 and "applied 2" in applied.stdout
    assert _fees(seeded_url) == {
        ("99213", "", None): Decimal("95.00"),
        ("20610", "RT", None): Decimal("120.00"),
    }
    prices.write_text("code,modifier,price\n99213,,99.00\n")
    payer = medbill("fees", "import", str(prices), "--payer", "P2", "--yes", url=seeded_url)
    assert payer.returncode == 0, payer.stderr
    assert ("99213", "", 2) in _fees(seeded_url)
    again = medbill("fees", "import", str(prices), "--payer", "P2", "--yes", url=seeded_url)
    assert "no changes" in again.stdout


def test_fees_import_bad_rows_change_nothing(seeded_url: str, tmp_path: Path) -> None:
    prices = tmp_path / "fees.csv"
    prices.write_text("code,modifier,price\n99213,,95.00\n99214,,abc\n")
    result = medbill("fees", "import", str(prices), "--yes", url=seeded_url)
    assert result.returncode == 1
    assert "line 3" in result.stderr and "nothing was changed" in result.stderr
    assert _fees(seeded_url) == {}
    prices.write_text("code,modifier,price\n99213,,95.00\n")
    unknown = medbill("fees", "import", str(prices), "--payer", "NOPE", url=seeded_url)
    assert unknown.returncode == 1 and "no payer has the payer id 'NOPE'" in unknown.stderr
    assert _fees(seeded_url) == {}


def test_claims_create_dry_run_then_for_real(pg: PgCluster, demo_template: str) -> None:
    name = f"claims_{os.getpid()}"
    url = pg.create_database(name, template=demo_template)
    try:
        dry = medbill(
            "claims", "create", "--dry-run", "--format", "json", url=url, MEDBILL_TODAY="2026-11-02"
        )
        assert dry.returncode == 0, dry.stderr
        preview = json.loads(dry.stdout)
        assert preview["dry_run"] is True and preview["created"] > 0
        assert preview["skipped"] == len(preview["skipped_encounters"])
        assert Decimal(preview["amount"]) == sum(Decimal(b["amount"]) for b in preview["by_payer"])
        real = medbill("claims", "create", url=url, MEDBILL_TODAY="2026-11-02")
        assert real.returncode == 0, real.stderr
        assert real.stdout.startswith(f"created {preview['created']} claim(s)")
        again = medbill("claims", "create", "--format", "json", url=url, MEDBILL_TODAY="2026-11-02")
        assert json.loads(again.stdout)["created"] == 0
    finally:
        pg.drop_database(name)


def _claims(url: str) -> list[tuple[int, str]]:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT encounter_id, claim_no FROM claim ORDER BY id")).all()
    engine.dispose()
    return [(r.encounter_id, r.claim_no) for r in rows]


def test_claims_create_for_an_unknown_or_billed_encounter_says_why(seeded_url: str) -> None:
    before = _claims(seeded_url)
    billed_eid, claim_no = before[0]
    unknown = medbill("claims", "create", "--encounter", "999999", url=seeded_url)
    assert unknown.returncode == 1, unknown.stderr
    assert "not billed: encounter 999999: there is no such encounter" in unknown.stdout
    billed = medbill("claims", "create", "--encounter", str(billed_eid), "--format", "json",
                     url=seeded_url)  # fmt: skip
    assert billed.returncode == 1, billed.stderr
    assert json.loads(billed.stdout)["not_billable"] == [
        {"encounter_id": billed_eid, "reason": f"it is already billed ({claim_no})"}
    ]
    assert _claims(seeded_url) == before


def test_sandbox_rate_outside_0_to_1_is_bad_usage(tmp_path: Path) -> None:
    result = medbill("sandbox", "respond", "x.837", "--out", str(tmp_path), "--reject-rate", "1.5")
    assert result.returncode == 2
    assert "'1.5' is not a share between 0 and 1" in result.stderr


def test_empty_lists_say_they_are_empty(db_url: str) -> None:
    for args, words in (
        (("work", "next", "unmatched"), "Nothing to take: the unmatched list is empty."),
        (("remittance", "list"), "no payments posted yet"),
        (("report", "denials"), "No denial was opened in this period."),
    ):
        result = medbill(*args, url=db_url)
        assert result.returncode == 0, result.stderr
        assert words in result.stdout
