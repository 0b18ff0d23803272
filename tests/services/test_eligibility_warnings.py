"""Charge entry and the unbilled queue warn when a visit's coverage is unverified: once the
practice asks the payer, a visit with no answer for its date warns until the 271 is in."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from medbill_tui.db.repositories.scrubbing import scrub_encounters
from medbill_tui.edi.sandbox_271 import respond_270
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.eligibility import EligibilityService
from medbill_tui.services.imports import ImportService
from tests.conftest import DEMO_TODAY
from tests.services.test_encounters import a_patient, form_for, svc


def _eligibility_rules(engine: Engine, encounter_id: int) -> list[str]:
    with engine.connect() as conn:
        findings = scrub_encounters(conn, [encounter_id], DEMO_TODAY)[encounter_id]
    return [f.rule_id for f in findings if f.rule_id.startswith("ELIG-")]


def test_a_visit_warns_unverified_from_the_ask_until_the_answer(
    demo_engine: Engine, tmp_path: Path
) -> None:
    p = a_patient(demo_engine)
    service = svc(demo_engine)
    saved = service.save(form_for(p))
    before = [f.rule_id for f in service.check(form_for(p)) if f.rule_id.startswith("ELIG-")]
    assert before == []  # the practice has not asked this payer: no noise

    run = EligibilityService(demo_engine, Clock(DEMO_TODAY), "biller1", tmp_path).request(
        [p["coverage_id"]]
    )
    assert run.path is not None
    (waiting,) = [f for f in service.check(form_for(p)) if f.rule_id.startswith("ELIG-")]
    assert waiting.rule_id == "ELIG-UNVERIFIED" and waiting.severity == "warning"
    assert "no answer yet" in waiting.message
    assert _eligibility_rules(demo_engine, saved.encounter_id) == ["ELIG-UNVERIFIED"]

    answer = respond_270(run.path.read_text(encoding="ascii"), seed=1, today=DEMO_TODAY)
    ImportService(demo_engine, Clock(DEMO_TODAY), "biller1").import_bytes(
        "answer.271.x12", answer.encode("ascii")
    )
    after = [f.rule_id for f in service.check(form_for(p)) if f.rule_id.startswith("ELIG-")]
    assert "ELIG-UNVERIFIED" not in after
    assert _eligibility_rules(demo_engine, saved.encounter_id) == after
