"""Leases guard every action and belong to where they were taken: the old holder of a
reassigned item is refused and nothing changes; a free item acted on is taken first; an app
session frees only what it took."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.users import insert_user
from medbill_tui.errors import LeaseHeld
from medbill_tui.runtime.clock import Clock
from medbill_tui.services import Services, build_services
from medbill_tui.services.work import WorkService
from tests.conftest import DEMO_TODAY

# A lease ending tomorrow (a run near midnight) carries its date: "until 12/08 00:14".
HELD_BY_RAJ = r"is held by raj until (\d\d/\d\d )?\d\d:\d\d; nothing changed"


def session(engine: Engine, tmp_path: Path, login: str) -> Services:
    """An app session's services for `login` (its leases are taken at its own id)."""
    return build_services(engine, Clock(pinned=DEMO_TODAY), actor=login, role="biller",
                          outbox=tmp_path / "out", letters=tmp_path / "letters",
                          receipts=tmp_path / "receipts")  # fmt: skip


def reassign_to_raj(engine: Engine, work_item_id: int) -> None:
    with engine.begin() as conn:
        insert_user(conn, "raj", "biller")
    boss = WorkService(engine, Clock(pinned=DEMO_TODAY), "sam", role="supervisor")
    boss.reassign(work_item_id, "raj")


def claim_state(engine: Engine, work_item_id: int) -> tuple[Any, ...]:
    """What an action on the item could change: the item, its claim's status, the visit's
    claims, the claim's ledger rows and notes."""
    with engine.connect() as conn:
        return tuple(conn.execute(text("""
            SELECT w.status, w.owner, w.due_on, c.status,
                   (SELECT count(*) FROM claim k WHERE k.encounter_id = c.encounter_id),
                   (SELECT count(*) FROM ledger_entry l WHERE l.claim_id = c.id),
                   (SELECT count(*) FROM note n WHERE n.entity = 'claim' AND n.entity_id = c.id)
            FROM work_item w JOIN claim c ON c.id = w.claim_id WHERE w.id = :id"""),
            {"id": work_item_id}).one())  # fmt: skip


def lease_of(engine: Engine, work_item_id: int) -> tuple[str | None, bool, str | None]:
    """(owner, lease running, where it was taken)."""
    with engine.connect() as conn:
        row = conn.execute(text("SELECT owner, coalesce(lease_until > now(), false), "
                                "lease_source FROM work_item WHERE id = :id"),
                           {"id": work_item_id}).one()  # fmt: skip
    return row[0], bool(row[1]), row[2]


def test_a_reassigned_items_old_holder_is_refused_and_nothing_changes(
    demo_engine: Engine, tmp_path: Path
) -> None:
    ann = session(demo_engine, tmp_path, "ann")
    taken = ann.work.next("denials")
    assert taken is not None
    reassign_to_raj(demo_engine, taken.work_item_id)
    before = claim_state(demo_engine, taken.work_item_id)
    item = taken.work_item_id
    for action in (
        lambda: ann.denials.resubmit(item),
        lambda: ann.denials.done(item, "worked"),
        lambda: ann.denials.add_note(item, "called the payer", None),
        lambda: ann.denials.transfer_to_patient(item),
        lambda: ann.followups.done(item, "called the payer"),
    ):
        with pytest.raises(LeaseHeld, match=f"Claim {taken.claim_no} {HELD_BY_RAJ}"):
            action()
    assert claim_state(demo_engine, item) == before
    assert lease_of(demo_engine, item)[:2] == ("raj", True)
    with pytest.raises(LeaseHeld, match=HELD_BY_RAJ):  # the claim's own actions too
        ann.claims.correct(str(taken.claim_no))
    assert claim_state(demo_engine, item) == before


def test_a_free_item_acted_on_is_taken_then_acted_on(demo_engine: Engine, tmp_path: Path) -> None:
    ann = session(demo_engine, tmp_path, "ann")
    with demo_engine.connect() as conn:
        item = conn.execute(text("SELECT id FROM work_item WHERE kind = 'denial' "
                                 "AND status = 'open' AND owner IS NULL ORDER BY id LIMIT 1")
                            ).scalar_one()  # fmt: skip
    ann.denials.add_note(item, "called the payer", None)
    assert lease_of(demo_engine, item) == ("ann", True, ann.lease_source)
    with demo_engine.connect() as conn:
        audited = conn.execute(text("SELECT detail FROM audit_event WHERE actor = 'ann' "
                                    "AND action = 'work-take' AND entity_id = :i"),
                               {"i": item}).scalars().all()  # fmt: skip
    assert audited == ["to act on it"]
    ann.denials.done(item, "worked")  # now ann's: it closes
    assert claim_state(demo_engine, item)[:2] == ("done", None)


def test_an_app_session_frees_only_what_it_took(demo_engine: Engine, tmp_path: Path) -> None:
    on_the_command_line = WorkService(demo_engine, Clock(pinned=DEMO_TODAY), "ann", role="biller")
    by_cli = on_the_command_line.next("denials")
    app = session(demo_engine, tmp_path, "ann")
    in_the_app = app.work.next("denials")
    assert by_cli is not None and in_the_app is not None
    assert app.work.release_mine(why="went back") == [in_the_app.work_item_id]
    assert lease_of(demo_engine, by_cli.work_item_id) == ("ann", True, "cli")
    assert app.work.release_mine() == []  # the session ends: the CLI lease still stands
    assert lease_of(demo_engine, by_cli.work_item_id) == ("ann", True, "cli")
    with demo_engine.connect() as conn:
        why = conn.execute(text("SELECT detail FROM audit_event WHERE action = 'work-release' "
                                "AND entity_id = :i"), {"i": in_the_app.work_item_id}
                           ).scalar_one()  # fmt: skip
    assert why == "went back"
