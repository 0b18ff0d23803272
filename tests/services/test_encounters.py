"""Charge entry: look-ups, checking a form, saving it, conflicts — on the demo practice."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.forms import EncounterForm, LineForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.encounters import EditConflict, EncounterService, EntryInvalid
from tests.conftest import DEMO_TODAY


def svc(engine: Engine) -> EncounterService:
    return EncounterService(engine, Clock(DEMO_TODAY), "biller1")


def a_patient(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                """SELECT p.id, p.last_name, p.first_name, p.account_no, p.dob, cv.id AS coverage_id
               FROM patient p JOIN coverage cv ON cv.patient_id = p.id AND cv.priority = 1
               WHERE cv.effective_to IS NULL ORDER BY p.id LIMIT 1"""
            )
        ).one()
        provider = conn.execute(text("SELECT id FROM provider ORDER BY id LIMIT 1")).scalar_one()
        price = conn.execute(
            text("SELECT price FROM fee_schedule WHERE code = '99213' AND payer_id IS NULL")
        ).scalar_one()
    return {**row._asdict(), "provider_id": provider, "price": price}


def form_for(p: dict[str, Any], **changes: Any) -> EncounterForm:
    base = EncounterForm(
        patient_id=p["id"],
        provider_id=p["provider_id"],
        coverage_id=p["coverage_id"],
        authorization_id=None,
        dos="10/30/2026",
        pos="11",
        diagnoses=("E11.9", "i10"),
        lines=(
            LineForm(code="99213", charge=f"{p['price']:.2f}", pointers="12"),
            LineForm(code="36415", charge="12.00", pointers="1"),
        ),
    )
    return replace(base, **changes)


def test_find_patients_by_name_account_and_dob(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    service = svc(demo_engine)
    assert p["id"] in [h.patient_id for h in service.find_patients(p["last_name"][:3])]
    assert (
        service.find_patients(f"{p['last_name']}, {p['first_name'][:2]}")[0].patient_id == p["id"]
    )
    assert service.find_patients(p["account_no"].lower())[0].patient_id == p["id"]
    assert p["id"] in [h.patient_id for h in service.find_patients(p["dob"].strftime("%m/%d/%Y"))]
    assert service.find_patients("   ") == ()


def test_fee_comes_from_the_schedule(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    assert svc(demo_engine).fee("99213", "", None) == p["price"]
    assert svc(demo_engine).fee("99999", "", None) is None


def test_save_a_new_encounter_and_edit_it(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    service = svc(demo_engine)
    saved = service.save(form_for(p))
    assert not any(f.severity == "error" for f in saved.findings)
    loaded = service.load(saved.encounter_id)
    assert loaded.diagnoses == ("E11.9", "I10")
    assert [(line.code, line.pointers, line.charge) for line in loaded.lines] == [
        ("99213", "12", f"{p['price']:.2f}"),
        ("36415", "1", "12.00"),
    ]
    edited = replace(
        loaded, diagnoses=("I10",), lines=(LineForm(code="99214", charge="140", pointers="1"),)
    )
    again = service.save(edited)
    assert again.encounter_id == saved.encounter_id and again.version == saved.version + 1
    with demo_engine.connect() as conn:
        charges = conn.execute(
            text("SELECT code, amount FROM charge WHERE encounter_id = :e"),
            {"e": saved.encounter_id},
        ).all()
        audit = (
            conn.execute(
                text(
                    "SELECT action FROM audit_event WHERE entity = 'encounter' "
                    "AND entity_id = :e ORDER BY id"
                ),
                {"e": saved.encounter_id},
            )
            .scalars()
            .all()
        )
    assert [tuple(c) for c in charges] == [("99214", Decimal("140.00"))]
    assert audit == ["create", "view", "update"]  # load() for the edit is audited


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"diagnoses": ("E11",)}, "dx.1", "ICD-BILLABLE"),
        ({"diagnoses": ("12.3",)}, "dx.1", "ICD-FORMAT"),
        ({"diagnoses": ("Q99.999",)}, "dx.1", "ICD-EXISTS"),
        ({"lines": (LineForm(code="99213", charge="abc"),)}, "line.1.charge", "CHARGE-FORMAT"),
        ({"lines": (LineForm(code="99213", charge="0"),)}, "line.1.charge", "CHARGE-POSITIVE"),
        (
            {"lines": (LineForm(code="99213", charge="90", pointers="3"),)},
            "line.1.pointers",
            "DX-POINTER",
        ),
        (
            {"lines": (LineForm(code="99213", charge="90", modifiers=("2", "", "", "")),)},
            "line.1.modifier.1",
            "MOD-VALID",
        ),
        ({"dos": "12/25/2026"}, "dos", "DOS-FUTURE"),
        ({"dos": "yesterday"}, "dos", "DOS-FORMAT"),
        ({"provider_id": None}, "provider.npi", "REQ-PROVIDER"),
    ],
)
def test_bad_entries_name_the_field_and_save_nothing(
    demo_engine: Engine, changes: dict[str, Any], field: str, rule: str
) -> None:
    p = a_patient(demo_engine)
    with demo_engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM encounter")).scalar_one()
    with pytest.raises(EntryInvalid) as caught:
        svc(demo_engine).save(form_for(p, **changes))
    blocking = [f for f in caught.value.findings if f.blocks_save]
    assert (field, rule) in [(f.field, f.rule_id) for f in blocking]
    assert str(caught.value).startswith("Not saved")
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM encounter")).scalar_one() == before


def test_warnings_do_not_block_saving(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    dup = (LineForm(code="36415", charge="12", pointers="1"),) * 2
    saved = svc(demo_engine).save(form_for(p, lines=dup))
    assert [f.rule_id for f in saved.findings if f.severity == "warning"] == ["DUP-LINE"]


def test_conflicting_edit_is_refused_and_keeps_the_first(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    service = svc(demo_engine)
    saved = service.save(form_for(p))
    mine = service.load(saved.encounter_id)
    theirs = service.load(saved.encounter_id)
    service.save(replace(theirs, pos="02"))
    with pytest.raises(EditConflict, match="Someone else changed"):
        service.save(replace(mine, pos="22"))
    assert service.load(saved.encounter_id).pos == "02"


def test_billed_encounters_cannot_be_edited(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        billed = conn.execute(
            text("SELECT id FROM encounter WHERE status = 'billed' LIMIT 1")
        ).scalar_one()
    with pytest.raises(EditConflict, match="only unbilled"):
        svc(demo_engine).load(billed)


def test_a_modifier_on_a_line_with_no_code_yet_is_a_finding_not_a_failure(
    demo_engine: Engine,
) -> None:
    """Charge entry checks as the biller types: a modifier keyed before the line's code must
    get the usual findings, not an error from the NCCI look-up of a blank code."""
    p = a_patient(demo_engine)
    form = form_for(
        p,
        lines=(
            LineForm(code="99213", charge=f"{p['price']:.2f}", pointers="1"),
            LineForm(code="", modifiers=("25",), charge="", pointers=""),
        ),
    )
    findings = svc(demo_engine).check(form)
    assert findings  # the line without a code is named


def test_a_self_pay_visit_says_so_as_the_queue_does_and_still_saves(demo_engine: Engine) -> None:
    p = a_patient(demo_engine)
    service = svc(demo_engine)
    self_pay = [f for f in service.check(form_for(p, coverage_id=None)) if f.rule_id == "SELF-PAY"]
    assert [(f.severity, f.field, f.blocks_save) for f in self_pay] == [
        ("error", "coverage", False)
    ]
    assert "patient is billed instead" in self_pay[0].message
    assert not [f for f in service.check(form_for(p)) if f.rule_id == "SELF-PAY"]
    saved = service.save(form_for(p, coverage_id=None))
    assert saved.encounter_id and any(f.rule_id == "SELF-PAY" for f in saved.findings)
