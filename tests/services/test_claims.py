"""Claim creation from unbilled encounters, and holds, on the demo practice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimRefused, ClaimService
from tests.conftest import DEMO_TODAY


def counts(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text(
                    """SELECT (SELECT count(*) FROM claim) AS claims,
                      (SELECT count(*) FROM claim_line) AS lines,
                      (SELECT count(*) FROM ledger_entry) AS ledger,
                      (SELECT count(*) FROM claim_event) AS events,
                      (SELECT count(*) FROM encounter WHERE status = 'unbilled') AS unbilled,
                      (SELECT coalesce(sum(amount), 0) FROM ledger_entry) AS balance"""
                )
            )
            .one()
            ._mapping
        )


def service(engine: Engine) -> ClaimService:
    return ClaimService(engine, Clock(DEMO_TODAY), "biller1")


def test_dry_run_previews_and_writes_nothing(demo_engine: Engine) -> None:
    before = counts(demo_engine)
    run = service(demo_engine).create(dry_run=True)
    assert run.dry_run and run.created > 0 and run.claim_ids == ()
    assert sum(b.claims for b in run.batches) == run.created
    assert counts(demo_engine) == before


def test_create_bills_clean_encounters_once(demo_engine: Engine) -> None:
    preview = service(demo_engine).create(dry_run=True)
    before = counts(demo_engine)
    run = service(demo_engine).create()
    assert run.created == preview.created and len(run.claim_ids) == run.created
    assert [s.encounter_id for s in run.skipped] == [s.encounter_id for s in preview.skipped]
    after = counts(demo_engine)
    assert after["claims"] == before["claims"] + run.created
    assert after["unbilled"] == before["unbilled"] - run.created
    assert after["balance"] == before["balance"] + run.amount
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT c.id, c.status, c.total_charge,
                      (SELECT sum(amount) FROM claim_line l WHERE l.claim_id = c.id) AS lines,
                      (SELECT sum(amount) FROM charge ch WHERE ch.encounter_id = c.encounter_id)
                        AS charges,
                      (SELECT sum(amount) FROM ledger_entry le WHERE le.claim_id = c.id) AS ledger,
                      (SELECT count(*) FROM claim_event ev WHERE ev.claim_id = c.id) AS events,
                      e.status AS encounter_status
               FROM claim c JOIN encounter e ON e.id = c.encounter_id
               WHERE c.id = ANY(:ids)"""
            ),
            {"ids": list(run.claim_ids)},
        ).all()
    for r in rows:
        assert r.status == "ready" and r.encounter_status == "billed"
        assert r.total_charge == r.lines == r.charges == r.ledger > 0
        assert r.events == 1
    again = service(demo_engine).create()
    assert again.created == 0 and len(again.skipped) == len(run.skipped)


def test_skipped_encounters_say_why(demo_engine: Engine) -> None:
    run = service(demo_engine).create(dry_run=True)
    assert run.skipped, "the demo has encounters that cannot be billed"
    assert all(s.reasons and all(r.strip() for r in s.reasons) for s in run.skipped)


def test_one_encounter_with_a_bad_code_is_skipped_and_nothing_changes(demo_engine: Engine) -> None:
    with demo_engine.begin() as conn:
        eid = conn.execute(
            text(
                "SELECT id FROM encounter WHERE status = 'unbilled' AND coverage_id IS NOT NULL "
                "ORDER BY dos DESC, id LIMIT 1"
            )
        ).scalar_one()
        conn.execute(
            text("UPDATE encounter_diagnosis SET code = 'E11' WHERE encounter_id = :e AND seq = 1"),
            {"e": eid},
        )
    before = counts(demo_engine)
    run = service(demo_engine).create([eid])
    assert run.created == 0 and [s.encounter_id for s in run.skipped] == [eid]
    assert any("E11" in reason for reason in run.skipped[0].reasons)
    assert counts(demo_engine) == before


def test_two_billers_creating_at_once_bill_each_encounter_once(demo_engine: Engine) -> None:
    expected = service(demo_engine).create(dry_run=True).created
    results: list[int] = []
    barrier = threading.Barrier(2)

    def bill() -> None:
        barrier.wait()
        results.append(service(demo_engine).create().created)

    threads = [threading.Thread(target=bill) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, expected]
    with demo_engine.connect() as conn:
        dupes = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT encounter_id FROM claim GROUP BY encounter_id "
                "HAVING count(*) > 1) d"
            )
        ).scalar_one()
    assert dupes == 0


def test_hold_and_release_a_claim(demo_engine: Engine) -> None:
    run = service(demo_engine).create()
    claim_id = run.claim_ids[0]
    svc = service(demo_engine)
    svc.hold_claim(claim_id, "waiting for the operative note")
    with demo_engine.connect() as conn:
        row = conn.execute(
            text("SELECT status, hold_reason FROM claim WHERE id = :c"), {"c": claim_id}
        ).one()
    assert tuple(row) == ("hold", "waiting for the operative note")
    with pytest.raises(ClaimRefused, match="cannot become"):
        svc.hold_claim(claim_id, "again")
    svc.release_claim(claim_id)
    with pytest.raises(ClaimRefused, match="not on hold"):
        svc.release_claim(claim_id)
    with demo_engine.connect() as conn:
        events = (
            conn.execute(
                text("SELECT to_status FROM claim_event WHERE claim_id = :c ORDER BY id"),
                {"c": claim_id},
            )
            .scalars()
            .all()
        )
    assert events == ["ready", "hold", "ready"]


def test_hold_and_release_an_encounter(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        eid = conn.execute(
            text("SELECT id FROM encounter WHERE status = 'unbilled' LIMIT 1")
        ).scalar_one()
        billed = conn.execute(
            text("SELECT id FROM encounter WHERE status = 'billed' LIMIT 1")
        ).scalar_one()
    svc = service(demo_engine)
    svc.hold_encounter(eid, "provider to sign the note")
    assert eid not in [s.encounter_id for s in svc.create(dry_run=True).skipped]
    assert svc.create([eid]).created == 0
    svc.release_encounter(eid)
    with pytest.raises(ClaimRefused, match="only an unbilled encounter"):
        svc.hold_encounter(billed, "x")
    with demo_engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT status FROM encounter WHERE id = :e"), {"e": eid}
            ).scalar_one()
            == "unbilled"
        )
        notes = (
            conn.execute(
                text(
                    "SELECT body FROM note WHERE entity = 'encounter' AND "
                    "entity_id = :e ORDER BY id"
                ),
                {"e": eid},
            )
            .scalars()
            .all()
        )
    assert notes == ["hold: provider to sign the note", "released"]
