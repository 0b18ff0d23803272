"""`medbill audit` as a real process: filters, newest first, pages, formats, refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from sqlalchemy import text

from medbill_tui.db.engine import make_engine
from tests.cli.test_cli import medbill
from tests.conftest import TEST_LOGIN

ROWS = [  # (at, actor, action, entity, entity_id, detail), oldest first
    ("2026-10-01 09:00:00+00", "ann", "login", "session", None, "tui, local terminal"),
    ("2026-10-01 09:05:00+00", "ann", "view", "claim", 5, "detail"),
    ("2026-10-15 23:59:59+00", "bob", "hold", "claim", 5, "waiting for notes"),
    ("2026-10-16 00:00:00+00", "bob", "view", "patient", 7, "account"),
    ("2026-11-01 12:00:00+00", "ann", "view", "claim", 6, "837P view"),
]


@pytest.fixture
def audit_url(db_url: str) -> str:
    engine = make_engine(db_url, pool_size=1)
    with engine.begin() as conn:
        for at, actor, action, entity, entity_id, detail in ROWS:
            conn.execute(
                text("INSERT INTO audit_event (at, actor, action, entity, entity_id, detail) "
                     "VALUES (:at, :a, :act, :e, :id, :d)"),
                {"at": datetime.fromisoformat(at), "a": actor, "act": action, "e": entity,
                 "id": entity_id, "d": detail},
            )  # fmt: skip
    engine.dispose()
    return db_url


def events(url: str, *args: str) -> list[dict[str, object]]:
    result = medbill("audit", "--format", "json", *args, url=url)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == len(data["events"])
    return list(data["events"])


def ours(found: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The seeded rows among `found` (the command's own start may add none, but be sure)."""
    return [(e["user"], e["action"], e["entity"], e["entity_id"]) for e in found
            if e["user"] in ("ann", "bob")]  # fmt: skip


def test_newest_first_and_each_filter(audit_url: str) -> None:
    everything = ours(events(audit_url))
    assert everything == [(r[1], r[2], r[3], r[4]) for r in reversed(ROWS)]
    assert ours(events(audit_url, "--user", "bob")) == [
        ("bob", "view", "patient", 7), ("bob", "hold", "claim", 5)]  # fmt: skip
    assert ours(events(audit_url, "--entity", "claim", "--id", "5")) == [
        ("bob", "hold", "claim", 5), ("ann", "view", "claim", 5)]  # fmt: skip
    assert len(ours(events(audit_url, "--action", "view"))) == 3
    # whole UTC days, --until inclusive: 10-15 23:59:59 is in, 10-16 00:00 is not
    assert ours(events(audit_url, "--since", "2026-10-02", "--until", "2026-10-15")) == [
        ("bob", "hold", "claim", 5)]  # fmt: skip
    assert ours(events(audit_url, "--since", "2026-10-16")) == [
        ("ann", "view", "claim", 6), ("bob", "view", "patient", 7)]  # fmt: skip


def test_pages_with_limit_and_before(audit_url: str) -> None:
    first = medbill("audit", "--format", "json", "--limit", "2", url=audit_url)
    data = json.loads(first.stdout)
    assert [e["entity_id"] for e in data["events"]] == [6, 7]
    rest = events(audit_url, "--before", str(data["next_before"]))
    assert [e["entity_id"] for e in rest] == [5, 5, None]
    plain = medbill("audit", "--limit", "2", url=audit_url)
    assert f"older ones: --before {data['next_before']}" in plain.stdout


def test_csv_and_plain(audit_url: str) -> None:
    result = medbill("audit", "--format", "csv", "--user", "ann", url=audit_url)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "at", "user", "action", "entity", "entity_id", "detail"]
    assert [r[1] for r in rows[1:]] == [
        "2026-11-01 12:00:00Z", "2026-10-01 09:05:00Z", "2026-10-01 09:00:00Z"]  # fmt: skip
    assert rows[-1][5] == ""  # a session has no record id
    plain = medbill("audit", url=audit_url)
    assert plain.returncode == 0, plain.stderr
    assert all(len(line) <= 80 for line in plain.stdout.splitlines())
    assert "837P view" in plain.stdout and "5 event(s), newest first" in plain.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--since", "10/01/2026"), "--since"),
        (("--until", "2026-02-30"), "--until"),
        (("--since", "2026-11-02", "--until", "2026-11-01"), "is after --until"),
        (("--entity", "spaceship"), "invalid choice"),
        (("--id", "0"), "not a positive whole number"),
    ],
)
def test_bad_input_exits_2_with_one_line(audit_url: str, args: tuple[str, ...], words: str) -> None:
    result = medbill("audit", *args, url=audit_url)
    assert result.returncode == 2
    assert words in result.stderr and result.stdout == ""
    if "invalid choice" not in words and "positive" not in words:
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_biller_may_not_read_the_trail(audit_url: str) -> None:
    engine = make_engine(audit_url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET role = 'biller' WHERE login = :l"),
                     {"l": TEST_LOGIN})  # fmt: skip
    engine.dispose()
    result = medbill("audit", url=audit_url)
    assert result.returncode == 3
    assert "supervisor or an admin" in result.stderr and result.stdout == ""
