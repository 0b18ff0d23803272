"""A patient on someone else's plan is asked about as the dependent (2000D/2100D) under the
subscriber, x12sdk reads it back, and the sandbox's answer finds its check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox_271 import respond_270
from medbill_tui.edi.x12sdk_adapter import read_models
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import EligibilityService
from medbill_tui.services.imports import ImportService
from tests.conftest import DEMO_TODAY


def _dependent_coverage(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            text(
                """SELECT cv.id, cv.member_id, cv.subscriber_last_name, cv.subscriber_first_name,
                          p.last_name, p.first_name, p.dob
                   FROM coverage cv JOIN patient p ON p.id = cv.patient_id
                   WHERE cv.relationship <> '18' AND cv.subscriber_last_name <> ''
                     AND cv.effective_from <= :today
                     AND (cv.effective_to IS NULL OR cv.effective_to >= :today)
                   ORDER BY cv.id LIMIT 1"""
            ),
            {"today": DEMO_TODAY},
        ).one()


def test_a_dependents_270_has_the_dependent_loop_and_the_271_answers_it(
    demo_engine: Engine, tmp_path: Path
) -> None:
    cov = _dependent_coverage(demo_engine)
    service = EligibilityService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path)
    run = service.request([cov.id])
    assert run.path is not None and run.coverages == 1
    content = run.path.read_text(encoding="ascii")

    (model,) = read_models(content)
    (subscriber,) = model["loop_2000a"][0]["loop_2000b"][0]["loop_2000c"]
    assert subscriber["hl_segment"]["hierarchical_child_code"] == "1"
    assert not subscriber.get("trn_segment")
    insured = subscriber["loop_2100c"]["nm1_segment"]
    assert (insured["name_last_or_organization_name"], insured["identification_code"]) == (
        cov.subscriber_last_name.upper(),
        cov.member_id,
    )
    (dependent,) = subscriber["loop_2000d"]
    assert dependent["hl_segment"]["hierarchical_level_code"] == "23"
    assert dependent["trn_segment"][0]["reference_identification_1"].startswith("MBE")
    person = dependent["loop_2100d"]
    name = person["nm1_segment"]
    assert (name["entity_identifier_code"], name["name_last_or_organization_name"]) == (
        "03",
        cov.last_name.upper(),
    )
    assert person["dmg_segment"]["date_time_period"] == cov.dob.isoformat()
    assert person["loop_2110d"][0]["eq_segment"]["service_type_code"] == ["30"]

    answer = respond_270(content, seed=1, today=DEMO_TODAY)
    (answered,) = read_models(answer)
    (back,) = answered["loop_2000a"][0]["loop_2000b"][0]["loop_2000c"][0]["loop_2000d"]
    assert (
        back["trn_segment"][0]["reference_identification_1"]
        == (dependent["trn_segment"][0]["reference_identification_1"])
    )
    result = ImportService(demo_engine, Clock(DEMO_TODAY), "biller1").import_bytes(
        "answer.271.x12", answer.encode("ascii")
    )
    assert result.kind == "271" and result.accepted + result.rejected == 1
    with demo_engine.connect() as conn:
        outcome, verified_on = conn.execute(
            text("SELECT outcome, verified_on FROM eligibility_check WHERE coverage_id = :c"),
            {"c": cov.id},
        ).one()
    assert outcome in ("active", "inactive", "rejected") and verified_on == DEMO_TODAY
