"""A rejected claim is corrected in charge entry (or resent as it stands) and sent again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.records.forms import LineForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimRefused, ClaimService
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.submissions import SubmissionService
from tests.conftest import DEMO_TODAY
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p


def a_rejected_claim(engine: Engine) -> tuple[int, int]:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT c.id, c.encounter_id FROM claim c WHERE c.status IN "
                "('rejected_999', 'rejected_277ca') ORDER BY c.id LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                "INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, detail) "
                "SELECT 'rejection', id, patient_id, total_charge, :d, 'test' FROM claim "
                "WHERE id = :c"
            ),
            {"c": row[0], "d": DEMO_TODAY},
        )
    return int(row[0]), int(row[1])


def claim_state(engine: Engine, claim_id: int) -> tuple[str, object, object, object]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.status, c.total_charge, (SELECT sum(amount) FROM claim_line "
                "WHERE claim_id = c.id), (SELECT sum(amount) FROM ledger_entry "
                "WHERE claim_id = c.id "
                "AND kind IN ('charge', 'reversal')) FROM claim c WHERE c.id = :c"
            ),
            {"c": claim_id},
        ).one()
    return row[0], row[1], row[2], row[3]


def test_correcting_the_visit_makes_the_claim_ready_and_it_is_sent_again(
    demo_engine: Engine,
    tmp_path: Path,
) -> None:
    claim_id, encounter_id = a_rejected_claim(demo_engine)
    entry = EncounterService(demo_engine, Clock(DEMO_TODAY), "b1")
    form = entry.load(encounter_id)
    corrected = replace(form, lines=(*form.lines, LineForm(code="36415", charge="12.00")))
    entry.save(corrected)
    status, total, lines, ledger = claim_state(demo_engine, claim_id)
    assert status == "ready" and total == lines == ledger
    with demo_engine.connect() as conn:
        open_items = conn.execute(
            text(
                "SELECT count(*) FROM work_item WHERE claim_id = :c AND kind = 'rejection' "
                "AND status = 'open'"
            ),
            {"c": claim_id},
        ).scalar_one()
    assert open_items == 0
    sent = SubmissionService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path).submit([claim_id])
    assert sent.claims == 1
    resent = Path(sent.files[0].path).read_text()
    assert_both_parsers_read_837p(resent)
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "b1").check_ledger() == ()


def test_resend_as_it_stands_and_only_rejected_claims(demo_engine: Engine) -> None:
    claim_id, _ = a_rejected_claim(demo_engine)
    claims = ClaimService(demo_engine, Clock(DEMO_TODAY), "b1")
    claims.resend_rejected(claim_id)
    assert claim_state(demo_engine, claim_id)[0] == "ready"
    with pytest.raises(ClaimRefused, match="only a rejected claim"):
        claims.resend_rejected(claim_id)
