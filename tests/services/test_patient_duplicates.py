"""The duplicate check on save: name + date of birth, member id on a payer; save anyway."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.patient_duplicates import MEMBER_SQL, NAME_DOB_SQL
from medbill_tui.records.forms import CoverageForm, PatientForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.patients import PatientService, PossibleDuplicate
from tests.conftest import DEMO_TODAY

ADA = PatientForm(
    first_name="Zoë",
    last_name="Quíll",
    dob="03/04/1980",
    sex="f",
    address1="1 Elm St",
    city="Salem",
    state="or",
    zip="97301",
    phone="5035550100",
)


def svc(engine: Engine) -> PatientService:
    return PatientService(engine, Clock(DEMO_TODAY), "biller1")


def patients(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM patient")).scalar_one())


def audit_details(engine: Engine, action: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT detail FROM audit_event WHERE action = :a ORDER BY id"), {"a": action}
            ).scalars()
        )


def test_the_same_name_and_dob_typed_again_is_shown_then_saved_only_when_asked(
    demo_engine: Engine,
) -> None:
    first = svc(demo_engine).save(ADA)
    before = patients(demo_engine)
    again = replace(ADA, first_name=" ZOE ", last_name="quill", address1="9 Oak Ave")
    with pytest.raises(PossibleDuplicate) as caught:
        svc(demo_engine).save(again)
    (match,) = caught.value.duplicates
    assert (match.account_no, match.name, match.phone) == (
        first.account_no,
        "Quíll, Zoë",
        ADA.phone,
    )
    assert (
        match.address == "1 Elm St, Salem, OR 97301" and match.why == "same name and date of birth"
    )
    assert patients(demo_engine) == before  # nothing written
    second = svc(demo_engine).save(again, despite=(first.account_no,))
    assert second.account_no != first.account_no and patients(demo_engine) == before + 1
    assert audit_details(demo_engine, "override")[-1] == (
        f"saved despite possible duplicate of {first.account_no}"
    )


def test_an_edit_asks_only_when_it_changes_the_name_or_dob(demo_engine: Engine) -> None:
    first = svc(demo_engine).save(ADA)
    other = svc(demo_engine).save(replace(ADA, first_name="Ida"))
    moved = svc(demo_engine).save(replace(other, city="Bend"))  # no name/DOB change: no question
    with pytest.raises(PossibleDuplicate) as caught:
        svc(demo_engine).save(replace(moved, first_name="zoe"))
    assert [d.account_no for d in caught.value.duplicates] == [first.account_no]


def test_a_member_id_another_patient_has_on_the_payer_is_shown(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        theirs = conn.execute(
            text("SELECT c.patient_id, c.payer_id, c.member_id, p.account_no FROM coverage c "
                 "JOIN patient p ON p.id = c.patient_id "
                 "WHERE c.relationship = '18' AND NOT EXISTS ("
                 "SELECT 1 FROM coverage o WHERE o.payer_id = c.payer_id AND o.id <> c.id "
                 "AND upper(o.member_id) = upper(c.member_id) AND o.relationship = '18') "
                 "ORDER BY c.id LIMIT 1")
        ).one()  # fmt: skip
    mine = svc(demo_engine).save(ADA)
    assert mine.patient_id is not None
    form = CoverageForm(
        patient_id=mine.patient_id,
        payer_id=theirs.payer_id,
        member_id=f" {theirs.member_id.lower()} ",
        group_no="",
        relationship="18",
        priority="1",
        effective_from="01/01/2024",
    )
    with pytest.raises(PossibleDuplicate) as caught:
        svc(demo_engine).save_coverage(form)
    assert [d.account_no for d in caught.value.duplicates] == [theirs.account_no]
    assert caught.value.duplicates[0].why.startswith("same member id on ")
    saved = svc(demo_engine).save_coverage(form, despite=(theirs.account_no,))
    assert saved > 0
    assert audit_details(demo_engine, "override")[-1].endswith(theirs.account_no)


LARGE = 20_000
"""Patients (each with a coverage) added for the plans: a practice where a scan would hurt."""


def _grow(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1,
                                         city, state, zip)
                    SELECT 'B' || lpad(n::text, 6, '0'), 'First' || n, 'Last' || (n % 5000),
                           DATE '1950-01-01' + n % 20000, 'F', '1 Elm St', 'Salem', 'OR', '97301'
                    FROM generate_series(1, :n) n"""),
            {"n": LARGE},
        )
        conn.execute(
            text("""INSERT INTO coverage (patient_id, payer_id, member_id, priority,
                                          effective_from)
                    SELECT p.id, (SELECT min(id) FROM payer), 'M' || p.id, 1, DATE '2024-01-01'
                    FROM patient p WHERE p.account_no LIKE 'B%'""")
        )
        conn.execute(text("ANALYZE patient, coverage"))


def _plan(engine: Engine, sql: str, params: dict[str, object]) -> str:
    with engine.connect() as conn:
        return "\n".join(conn.execute(text(f"EXPLAIN {sql}"), params).scalars())


def test_each_lookup_is_one_index_probe_not_a_scan(demo_engine: Engine) -> None:
    _grow(demo_engine)
    name_plan = _plan(
        demo_engine,
        NAME_DOB_SQL,
        {"last": "Last7", "first": "First7", "dob": "1950-01-08", "self": None},
    )
    assert "ix_patient_name_dob_key" in name_plan and "Seq Scan on patient" not in name_plan
    member_plan = _plan(demo_engine, MEMBER_SQL, {"payer": 1, "member": "m77", "self": 1})
    assert "ix_coverage_payer_member" in member_plan, member_plan
    assert "Seq Scan on coverage" not in member_plan and "Seq Scan on patient" not in member_plan
