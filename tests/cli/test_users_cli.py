"""`medbill users …`, the login check (exit 3) and role gates, as real processes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, TEST_LOGIN, PgCluster

TODAY = {"MEDBILL_TODAY": DEMO_TODAY.isoformat()}


def sql(url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        result = conn.execute(text(statement), params)
        rows = [tuple(r) for r in result] if result.returns_rows else []
    engine.dispose()
    return rows


@pytest.fixture
def demo_url(pg: PgCluster, demo_template: str) -> Iterator[str]:
    name = f"usr_{os.getpid()}"
    yield pg.create_database(name, template=demo_template)
    pg.drop_database(name)


@pytest.fixture
def empty_url(pg: PgCluster) -> Iterator[str]:
    name = f"empty_{os.getpid()}"
    yield pg.create_database(name)
    pg.drop_database(name)


def test_admin_adds_lists_and_disables_users(db_url: str) -> None:
    added = medbill("users", "add", "zoe", "--role", "biller", "--name", "Zoe  Park", url=db_url)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added zoe as biller")
    named = medbill("users", "name", "zoe", "Zoë", "Park-Lee", url=db_url)
    assert named.returncode == 0 and named.stdout.strip() == "zoe signs as Zoë Park-Lee"
    too_long = medbill("users", "name", "zoe", "x" * 101, url=db_url)
    assert too_long.returncode == 1 and "at most 100 characters" in too_long.stderr
    assert medbill("users", "disable", "zoe", url=db_url).stdout.strip() == "zoe is disabled"
    listed = json.loads(medbill("users", "list", "--format", "json", url=db_url).stdout)
    assert [(u["login"], u["role"], u["active"], u["full_name"]) for u in listed] == [
        (TEST_LOGIN, "admin", True, ""),
        ("zoe", "biller", False, "Zoë Park-Lee"),
    ]
    plain = medbill("users", "list", url=db_url).stdout
    assert "zoe" in plain and "disabled" in plain
    again = medbill("users", "add", "zoe", "--role", "admin", url=db_url)
    assert again.returncode == 1 and "already a user (biller, disabled)" in again.stderr
    assert sql(db_url, "SELECT action FROM audit_event WHERE entity = 'app_user' ORDER BY id") == [
        ("user.add",),
        ("user.name",),
        ("user.disable",),
    ]


def test_a_disabled_or_unknown_login_is_refused_with_exit_3(db_url: str) -> None:
    sql(db_url, "UPDATE app_user SET active = false WHERE login = :l", l=TEST_LOGIN)
    report = medbill("report", "queues", url=db_url)
    assert report.returncode == 3 and report.stdout == ""
    assert report.stderr == (
        f"medbill: {TEST_LOGIN!r} is disabled; ask an admin to run "
        f"`medbill users enable {TEST_LOGIN}`\n"
    )
    app = medbill(url=db_url)  # the app: its dashboard frame, no data, then the refusal
    assert app.returncode == 3 and app.stdout == ""
    assert app.stderr.endswith(report.stderr)  # the same one line, after the app has closed
    assert "signed in as" not in app.stderr and " items" not in app.stderr
    # someone else administers the database; this login is not among its users
    sql(db_url, "UPDATE app_user SET login = 'ann', active = true WHERE login = :l", l=TEST_LOGIN)
    codes = medbill("codes", "search", "I10", url=db_url)
    assert codes.returncode == 3
    assert f"{TEST_LOGIN!r} is not a medbill user; ask an admin" in codes.stderr
    assert medbill("users", "list", url=db_url).returncode == 3
    # no patient data: the schema's status and the help still answer
    assert medbill("db", "status", url=db_url).returncode == 0
    assert medbill("--help").returncode == 0
    assert "Traceback" not in report.stderr + app.stderr + codes.stderr


def test_the_login_creating_a_database_becomes_its_admin(empty_url: str) -> None:
    upgraded = medbill("db", "upgrade", url=empty_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"{TEST_LOGIN} is the first admin of this database" in upgraded.stdout
    assert sql(empty_url, "SELECT login, role, active FROM app_user") == [
        (TEST_LOGIN, "admin", True)
    ]
    assert sql(empty_url, "SELECT actor, action FROM audit_event") == [
        (TEST_LOGIN, "user.bootstrap")
    ]
    again = medbill("db", "upgrade", url=empty_url)
    assert again.returncode == 0 and "first admin" not in again.stdout
    assert medbill("report", "queues", url=empty_url).returncode == 0


def test_demo_on_a_new_database_makes_its_admin(empty_url: str) -> None:
    demo = medbill("demo", "--no-tui", "--encounters", "20", url=empty_url, **TODAY)
    assert demo.returncode == 0, demo.stderr
    assert f"{TEST_LOGIN} is the first admin" in demo.stdout
    assert sql(empty_url, "SELECT login, role FROM app_user") == [(TEST_LOGIN, "admin")]
    assert sql(empty_url, "SELECT actor, action FROM audit_event ORDER BY id") == [
        (TEST_LOGIN, "user.bootstrap"),  # kept: the load empties the practice, not the trail
        (TEST_LOGIN, "demo_load"),
    ]


def test_a_biller_is_refused_supervisor_and_admin_actions(demo_url: str, tmp_path: Path) -> None:
    sql(demo_url, "UPDATE app_user SET role = 'biller' WHERE login = :l", l=TEST_LOGIN)
    written = ("SELECT (SELECT count(*) FROM ledger_entry), (SELECT count(*) FROM audit_event), "
               "(SELECT count(*) FROM fee_schedule), (SELECT count(*) FROM dunning_event), "
               "(SELECT count(*) FROM app_user)")  # fmt: skip
    before = sql(demo_url, written)
    remit = sql(demo_url, "SELECT min(id) FROM remittance WHERE status = 'posted'")[0][0]
    undo = medbill("remittance", "undo", str(remit), "--reason", "wrong", url=demo_url, **TODAY)
    assert undo.returncode == 3
    assert "Only a supervisor or an admin may undo or re-post a payment" in undo.stderr
    prices = tmp_path / "fees.csv"
    prices.write_text("code,modifier,price\n99213,,95.00\n")
    fees = medbill("fees", "import", str(prices), "--yes", url=demo_url)
    assert fees.returncode == 3 and "may change prices, code sets or rules" in fees.stderr
    coll = medbill("statements", "collections", "--confirm", "A000001", url=demo_url, **TODAY)
    assert coll.returncode == 3 and "may refer accounts to collections" in coll.stderr
    add = medbill("users", "add", "zoe", "--role", "admin", url=demo_url)
    assert add.returncode == 3 and "Only an admin may add, disable or change users" in add.stderr
    demo = medbill("demo", "--no-tui", "--encounters", "5", url=demo_url, **TODAY)
    assert demo.returncode == 3 and "replace the database with the demo" in demo.stderr
    assert sql(demo_url, written) == before
    # a supervisor may undo the payment
    sql(demo_url, "UPDATE app_user SET role = 'supervisor' WHERE login = :l", l=TEST_LOGIN)
    undo = medbill("remittance", "undo", str(remit), "--reason", "wrong", url=demo_url, **TODAY)
    assert undo.returncode == 0, undo.stderr
    assert sql(demo_url, "SELECT status FROM remittance WHERE id = :r", r=remit) == [("reversed",)]
