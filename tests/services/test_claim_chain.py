"""One replacement per claim, whoever asks: denial resubmits, two sessions at once, and the
corrected / void / rebill actions on a sent claim."""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimRefused, ClaimService
from medbill_tui.services.denials import DenialActionRefused
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.users import RoleRefused
from tests.conftest import DEMO_TODAY
from tests.factories import insert
from tests.services.test_denials import a_denial, service


def claims(engine: Engine, role: str = "supervisor") -> ClaimService:
    return ClaimService(engine, Clock(DEMO_TODAY), "b1", role=role)


def ledger_clean(engine: Engine) -> None:
    assert RemittanceService(engine, Clock(DEMO_TODAY), "x").check_ledger() == ()


def second_denial(engine: Engine, claim_id: int) -> int:
    """Another open denial item on the claim (a second denied line)."""
    with engine.begin() as conn:
        patient = conn.execute(
            text("SELECT patient_id FROM claim WHERE id = :c"), {"c": claim_id}
        ).scalar_one()
        return insert(
            conn,
            "work_item",
            kind="denial",
            claim_id=claim_id,
            patient_id=patient,
            group_code="CO",
            carc="16",
            amount=Decimal("40.00"),
            opened_on=DEMO_TODAY,
        )


def replacements(engine: Engine, claim_id: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT claim_no, frequency, status FROM claim WHERE replaces_claim_id = :c "
                "ORDER BY id"
            ),
            {"c": claim_id},
        ).all()
    return [tuple(r) for r in rows]


def open_items(engine: Engine, claim_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM work_item WHERE claim_id = :c AND status = 'open'"),
                {"c": claim_id},
            ).scalar_one()
        )


def a_claim(engine: Engine, where: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(f"SELECT claim_no FROM claim WHERE {where} ORDER BY id LIMIT 1")
            ).scalar_one()
        )


def test_two_denials_of_one_claim_make_one_replacement(demo_engine: Engine, tmp_path: Path) -> None:
    first, claim, _ = a_denial(demo_engine)
    second = second_denial(demo_engine, claim)
    new_no = service(demo_engine, tmp_path).resubmit(first)
    assert open_items(demo_engine, claim) == 0, "every open item closes with the replacement"
    with pytest.raises(DenialActionRefused, match=f"already replaced by {new_no} .status ready"):
        service(demo_engine, tmp_path).resubmit(second)
    assert [r[0] for r in replacements(demo_engine, claim)] == [new_no]
    ledger_clean(demo_engine)


def test_two_sessions_resubmitting_at_once_make_one_replacement(
    demo_engine: Engine, tmp_path: Path
) -> None:
    first, claim, _ = a_denial(demo_engine)
    second = second_denial(demo_engine, claim)
    start = threading.Barrier(2)
    made: list[str] = []
    refused: list[str] = []

    def resubmit(item: int) -> None:
        start.wait()
        try:
            made.append(service(demo_engine, tmp_path).resubmit(item))
        except DenialActionRefused as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=resubmit, args=(i,)) for i in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(made) == 1 and len(refused) == 1, (made, refused)
    assert f"already replaced by {made[0]}" in refused[0]
    assert [r[0] for r in replacements(demo_engine, claim)] == made
    ledger_clean(demo_engine)


