"""Work claiming on the demo practice: next in queue order, leases that expire, release,
renew, reassign by role, and finishing an item."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.users import insert_user
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialService
from medbill_tui.services.users import RoleRefused
from medbill_tui.services.work import WorkRefused, WorkService
from tests.conftest import DEMO_TODAY


def service(engine: Engine, login: str, role: str | None = "biller") -> WorkService:
    return WorkService(engine, Clock(pinned=DEMO_TODAY), login, role=role)


def open_ids(engine: Engine, kind: str, order: str = "opened_on, id") -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(f"SELECT id FROM work_item WHERE kind = :k AND status = 'open' "
                     f"ORDER BY {order}"), {"k": kind},
            ).scalars()
        )  # fmt: skip


def item_row(engine: Engine, item: int) -> tuple[str | None, bool]:
    """(owner, lease still running) of a work item."""
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT owner, coalesce(lease_until > now(), false) AS live "
                 "FROM work_item WHERE id = :id"), {"id": item},
        ).one()  # fmt: skip
    return row.owner, bool(row.live)


def expire(engine: Engine, item: int) -> None:
    """Let the item's lease pass (as if MEDBILL_LEASE_MINUTES had gone by)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE work_item SET lease_until = now() - interval '1 minute' "
                          "WHERE id = :id"), {"id": item})  # fmt: skip


def test_next_takes_the_oldest_free_denial_with_its_claim_and_a_lease(demo_engine: Engine
                                                                     ) -> None:  # fmt: skip
    denials = open_ids(demo_engine, "denial")
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    first = alice.next("denials")
    second = bob.next("denials")
    assert first is not None and second is not None
    assert (first.work_item_id, second.work_item_id) == (denials[0], denials[1])
    assert first.kind == "denial" and first.owner == "alice"
    assert first.claim_no and first.patient_name and first.account_no
    assert item_row(demo_engine, first.work_item_id) == ("alice", True)
    with demo_engine.connect() as conn:
        audit = conn.execute(
            text("SELECT actor, detail FROM audit_event WHERE action = 'work-take' "
                 "AND entity = 'work_item' AND entity_id = :id"), {"id": first.work_item_id},
        ).one()  # fmt: skip
    assert audit.actor == "alice" and "denials" in audit.detail


def test_lease_minutes_set_how_long_the_item_is_held(demo_engine: Engine) -> None:
    lease = WorkService(demo_engine, Clock(pinned=DEMO_TODAY), "alice", lease_minutes=5,
                        role="biller").next("denials")  # fmt: skip
    assert lease is not None
    with demo_engine.connect() as conn:
        minutes = conn.execute(
            text("SELECT extract(epoch FROM lease_until - now()) / 60 FROM work_item "
                 "WHERE id = :id"), {"id": lease.work_item_id},
        ).scalar_one()  # fmt: skip
    assert 4 < float(minutes) <= 5


def test_an_expired_lease_is_handed_out_again(demo_engine: Engine) -> None:
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    taken = alice.next("denials")
    assert taken is not None
    after = bob.next("denials")
    assert after is not None and after.work_item_id != taken.work_item_id  # held: skipped
    expire(demo_engine, taken.work_item_id)
    again = bob.next("denials")
    assert again is not None and again.work_item_id == taken.work_item_id
    assert item_row(demo_engine, taken.work_item_id) == ("bob", True)
    with pytest.raises(WorkRefused, match="held by bob"):
        alice.renew(taken.work_item_id)  # alice's lease is gone; bob has it now


def test_release_frees_only_your_own_item(demo_engine: Engine) -> None:
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    taken = alice.next("denials")
    assert taken is not None
    refused = bob.release(taken.work_item_id)
    assert not refused.released and "held by alice" in refused.words
    assert item_row(demo_engine, taken.work_item_id) == ("alice", True)
    done = alice.release(taken.work_item_id)
    assert done.released
    assert item_row(demo_engine, taken.work_item_id) == (None, False)
    assert not alice.release(taken.work_item_id).released  # free: nothing to release
    again = bob.next("denials")
    assert again is not None and again.work_item_id == taken.work_item_id
    with pytest.raises(WorkRefused, match="no work item"):
        alice.release(10**9)


def test_renew_extends_only_your_own_lease(demo_engine: Engine) -> None:
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    taken = alice.next("denials")
    assert taken is not None
    renewed = alice.renew(taken.work_item_id)
    assert renewed.owner == "alice" and renewed.lease_until > taken.lease_until
    with pytest.raises(WorkRefused, match="held by alice"):
        bob.renew(taken.work_item_id)
    assert item_row(demo_engine, taken.work_item_id) == ("alice", True)
    expire(demo_engine, taken.work_item_id)
    with pytest.raises(WorkRefused, match="not held by anyone"):  # renewing never takes
        alice.renew(taken.work_item_id)
    assert item_row(demo_engine, taken.work_item_id) == ("alice", False)


def test_finishing_a_denial_clears_owner_and_lease(demo_engine: Engine, tmp_path: Path
                                                    ) -> None:  # fmt: skip
    alice = service(demo_engine, "alice")
    taken = alice.next("denials")
    assert taken is not None
    DenialService(demo_engine, Clock(pinned=DEMO_TODAY), "alice", letters=tmp_path
                  ).done(taken.work_item_id, "worked")  # fmt: skip
    assert item_row(demo_engine, taken.work_item_id) == (None, False)
    assert not alice.release(taken.work_item_id).released  # finished: nothing to give back
    expire(demo_engine, taken.work_item_id)
    again = alice.next("denials")
    assert again is not None and again.work_item_id != taken.work_item_id


