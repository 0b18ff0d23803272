"""Guarantors from GT1, plans an A08 drops, and what IN2 adds (issue 23)."""

from __future__ import annotations

from sqlalchemy import Engine, text

from medbill_tui.records.hl7 import Hl7Mapping
from medbill_tui.services.hl7_interface import Hl7Service
from tests.hl7.messages import MSH, in1, mapped_practice
from tests.hl7.test_hl7_messages import counts, one


def registration(control: str, ehr_id: str, first: str, *rest: str, event: str = "A04") -> str:
    return "\r".join(
        [
            MSH.format(type=f"ADT^{event}^ADT_A01", control=control),
            f"EVN|{event}|20261030091500",
            f"PID|1||{ehr_id}^^^EPIC^MR||Quill^{first}||20150302|M|||"
            "12 Elm St^^Springfield^IL^62701||^PRN^PH^^^217^5551234",
            "PV1|1|O",
            *rest,
        ]
    )


PARENT_GT1 = "GT1|1|G77|Quill^Jane|||||19800115|F||MTH"


def test_a_guarantor_named_in_gt1_is_registered_once_at_the_patients_address(
    demo_engine: Engine,
) -> None:
    service, _ = mapped_practice(demo_engine)
    first = service.receive(registration("Q1", "E2001", "Tom", in1("BCBS01"), PARENT_GT1))
    assert first.code == "AA", first.reason
    sibling = service.receive(registration("Q2", "E2002", "Ada", in1("BCBS01"), PARENT_GT1))
    assert sibling.code == "AA", sibling.reason
    guarantors = one(
        demo_engine,
        "SELECT string_agg(DISTINCT g.first_name || ' ' || g.city || ' ' || g.dob, ',') "
        "FROM patient p JOIN hl7_patient h ON h.patient_id = p.id "
        "JOIN patient g ON g.id = p.guarantor_id WHERE h.ehr_id IN ('E2001', 'E2002')",
    )
    assert guarantors == "Jane Springfield 1980-01-15"
    assert one(demo_engine, "SELECT count(*) FROM hl7_patient WHERE ehr_id = 'G77'") == 1
    assert one(
        demo_engine,
        "SELECT count(*) FROM note n JOIN hl7_patient h ON h.patient_id = n.entity_id "
        "WHERE n.entity = 'patient' AND h.ehr_id = 'G77' "
        "AND n.body LIKE 'Guarantor of the patient E2001%'",
    )


def test_an_unknown_guarantor_without_a_birth_date_is_held_and_nothing_changes(
    demo_engine: Engine,
) -> None:
    service, _ = mapped_practice(demo_engine)
    before = counts(demo_engine)
    thin = PARENT_GT1.replace("19800115", "")
    held = service.receive(registration("Q3", "E2003", "Tom", in1("BCBS01"), thin))
    assert held.code == "AE" and (held.reason or "").startswith("GT1-8: G77 is not registered")
    nameless = service.receive(registration("Q4", "E2003", "Tom", "GT1|1|G78||||||19800115|F||MTH"))
    assert nameless.code == "AE" and (nameless.reason or "").startswith("GT1-3")
    assert counts(demo_engine) == before


def plans(engine: Engine, ehr_id: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.priority, c.member_id, c.relationship, c.effective_to FROM coverage c "
                "JOIN hl7_patient h ON h.patient_id = c.patient_id WHERE h.ehr_id = :e "
                "ORDER BY c.priority"
            ),
            {"e": ehr_id},
        ).all()
    return [tuple(r) for r in rows]


def two_plans(engine: Engine) -> Hl7Service:
    service, _ = mapped_practice(engine)
    code = one(engine, "SELECT payer_code FROM payer ORDER BY id DESC LIMIT 1")
    service.set_mapping(Hl7Mapping("CLINIC", "payer", "AETNA9", str(code)))
    return service


def test_an_a08_without_a_plan_ends_it_the_day_before_and_audits_it(demo_engine: Engine) -> None:
    service = two_plans(demo_engine)
    second = in1("AETNA9").replace("IN1|1|", "IN1|2|").replace("XQ123456", "AE777")
    both = service.receive(registration("D1", "E3001", "Jo", in1("BCBS01"), second))
    assert both.code == "AA", both.reason
    assert [p[3] for p in plans(demo_engine, "E3001")] == [None, None]
    demographics = service.receive(registration("D2", "E3001", "Joe", event="A08"))
    assert demographics.code == "AA", demographics.reason
    assert [p[3] for p in plans(demo_engine, "E3001")] == [None, None]
    dropped = service.receive(registration("D3", "E3001", "Joe", in1("BCBS01"), event="A08"))
    assert dropped.code == "AA", dropped.reason
    ended = plans(demo_engine, "E3001")
    assert [(p[1], str(p[3])) for p in ended] == [("XQ123456", "None"), ("AE777", "2026-10-29")]
    assert one(
        demo_engine,
        "SELECT count(*) FROM audit_event WHERE action = 'end' AND entity = 'coverage' "
        "AND detail LIKE '%ADT^A08 D3 from CLINIC'",
    )


def test_in2_gives_the_member_id_and_relationship_in1_leaves_out(demo_engine: Engine) -> None:
    service, _ = mapped_practice(demo_engine)
    bare = in1("BCBS01").replace("XQ123456", "").replace("|SEL|", "||")
    in2 = "|".join(["IN2", "1"] + [""] * 59 + ["XQ999-02"] + [""] * 10 + ["CHD"])
    assert in2.split("|")[61] == "XQ999-02" and in2.split("|")[72] == "CHD"
    done = service.receive(registration("N1", "E4001", "Kit", bare, in2))
    assert done.code == "AA", done.reason
    assert plans(demo_engine, "E4001") == [(1, "XQ999-02", "19", None)]
