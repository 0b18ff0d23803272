"""`medbill work next credits` and `medbill credits …` as real processes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, text

from tests.cli.test_cli import medbill
from tests.cli.test_work_cli import TODAY, url_of
from tests.conftest import TEST_LOGIN
from tests.services.test_credits import FULL, a_visit


def test_credits_are_taken_listed_and_refunded_by_supervisors_only(
    demo_engine: Engine, tmp_path: Path
) -> None:
    visit = a_visit(demo_engine, tmp_path)
    visit.post(1, FULL)
    visit.post(2, FULL)
    (item,) = visit.items()
    url = url_of(demo_engine)
    taken = medbill("work", "next", "credits", "--format", "json", url=url, **TODAY)
    assert taken.returncode == 0, taken.stderr
    lease = json.loads(taken.stdout)
    assert (lease["work_item_id"], lease["kind"], lease["owner"]) == (item.id, "credit", TEST_LOGIN)
    none = medbill("work", "next", "credits", url=url, **TODAY)
    assert none.returncode == 0 and "Nothing to take in credits: 1 held by someone" in none.stdout
    listed = medbill("credits", "list", "--format", "json", url=url, **TODAY)
    (row,) = json.loads(listed.stdout)
    assert (row["work_item_id"], row["amount"], row["held_by"]) == (item.id, "160.00", TEST_LOGIN)
    with demo_engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET role = 'biller' WHERE login = :l"), {"l": TEST_LOGIN}
        )
    refused = medbill("credits", "refund-payer", str(item.id), "chk 4", url=url, **TODAY)
    assert refused.returncode == 3 and "supervisor" in refused.stderr
    assert visit.balance("primary") == -160
    with demo_engine.begin() as conn:
        conn.execute(
            text("UPDATE app_user SET role = 'supervisor' WHERE login = :l"), {"l": TEST_LOGIN}
        )
    done = medbill("credits", "refund-payer", str(item.id), "chk 4", url=url, **TODAY)
    assert done.returncode == 0, done.stderr
    assert "Refunded 160.00 to Acme Health, ref chk 4" in done.stdout
    again = medbill("credits", "refund-payer", str(item.id), "chk 4", url=url, **TODAY)
    assert again.returncode == 1 and "already done" in again.stderr
    assert visit.balance("primary") == 0
    empty = medbill("credits", url=url, **TODAY)
    assert empty.returncode == 0 and "no open credits" in empty.stdout
