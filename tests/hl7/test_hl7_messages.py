"""The HL7 interface's service on the demo practice: registrations, charges, credits before
and after billing, a merge, resends and the bad input of issue 23."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.hl7_interface import Hl7Service
from tests.conftest import DEMO_TODAY, TEST_LOGIN
from tests.hl7.messages import adt, dft, ft1, mapped_practice


def one(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def counts(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM patient), (SELECT count(*) FROM coverage), "
                    "(SELECT count(*) FROM encounter), (SELECT count(*) FROM charge), "
                    "(SELECT count(*) FROM work_item)"
                )
            ).one()
        )


def lines_of(engine: Engine, encounter_id: int) -> list[tuple[str, Decimal, Decimal]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, units, amount FROM charge WHERE encounter_id = :e ORDER BY line_no"),
            {"e": encounter_id},
        ).all()
    return [(r.code, r.units, r.amount) for r in rows]


@pytest.fixture
def service(demo_engine: Engine) -> Hl7Service:
    return mapped_practice(demo_engine)[0]


def test_registration_then_charges_land_unbilled_and_scrubbed_clean(
    demo_engine: Engine, service: Hl7Service
) -> None:
    before = counts(demo_engine)
    registered = service.receive(adt("M1"))
    assert registered.code == "AA", registered.reason
    assert "MSA|AA|M1" in registered.ack
    charged = service.receive(dft("M2", [ft1(1, "99213", dx="J06.9~R05.9"), ft1(2, "87880")]))
    assert charged.code == "AA", charged.reason
    eid = int(one(demo_engine, "SELECT encounter_id FROM hl7_message WHERE id = :m",
                  m=charged.message_id))  # fmt: skip
    assert one(demo_engine, "SELECT status FROM encounter WHERE id = :e", e=eid) == "unbilled"
    assert [code for code, _, _ in lines_of(demo_engine, eid)] == ["99213", "87880"]
    dx = one(demo_engine, "SELECT string_agg(code, ',' ORDER BY seq) FROM encounter_diagnosis "
             "WHERE encounter_id = :e", e=eid)  # fmt: skip
    assert dx == "J069,R059"
    assert one(demo_engine, "SELECT coverage_id IS NOT NULL FROM encounter WHERE id = :e", e=eid)
    preview = ClaimService(demo_engine, Clock(DEMO_TODAY), TEST_LOGIN).create([eid], dry_run=True)
    assert not preview.skipped and sum(b.claims for b in preview.batches) == 1
    # a resend of either is answered the same and changes nothing
    assert counts(demo_engine) != before
    after = counts(demo_engine)
    again = service.receive(dft("M2", [ft1(1, "99213"), ft1(2, "87880")]))
    assert again.code == "AA" and again.resent
    assert service.receive(adt("M1")).resent
    assert counts(demo_engine) == after
    # an update (A08) changes the same patient, never a second one
    updated = service.receive(adt("M3", event="A08", last="Quill-Ross"))
    assert updated.code == "AA", updated.reason
    assert counts(demo_engine) == after
    assert one(demo_engine, "SELECT count(*) FROM patient WHERE last_name = 'Quill-Ross'") == 1


def test_credit_before_billing_changes_the_line_and_after_opens_a_work_item(
    demo_engine: Engine, service: Hl7Service
) -> None:
    assert service.receive(adt("C1")).code == "AA"
    first = service.receive(dft("C2", [ft1(1, "99213"), ft1(2, "36415", qty="3")]))
    assert first.code == "AA", first.reason
    eid = int(one(demo_engine, "SELECT encounter_id FROM hl7_message WHERE id = :m",
                  m=first.message_id))  # fmt: skip
    three = lines_of(demo_engine, eid)[1]
    credit = service.receive(dft("C3", [ft1(1, "36415", kind="CR")]))
    assert credit.code == "AA", credit.reason
    assert lines_of(demo_engine, eid)[1] == ("36415", Decimal(2), three[2] * 2 / 3)
    added = service.receive(dft("C4", [ft1(1, "99213", qty="-1"), ft1(2, "99214")]))
    assert added.code == "AA", added.reason
    assert [code for code, _, _ in lines_of(demo_engine, eid)] == ["36415", "99214"]
    too_much = service.receive(dft("C5", [ft1(1, "36415", qty="-5")]))
    assert too_much.code == "AE" and "FT1 #1 FT1-7" in (too_much.reason or "")
    run = ClaimService(demo_engine, Clock(DEMO_TODAY), TEST_LOGIN).create([eid])
    assert len(run.claim_ids) == 1
    billed = lines_of(demo_engine, eid)
    late = service.receive(dft("C6", [ft1(1, "36415", kind="CR")]))
    assert late.code == "AA", late.reason
    assert lines_of(demo_engine, eid) == billed
    detail = one(demo_engine, "SELECT detail FROM work_item WHERE claim_id = :c "
                 "AND kind = 'followup' AND status = 'open'", c=run.claim_ids[0])  # fmt: skip
    assert str(detail).startswith("charge changed after billing")


def test_merge_moves_the_visits_to_the_survivor(demo_engine: Engine, service: Hl7Service) -> None:
    assert service.receive(adt("G1", ehr_id="E1")).code == "AA"
    assert service.receive(adt("G2", ehr_id="E2", last="Quilll", dob="19800116")).code == "AA"
    assert service.receive(dft("G3", [ft1(1, "99213")], ehr_id="E2", visit="V9")).code == "AA"
    merge = "\r".join(
        [
            "MSH|^~\\&|EPIC|CLINIC|MEDBILL|BILLING|20261030||ADT^A40^ADT_A39|G4|P|2.5.1",
            "EVN|A40|20261030",
            "PID|1||E1^^^EPIC^MR||Quill^Jane||19800115|F",
            "MRG|E2^^^EPIC^MR",
        ]
    )
    done = service.receive(merge)
    assert done.code == "AA", done.reason
    survivor = one(demo_engine, "SELECT patient_id FROM hl7_patient WHERE ehr_id = 'E1'")
    assert one(demo_engine, "SELECT merged_into_id FROM patient p JOIN hl7_patient h "
               "ON h.patient_id = p.id WHERE h.ehr_id = 'E2'") == survivor  # fmt: skip
    assert one(demo_engine, "SELECT patient_id FROM encounter e JOIN hl7_visit v "
               "ON v.encounter_id = e.id WHERE v.visit_key = 'V9'") == survivor  # fmt: skip
    # charges for the merged id now land on the survivor
    assert service.receive(dft("G5", [ft1(1, "99214")], ehr_id="E2", visit="V10")).code == "AA"
    assert one(demo_engine, "SELECT e.patient_id FROM encounter e JOIN hl7_visit v "
               "ON v.encounter_id = e.id WHERE v.visit_key = 'V10'") == survivor  # fmt: skip


BAD = [
    (adt("B1").replace("E1001^^^EPIC^MR", ""), "AE", "PID-3"),
    (adt("B2", plan="AETNA9"), "AE", "IN1 #1 IN1-2: plan AETNA9 from CLINIC is not mapped"),
    (adt("B3", dob="19801345"), "AE", "PID-7"),
    (dft("B4", [ft1(1, "99213")], ehr_id="NOBODY"), "AE", "PID-3"),
    (dft("B5", [ft1(1, "99213", qty="two")]), "AE", "FT1 #1 FT1-10"),
    (dft("B6", [ft1(1, "99213", day="2026-10-30")]), "AE", "FT1 #1 FT1-4"),
    (dft("B7", [ft1(1, "99213").replace("DR1^Lee", "DR9^Lee")]), "AE", "FT1 #1 FT1-20"),
    (dft("B8", [ft1(1, "99213")], location="ANNEX"), "AE", "PV1-3"),
    (adt("B9").replace("ADT^A04^ADT_A01", "ORU^R01"), "AR", "MSH-9"),
    (adt("B10").replace("|2.5.1", "|2.7"), "AR", "MSH-12"),
    ("PID|1||E1001", "AR", "MSH"),
]


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    demo_engine: Engine, service: Hl7Service
) -> None:
    assert service.receive(adt("OK1")).code == "AA"
    before = counts(demo_engine)
    for raw, code, where in BAD:
        outcome = service.receive(raw)
        assert (outcome.code, where in (outcome.reason or "")) == (code, True), outcome.reason
        assert f"MSA|{code}|" in outcome.ack
    assert counts(demo_engine) == before
    held = service.log(errors_only=True)
    assert {r.control_id for r in held} == {f"B{n}" for n in range(1, 9)}


def test_a_held_message_goes_through_once_the_mapping_is_added(
    demo_engine: Engine, service: Hl7Service
) -> None:
    from medbill_tui.records.hl7 import Hl7Mapping

    held = service.receive(adt("R1", plan="AETNA9"))
    assert held.code == "AE" and held.message_id is not None
    code = one(demo_engine, "SELECT payer_code FROM payer ORDER BY id DESC LIMIT 1")
    service.set_mapping(Hl7Mapping("CLINIC", "payer", "AETNA9", str(code)))
    again = service.reprocess(held.message_id)
    assert again.code == "AA", again.reason
    assert service.log(errors_only=True) == ()
    assert one(demo_engine, "SELECT attempts FROM hl7_message WHERE id = :m",
               m=held.message_id) == 2  # fmt: skip
