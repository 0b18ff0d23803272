"""`medbill work next|release|renew|reassign` as real processes on a copy of the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.users import insert_user
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY, TEST_LOGIN

TODAY = {"MEDBILL_TODAY": DEMO_TODAY.isoformat()}
LOOPS = 8
TAKES = 3


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def json_docs(output: str) -> list[Any]:
    """Every JSON document printed one after another."""
    decoder, docs, at = json.JSONDecoder(), [], 0
    while (at := len(output) - len(output[at:].lstrip()) ) < len(output):  # fmt: skip
        doc, at = decoder.raw_decode(output, at)
        docs.append(doc)
    return docs


def open_denials(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM work_item WHERE kind = 'denial' "
                                  "AND status = 'open' ORDER BY opened_on, id"))  # fmt: skip
        return list(found.scalars())


def test_eight_parallel_next_loops_never_return_the_same_item(demo_engine: Engine) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))}
    env.update(TODAY, DATABASE_URL=url_of(demo_engine))
    loop = (f"for i in $(seq {TAKES}); do {sys.executable} -m medbill_tui work next denials "
            "--format json || exit 1; done")  # fmt: skip
    shells = [subprocess.Popen(["bash", "-c", loop], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env,
                               stdin=subprocess.DEVNULL) for _ in range(LOOPS)]  # fmt: skip
    items: list[dict[str, Any]] = []
    for shell in shells:
        out, err = shell.communicate(timeout=600)
        assert shell.returncode == 0, err
        items += json_docs(out)
    ids = [item["work_item_id"] for item in items]
    assert len(ids) == LOOPS * TAKES
    assert len(set(ids)) == len(ids)  # never the same item twice
    assert set(ids) <= set(open_denials(demo_engine))
    assert all(item["owner"] == TEST_LOGIN and item["lease_until"] for item in items)


def test_next_plain_release_and_nothing_left(demo_engine: Engine) -> None:
    url = url_of(demo_engine)
    first = open_denials(demo_engine)[0]
    taken = medbill("work", "next", "denials", url=url, **TODAY)
    assert taken.returncode == 0, taken.stderr
    head = taken.stdout.splitlines()[0]
    assert head.startswith(f"item {first} · denial · claim ") and f"held by {TEST_LOGIN}" in head
    released = medbill("work", "release", str(first), url=url, **TODAY)
    assert released.returncode == 0 and f"Released item {first}" in released.stdout
    again = medbill("work", "release", str(first), url=url, **TODAY)
    assert again.returncode == 1 and "not held by anyone" in again.stderr
    with demo_engine.begin() as conn:  # every other denial is someone else's
        conn.execute(text("UPDATE work_item SET owner = 'bob', "
                          "lease_until = now() + interval '1 hour' "
                          "WHERE kind = 'denial' AND status = 'open' AND id <> :id"),
                     {"id": first})  # fmt: skip
    # the item just released is not handed back to the one who had it (Enter / renew take it)
    none = medbill("work", "next", "denials", "--format", "json", url=url, **TODAY)
    assert none.returncode == 0 and json.loads(none.stdout) is None
    words = medbill("work", "next", "denials", url=url, **TODAY)
    assert "Nothing to take in denials:" in words.stdout
    held = len(open_denials(demo_engine)) - 1
    assert f"{held} held by someone; 1 handed to you in the last 30 minutes" in words.stdout
    bad = medbill("work", "next", "inbox", url=url, **TODAY)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


@pytest.mark.parametrize("role", ["biller", "supervisor"])
def test_reassign_is_for_supervisors(demo_engine: Engine, role: str) -> None:
    url = url_of(demo_engine)
    item = open_denials(demo_engine)[0]
    with demo_engine.begin() as conn:
        insert_user(conn, "carol", "biller")
        conn.execute(text("UPDATE app_user SET role = :r WHERE login = :l"),
                     {"r": role, "l": TEST_LOGIN})  # fmt: skip
    result = medbill("work", "reassign", str(item), "carol", "--format", "json", url=url, **TODAY)
    with demo_engine.connect() as conn:
        owner = conn.execute(text("SELECT owner FROM work_item WHERE id = :id"),
                             {"id": item}).scalar_one()  # fmt: skip
    if role == "biller":
        assert result.returncode == 3
        assert "Only a supervisor or an admin may reassign work" in result.stderr
        assert owner is None  # nothing changed
    else:
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["owner"] == "carol" and owner == "carol"
        nobody = medbill("work", "reassign", str(item), "nobody", url=url, **TODAY)
        assert nobody.returncode == 1 and "no user 'nobody' here" in nobody.stderr


def test_renew_renews_only_your_own_lease_and_a_held_claim_is_not_corrected(
    demo_engine: Engine,
) -> None:
    url = url_of(demo_engine)
    first, second = open_denials(demo_engine)[:2]
    nobody = medbill("work", "renew", str(first), url=url, **TODAY)
    assert nobody.returncode == 1 and "is not held by anyone" in nobody.stderr
    assert medbill("work", "next", "denials", url=url, **TODAY).returncode == 0  # takes `first`
    mine = medbill("work", "renew", str(first), url=url, **TODAY)
    assert mine.returncode == 0 and f"held by {TEST_LOGIN}" in mine.stdout
    with demo_engine.begin() as conn:
        insert_user(conn, "raj", "biller")
        conn.execute(text("UPDATE work_item SET owner = 'raj', lease_source = 'cli', "
                          "lease_until = now() + interval '1 hour' WHERE id = :id"),
                     {"id": second})  # fmt: skip
        claim_no, claims = conn.execute(text(
            "SELECT c.claim_no, (SELECT count(*) FROM claim) FROM work_item w "
            "JOIN claim c ON c.id = w.claim_id WHERE w.id = :id"), {"id": second},
        ).one()  # fmt: skip
    theirs = medbill("work", "renew", str(second), url=url, **TODAY)
    assert theirs.returncode == 1 and "is held by raj until" in theirs.stderr
    refused = medbill("claims", "correct", claim_no, url=url, **TODAY)
    assert refused.returncode == 1 and f"Claim {claim_no} is held by raj until" in refused.stderr
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM claim")).scalar_one() == claims