def test_reassign_needs_a_supervisor_and_an_active_user(demo_engine: Engine) -> None:
    with demo_engine.begin() as conn:
        insert_user(conn, "carol", "biller")
        insert_user(conn, "sam", "supervisor")
        insert_user(conn, "gone", "biller")
        conn.execute(text("UPDATE app_user SET active = false WHERE login = 'gone'"))
    alice = service(demo_engine, "alice")
    taken = alice.next("denials")
    assert taken is not None
    with pytest.raises(RoleRefused, match="supervisor"):
        service(demo_engine, "carol", role=None).reassign(taken.work_item_id, "carol")
    assert item_row(demo_engine, taken.work_item_id) == ("alice", True)
    sam = service(demo_engine, "sam", role=None)  # the role comes from app_user
    with pytest.raises(WorkRefused, match="no user 'nobody'"):
        sam.reassign(taken.work_item_id, "nobody")
    with pytest.raises(WorkRefused, match="disabled"):
        sam.reassign(taken.work_item_id, "gone")
    moved = sam.reassign(taken.work_item_id, "carol")
    assert moved.owner == "carol"
    assert item_row(demo_engine, taken.work_item_id) == ("carol", True)
    with demo_engine.connect() as conn:
        detail = conn.execute(
            text("SELECT detail FROM audit_event WHERE action = 'work-reassign' "
                 "AND entity_id = :id"), {"id": taken.work_item_id},
        ).scalar_one()  # fmt: skip
    assert detail == "from alice to carol"


def test_each_queue_hands_out_its_own_kind_in_its_order(demo_engine: Engine) -> None:
    alice = service(demo_engine, "alice")
    rejections = open_ids(demo_engine, "rejection")
    lease = alice.next("rejections")
    assert lease is not None and lease.work_item_id == rejections[0]
    assert lease.encounter_id is not None and lease.detail
    with demo_engine.begin() as conn:  # the demo has none: two 277CAs for unknown claims
        conn.execute(text("INSERT INTO work_item (kind, opened_on, detail) VALUES "
                          "('unmatched', '2026-10-01', 'older'), "
                          "('unmatched', '2026-10-20', 'newer')"))  # fmt: skip
    unmatched = open_ids(demo_engine, "unmatched", "opened_on DESC, id DESC")
    taken = alice.next("unmatched")
    assert taken is not None and taken.work_item_id == unmatched[0]  # newest first
    with demo_engine.connect() as conn:
        due = list(
            conn.execute(
                text("SELECT id FROM work_item WHERE kind = 'followup' AND status = 'open' "
                     "AND coalesce(due_on, opened_on) <= :d "
                     "ORDER BY coalesce(due_on, opened_on), id"), {"d": DEMO_TODAY},
            ).scalars()
        )  # fmt: skip
    assert due  # the demo has follow-ups due
    followups = [alice.next("followups") for _ in range(len(due) + 1)]
    assert [f.work_item_id for f in followups if f is not None] == due
    assert followups[-1] is None  # nothing due is left; later follow-ups are not handed out
    with pytest.raises(WorkRefused, match="no work queue"):
        alice.next("inbox")


def test_release_mine_frees_what_a_session_holds(demo_engine: Engine) -> None:
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    mine = [alice.next("denials"), alice.next("rejections")]
    theirs = bob.next("denials")
    assert theirs is not None and all(m is not None for m in mine)
    assert alice.release_mine() == sorted(m.work_item_id for m in mine if m is not None)
    assert item_row(demo_engine, theirs.work_item_id) == ("bob", True)
    assert alice.release_mine() == []


def test_next_passes_over_an_appealed_denial_until_its_follow_up(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """The review's trap: `n` kept handing back a denial just appealed (follow-up in January)."""
    denials = open_ids(demo_engine, "denial")
    alice = service(demo_engine, "alice")
    taken = alice.next("denials")
    assert taken is not None and taken.work_item_id == denials[0]
    DenialService(demo_engine, Clock(pinned=DEMO_TODAY), "alice", letters=tmp_path).appeal(
        taken.work_item_id, "The visit was medically necessary."
    )
    alice.release(taken.work_item_id)
    bob = service(demo_engine, "bob")
    nxt = bob.next("denials")  # bob never took it, but it rests until its follow-up date
    assert nxt is not None and nxt.work_item_id == denials[1]
    with demo_engine.connect() as conn:
        follow_up = conn.execute(
            text("SELECT follow_up_on FROM work_item WHERE id = :id"), {"id": denials[0]}
        ).scalar_one()
    assert follow_up > DEMO_TODAY
    later = WorkService(demo_engine, Clock(pinned=follow_up), "carol", role="biller")
    assert (due := later.next("denials")) is not None and due.work_item_id == denials[0]


def test_next_never_hands_the_same_item_back_twice_in_a_row(demo_engine: Engine) -> None:
    alice, bob = service(demo_engine, "alice"), service(demo_engine, "bob")
    first = alice.next("denials")
    assert first is not None
    alice.release(first.work_item_id)  # back to the list without finishing it
    second = alice.next("denials")
    assert second is not None and second.work_item_id != first.work_item_id
    again = bob.next("denials")  # someone else gets it
    assert again is not None and again.work_item_id == first.work_item_id
    with demo_engine.begin() as conn:  # every other denial is held
        conn.execute(text("UPDATE work_item SET owner = 'dan', lease_until = now() + "
                          "interval '1 hour' WHERE kind = 'denial' AND status = 'open' "
                          "AND id <> :id"), {"id": second.work_item_id})  # fmt: skip
    alice.release(second.work_item_id)
    assert alice.next("denials") is None
    why = alice.why_nothing("denials")
    assert why.startswith("Nothing to take in denials:")
    assert "1 handed to you in the last 30 minutes" in why and "held by someone" in why
