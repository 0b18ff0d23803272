"""Optimistic locking: a save after someone else's is refused with who, when and what they
changed, writes nothing, and goes through once re-applied on their version; drafts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.conflicts import Seen
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimChanged, ClaimService
from medbill_tui.services.drafts import DraftService
from medbill_tui.services.encounters import EditConflict, EncounterChanged, EncounterService
from medbill_tui.services.patients import PatientService, RecordChanged, SaveRefused
from tests.conftest import DEMO_TODAY


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def unbilled(engine: Engine) -> int:
    return int(str(scalar(engine, "SELECT min(id) FROM encounter WHERE status = 'unbilled'")))


def test_second_encounter_save_is_refused_with_what_changed(demo_engine: Engine) -> None:
    alice = EncounterService(demo_engine, Clock(DEMO_TODAY), "alice")
    bob = EncounterService(demo_engine, Clock(DEMO_TODAY), "bob")
    eid = unbilled(demo_engine)
    a_form, b_form = alice.load(eid), bob.load(eid)
    assert a_form == b_form and a_form.version is not None
    first = a_form.lines[0]
    theirs_line = replace(first, charge="999.00")
    alice.save(replace(a_form, lines=(theirs_line, *a_form.lines[1:])), loaded=a_form)
    mine = replace(b_form, pos="22")

    with pytest.raises(EncounterChanged) as refused:
        bob.save(mine, loaded=b_form)
    info = refused.value.conflict
    assert isinstance(refused.value, EditConflict)  # still the charge-entry refusal
    assert "Someone else changed this encounter" in str(refused.value)
    assert "alice" in str(refused.value) and "line 1 charge" in str(refused.value)
    assert (info.saved_by, info.entity, info.entity_id) == ("alice", "encounter", eid)
    assert info.saved_at is not None
    by_field = {c.field: c for c in info.changes}
    assert set(by_field) == {"lines.1.charge"}  # bob's own change is not "theirs"
    change = by_field["lines.1.charge"]
    assert (change.label, change.loaded, change.theirs, change.yours) == (
        "line 1 charge", first.charge, "999.00", first.charge)  # fmt: skip
    assert info.version == a_form.version + 1
    # nothing of bob's was written
    assert scalar(demo_engine, "SELECT pos FROM encounter WHERE id = :e", e=eid) == a_form.pos
    assert scalar(
        demo_engine,
        "SELECT count(*) FROM audit_event WHERE actor = 'bob' AND action = 'update'",
    ) == 0  # fmt: skip

    # re-applied on their version it goes through, and keeps their charge
    assert info.theirs is not None
    again = bob.save(replace(mine, version=info.version, lines=(theirs_line, *mine.lines[1:])))
    assert again.version == info.version + 1
    assert scalar(demo_engine, "SELECT pos FROM encounter WHERE id = :e", e=eid) == "22"


def test_billed_meanwhile_says_so(demo_engine: Engine) -> None:
    bob = EncounterService(demo_engine, Clock(DEMO_TODAY), "bob")
    eid = unbilled(demo_engine)
    form = bob.load(eid)
    ClaimService(demo_engine, Clock(DEMO_TODAY), "alice").create([eid])
    if scalar(demo_engine, "SELECT status FROM encounter WHERE id = :e", e=eid) == "unbilled":
        pytest.skip("the demo's first unbilled encounter does not scrub clean")
    with pytest.raises(EncounterChanged) as refused:
        bob.save(replace(form, pos="22"), loaded=form)
    status = [c for c in refused.value.conflict.changes if c.field == "status"]
    assert status and status[0].theirs == "billed"


def test_same_version_but_not_editable_is_a_plain_refusal(demo_engine: Engine) -> None:
    bob = EncounterService(demo_engine, Clock(DEMO_TODAY), "bob")
    eid = unbilled(demo_engine)
    form = bob.load(eid)
    with demo_engine.begin() as conn:  # status moved without a version bump (old code paths)
        conn.execute(text("UPDATE encounter SET status = 'billed' WHERE id = :e"), {"e": eid})
    with pytest.raises(EditConflict) as refused:
        bob.save(replace(form, pos="22"), loaded=form)
    assert not isinstance(refused.value, EncounterChanged)


def test_patient_coverage_and_authorization_conflicts(demo_engine: Engine) -> None:
    alice = PatientService(demo_engine, Clock(DEMO_TODAY), "alice")
    bob = PatientService(demo_engine, Clock(DEMO_TODAY), "bob")
    pid = int(str(scalar(demo_engine, "SELECT min(id) FROM patient")))
    loaded = bob.load(pid)
    alice.save(replace(alice.load(pid), phone="5551230000", city="Theirs"))
    with pytest.raises(RecordChanged) as refused:
        bob.save(replace(loaded, city="Mine"), loaded=loaded)
    assert isinstance(refused.value, SaveRefused)
    fields = {c.field: (c.loaded, c.theirs, c.yours) for c in refused.value.conflict.changes}
    assert fields["city"] == (loaded.city, "Theirs", "Mine")
    assert fields["phone"][1] == "5551230000"
    assert refused.value.conflict.saved_by == "alice"
    assert alice.load(pid).city == "Theirs"

    cid = int(str(scalar(demo_engine, "SELECT min(id) FROM coverage WHERE patient_id = :p", p=pid)))
    cov = bob.load_coverage(cid)
    assert cov.version == 1
    alice.save_coverage(replace(alice.load_coverage(cid), group_no="G-THEIRS"))
    with pytest.raises(RecordChanged) as refused:
        bob.save_coverage(replace(cov, member_id="MINE1"), loaded=cov)
    changes = {c.field: c.theirs for c in refused.value.conflict.changes}
    assert changes == {"group_no": "G-THEIRS"}
    assert bob.load_coverage(cid).member_id == cov.member_id
    # a form that carries no version (an older caller) still saves as before
    bob.save_coverage(replace(cov, version=None, member_id="MINE1"))
    assert bob.load_coverage(cid).version == 3

    from medbill_tui.records.forms import AuthorizationForm

    new_auth = AuthorizationForm(coverage_id=cid, status="pending", codes="99213")
    aid = alice.save_authorization(new_auth)
    auth = bob.load_authorization(aid)
    alice.save_authorization(replace(auth, status="approved", number="AUTH1"))
    with pytest.raises(RecordChanged) as refused:
        bob.save_authorization(replace(auth, status="denied"), loaded=auth)
    changes = {c.field: c.theirs for c in refused.value.conflict.changes}
    assert changes == {"status": "approved", "number": "AUTH1"}
    assert bob.load_authorization(aid).status == "approved"


def test_claim_hold_against_a_stale_view(demo_engine: Engine) -> None:
    row = None
    with demo_engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, claim_no, status, version FROM claim WHERE status = 'ready' "
                 "ORDER BY id LIMIT 1")
        ).one()  # fmt: skip
    alice = ClaimService(demo_engine, Clock(DEMO_TODAY), "alice")
    bob = ClaimService(demo_engine, Clock(DEMO_TODAY), "bob")
    seen = Seen(row.version, row.status)
    alice.hold_claim(row.id, "waiting for the op note", Seen(row.version, row.status))
    with pytest.raises(ClaimChanged) as refused:
        bob.hold_claim(row.id, "wrong modifier", seen)
    info = refused.value.conflict
    assert info.saved_by == "alice" and info.what == f"claim {row.claim_no}"
    assert [(c.loaded, c.theirs) for c in info.changes] == [("ready", "hold")]
    assert scalar(demo_engine, "SELECT hold_reason FROM claim WHERE id = :c", c=row.id) == (
        "waiting for the op note"
    )
    with pytest.raises(ClaimChanged):
        bob.release_claim(row.id, seen)
    bob.release_claim(row.id, Seen(info.version, "hold"))  # on what is there now: fine
    assert scalar(demo_engine, "SELECT status FROM claim WHERE id = :c", c=row.id) == "ready"


def test_drafts_per_person_and_record(demo_engine: Engine) -> None:
    bob, alice = DraftService(demo_engine, "bob"), DraftService(demo_engine, "alice")
    bob.save("encounter", None, {"dos": "10/30/2026"})
    bob.save("encounter", None, {"dos": "10/31/2026"})  # replaced, not a second row
    bob.save("encounter", 7, {"pos": "22"})
    alice.save("encounter", None, {"dos": "01/02/2026"})
    found = bob.find("encounter", None)
    assert found is not None and found.payload == {"dos": "10/31/2026"}
    assert scalar(demo_engine, "SELECT count(*) FROM draft WHERE owner = 'bob'") == 2
    assert bob.discard("encounter", None) and not bob.discard("encounter", None)
    assert bob.find("encounter", None) is None
    alice_draft = alice.find("encounter", None)
    assert alice_draft is not None and alice_draft.payload == {"dos": "01/02/2026"}


def test_encounter_save_drops_its_draft_and_a_refused_one_keeps_it(demo_engine: Engine) -> None:
    drafts = DraftService(demo_engine, "bob")
    bob = EncounterService(demo_engine, Clock(DEMO_TODAY), "bob")
    eid = unbilled(demo_engine)
    form = bob.load(eid)
    drafts.save("encounter", eid, {"pos": "22"})
    with pytest.raises(EditConflict):
        bob.save(replace(form, version=(form.version or 0) + 5), loaded=form)
    assert drafts.find("encounter", eid) is not None
    bob.save(replace(form, pos="22"), loaded=form)
    assert drafts.find("encounter", eid) is None
