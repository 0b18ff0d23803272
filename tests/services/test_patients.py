"""Patients, coverages and prior authorizations."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.forms import AuthorizationForm, CoverageForm, PatientForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.patients import FormInvalid, PatientService, SaveRefused
from tests.conftest import DEMO_TODAY

NEW = PatientForm(
    first_name="Ada",
    last_name="Quill",
    dob="03/04/1980",
    sex="f",
    address1="1 Elm St",
    city="Salem",
    state="or",
    zip="97301",
)


def svc(engine: Engine) -> PatientService:
    return PatientService(engine, Clock(DEMO_TODAY), "biller1")


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())


def test_new_patient_gets_the_next_account_number(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        last = conn.execute(text("SELECT max(account_no) FROM patient")).scalar_one()
    saved = svc(demo_engine).save(NEW)
    assert saved.account_no == f"A{int(last[1:]) + 1:06d}"
    assert (saved.sex, saved.state, saved.version) == ("F", "OR", 1)
    updated = svc(demo_engine).save(replace(saved, phone="(503) 555-0100"))
    assert updated.phone == "5035550100" and updated.version == 2


def test_bad_patient_fields_are_named_and_nothing_is_saved(demo_engine: Engine) -> None:
    before = count(demo_engine, "patient")
    bad = replace(NEW, first_name="", dob="31/31/1980", sex="x", state="ZZ", zip="123")
    with pytest.raises(FormInvalid) as caught:
        svc(demo_engine).save(bad)
    assert [e.field for e in caught.value.errors] == ["first_name", "dob", "sex", "state", "zip"]
    assert count(demo_engine, "patient") == before
    with pytest.raises(FormInvalid, match="future"):
        svc(demo_engine).save(replace(NEW, dob="01/01/2030"))


def test_stale_patient_edit_is_refused(demo_engine: Engine) -> None:
    saved = svc(demo_engine).save(NEW)
    svc(demo_engine).save(replace(saved, city="Bend"))
    with pytest.raises(SaveRefused, match="Someone else changed this patient"):
        svc(demo_engine).save(replace(saved, city="Eugene"))
    assert svc(demo_engine).load(saved.patient_id or 0).city == "Bend"


def test_guarantor_by_account_number(demo_engine: Engine) -> None:
    parent = svc(demo_engine).save(NEW)
    child = svc(demo_engine).save(
        replace(
            NEW, first_name="Kid", dob="01/01/2015", guarantor_account=parent.account_no.lower()
        )
    )
    assert child.guarantor_account == parent.account_no
    with pytest.raises(SaveRefused, match="No account Z999"):
        svc(demo_engine).save(replace(NEW, guarantor_account="Z999"))


def test_coverage_rules(demo_engine: Engine) -> None:
    patient = svc(demo_engine).save(NEW)
    payer = svc(demo_engine).payers()[0].id
    pid = patient.patient_id or 0
    form = CoverageForm(
        patient_id=pid,
        payer_id=payer,
        member_id="abc123",
        group_no="",
        relationship="18",
        priority="1",
        effective_from="01/01/2026",
    )
    cid = svc(demo_engine).save_coverage(form)
    assert svc(demo_engine).load_coverage(cid).member_id == "ABC123"
    with pytest.raises(SaveRefused, match="already has"):
        svc(demo_engine).save_coverage(replace(form, member_id="XYZ9"))
    secondary = svc(demo_engine).save_coverage(replace(form, priority="2", member_id="XYZ9"))
    assert secondary != cid
    with pytest.raises(FormInvalid) as caught:
        svc(demo_engine).save_coverage(
            replace(form, member_id="", relationship="19", effective_to="12/31/2025", payer_id=None)
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "payer",
        "member_id",
        "effective_to",
        "subscriber_last_name",
        "subscriber_sex",
    }


def test_the_subscribers_sex_is_stored_with_the_coverage(demo_engine: Engine) -> None:
    """Asked when the patient is not the subscriber (F, M, or U when not known); the patient's
    own when they are, and it follows the patient's record."""
    patient = svc(demo_engine).save(NEW)
    pid = patient.patient_id or 0
    payer = svc(demo_engine).payers()[0].id
    own = CoverageForm(pid, payer, "OWN1", "", "18", "1", "01/01/2026")
    child = replace(
        own,
        member_id="KID1",
        relationship="19",
        priority="2",
        subscriber_first_name="Max",
        subscriber_last_name="Doe",
    )
    with pytest.raises(FormInvalid, match="sex: enter F, M, or U"):
        svc(demo_engine).save_coverage(child)
    with pytest.raises(FormInvalid, match="F, M, or U if not known"):
        svc(demo_engine).save_coverage(replace(child, subscriber_sex="X"))
    dependent = svc(demo_engine).save_coverage(replace(child, subscriber_sex="m"))
    self_id = svc(demo_engine).save_coverage(own)
    assert svc(demo_engine).load_coverage(dependent).subscriber_sex == "M"
    assert svc(demo_engine).load_coverage(self_id).subscriber_sex == ""  # not asked
    loaded = svc(demo_engine).load(pid)
    svc(demo_engine).save(replace(loaded, sex="M"))
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relationship, c.subscriber_sex, p.sex FROM coverage c "
                "JOIN patient p ON p.id = c.patient_id WHERE p.id = :p ORDER BY c.id"
            ),
            {"p": pid},
        ).all()
    assert [tuple(r) for r in rows] == [("19", "M", "M"), ("18", "M", "M")]


def test_authorization_request_then_outcome(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        cov = conn.execute(text("SELECT id FROM coverage ORDER BY id LIMIT 1")).scalar_one()
    service = svc(demo_engine)
    request = AuthorizationForm(
        coverage_id=cov,
        status="pending",
        codes="97110, 97140",
        visits_allowed="12",
        follow_up_on="11/09/2026",
    )
    aid = service.save_authorization(request)
    pending = {row.authorization_id: row for row in service.pending_authorizations()}
    assert pending[aid].codes == "97110 97140"
    with pytest.raises(FormInvalid, match="needs the payer's number"):
        service.save_authorization(replace(request, status="approved", authorization_id=aid))
    service.save_authorization(
        replace(
            request,
            status="approved",
            number="AUTH-77",
            start_date="11/01/2026",
            end_date="01/31/2027",
            authorization_id=aid,
        )
    )
    assert aid not in [row.authorization_id for row in service.pending_authorizations()]
    with pytest.raises(FormInvalid) as caught:
        service.save_authorization(
            replace(request, status="maybe", codes="9711", visits_allowed="-1")
        )
    assert {e.field for e in caught.value.errors} == {"status", "codes", "visits_allowed"}