def test_the_database_allows_one_live_replacement(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, _ = a_denial(demo_engine)
    service(demo_engine, tmp_path).resubmit(item)
    with (
        pytest.raises(Exception, match="ux_claim_one_live_replacement"),
        demo_engine.begin() as conn,
    ):
        conn.execute(
            text("""INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id,
                        payer_id, status, total_charge, created_on, replaces_claim_id)
                    SELECT 'CX1', encounter_id, patient_id, coverage_id, payer_id, 'ready',
                           total_charge, created_on, id FROM claim WHERE id = :c"""),
            {"c": claim},
        )


def test_correct_void_and_rebill_from_a_sent_claim(demo_engine: Engine) -> None:
    paid = a_claim(demo_engine, "status = 'paid' AND payer_claim_no IS NOT NULL")
    corrected = claims(demo_engine).correct(paid, "wrong modifier")
    assert (corrected.frequency, corrected.replaced_no) == ("7", paid)
    ledger_clean(demo_engine)
    with pytest.raises(ClaimRefused, match=f"already replaced by {corrected.claim_no}"):
        claims(demo_engine).void(paid)

    other = a_claim(
        demo_engine, f"status = 'paid' AND payer_claim_no IS NOT NULL AND claim_no <> '{paid}'"
    )
    with pytest.raises(RoleRefused, match="supervisor"):
        claims(demo_engine, role="biller").void(other)
    voided = claims(demo_engine).void(other, "billed the wrong patient")
    assert voided.frequency == "8"
    with demo_engine.connect() as conn:
        new = conn.execute(
            text(
                "SELECT original_payer_claim_no, status, total_charge FROM claim "
                "WHERE claim_no = :n"
            ),
            {"n": voided.claim_no},
        ).one()
        old = conn.execute(
            text("SELECT payer_claim_no, status, total_charge FROM claim WHERE claim_no = :n"),
            {"n": other},
        ).one()
    assert new.original_payer_claim_no == old.payer_claim_no and new.status == "ready"
    assert old.status == "replaced" and new.total_charge == old.total_charge
    ledger_clean(demo_engine)

    unanswered = a_claim(
        demo_engine, "status IN ('submitted', 'accepted_999') AND payer_claim_no IS NULL"
    )
    with pytest.raises(ClaimRefused, match="nothing to void"):
        claims(demo_engine).void(unanswered)
    rebilled = claims(demo_engine).rebill(unanswered, "payer has no record of it")
    assert rebilled.frequency == "1"
    ledger_clean(demo_engine)


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (None, "There is no claim C999"),
        ("status = 'ready'", "was never sent"),
        ("status = 'rejected_277ca'", "the payer never took it"),
        ("status = 'paid' AND payer_claim_no IS NOT NULL", "send a corrected claim or void"),
    ],
)
def test_bad_claims_change_nothing(demo_engine: Engine, where: str | None, words: str) -> None:
    claim_no = "C999" if where is None else a_claim(demo_engine, where)
    with demo_engine.connect() as conn:
        before = conn.execute(text("SELECT count(*), max(version) FROM claim")).one()
    with pytest.raises(ClaimRefused, match=words):
        claims(demo_engine).rebill(claim_no)
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(version) FROM claim")).one() == before


def test_a_void_claim_is_refused(demo_engine: Engine) -> None:
    claim_no = a_claim(demo_engine, "status = 'ready'")
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE claim SET status = 'void' WHERE claim_no = :n"), {"n": claim_no})
    with pytest.raises(ClaimRefused, match=f"Claim {claim_no} is void: nothing changed"):
        claims(demo_engine).correct(claim_no)


def test_a_corrected_visit_saved_updates_the_waiting_claim(demo_engine: Engine) -> None:
    paid = a_claim(demo_engine, "status = 'paid' AND payer_claim_no IS NOT NULL")
    made = claims(demo_engine).correct(paid)
    visits = EncounterService(demo_engine, Clock(DEMO_TODAY), "b1")
    with demo_engine.connect() as conn:
        encounter = conn.execute(
            text("SELECT encounter_id FROM claim WHERE id = :c"), {"c": made.claim_id}
        ).scalar_one()
    form = visits.load(encounter)  # a visit whose corrected claim waits is open to edit
    first = replace(form.lines[0], charge=str(Decimal(form.lines[0].charge) + 10))
    visits.save(replace(form, lines=(first, *form.lines[1:])), form)
    with demo_engine.connect() as conn:
        total, lines = conn.execute(
            text(
                "SELECT total_charge, (SELECT sum(amount) FROM claim_line WHERE claim_id = :c) "
                "FROM claim WHERE id = :c"
            ),
            {"c": made.claim_id},
        ).one()
        charges = conn.execute(
            text("SELECT sum(amount) FROM charge WHERE encounter_id = :e"), {"e": encounter}
        ).scalar_one()
    assert total == lines == charges
    ledger_clean(demo_engine)
