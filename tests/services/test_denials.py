"""Each denial action changes exactly what it should."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, bindparam, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialActionRefused, DenialService
from medbill_tui.services.remittances import RemittanceService
from tests.conftest import DEMO_TODAY


def service(engine: Engine, tmp_path: Path, supervisor: bool = False) -> DenialService:
    return DenialService(
        engine,
        Clock(DEMO_TODAY),
        "b1",
        tmp_path / "letters",
        Decimal("100.00"),
        supervisor,
        may_override_contractual=supervisor,
    )


def a_denial(
    engine: Engine, most: bool = False, groups: tuple[str, ...] = ("CO", "OI", "PI", "PR", "OA")
) -> tuple[int, int, Decimal]:
    """An open denial of one of `groups` whose payer still owes money on the claim:
    (item, claim, owed)."""
    order = "DESC" if most else "ASC"
    with engine.connect() as conn:
        row = conn.execute(
            text(f"""
            SELECT w.id, w.claim_id, least(w.amount, s.owed) AS owed
            FROM work_item w JOIN claim c ON c.id = w.claim_id
            JOIN coverage cv ON cv.id = c.coverage_id
            JOIN LATERAL (SELECT sum(amount) AS owed FROM ledger_entry le
                          WHERE le.claim_id = c.id AND le.responsibility =
                          CASE cv.priority WHEN 1 THEN 'primary' ELSE 'secondary' END) s ON TRUE
            WHERE w.kind = 'denial' AND w.status = 'open' AND s.owed > 0
              AND w.group_code IN :groups
            ORDER BY least(w.amount, s.owed) {order}, w.id LIMIT 1""").bindparams(
                bindparam("groups", expanding=True)
            ),
            {"groups": list(groups)},
        ).one()
    return int(row[0]), int(row[1]), Decimal(row[2])


def claim_balance(engine: Engine, claim_id: int) -> dict[str, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT responsibility, sum(amount) FROM ledger_entry WHERE "
                                 "claim_id = :c GROUP BY 1"), {"c": claim_id}).all()  # fmt: skip
    return {r[0]: r[1] for r in rows}


def item_status(engine: Engine, item: int) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT status FROM work_item WHERE id = :i"),
                                {"i": item}).scalar_one())  # fmt: skip


def test_write_off_within_the_limit(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, owed = a_denial(demo_engine)
    assert owed <= Decimal("100.00"), "the demo has small denials"
    before = claim_balance(demo_engine, claim)
    done = service(demo_engine, tmp_path).write_off(item, "small balance, not worth appeal")
    assert done == owed
    after = claim_balance(demo_engine, claim)
    assert sum(after.values()) == sum(before.values()) - owed
    assert item_status(demo_engine, item) == "done"
    with pytest.raises(DenialActionRefused, match="already done"):
        service(demo_engine, tmp_path).write_off(item, "again")
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "x").check_ledger() == ()


def test_large_write_off_needs_a_supervisor(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, owed = a_denial(demo_engine, most=True)
    assert owed > Decimal("100.00")
    before = claim_balance(demo_engine, claim)
    with pytest.raises(DenialActionRefused, match="supervisor"):
        service(demo_engine, tmp_path).write_off(item, "too big")
    assert claim_balance(demo_engine, claim) == before
    assert service(demo_engine, tmp_path, supervisor=True).write_off(item, "approved") == owed
    with pytest.raises(DenialActionRefused, match="reason"):
        service(demo_engine, tmp_path).write_off(a_denial(demo_engine)[0], "  ")


def test_transfer_to_patient_moves_the_amount(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, owed = a_denial(demo_engine, groups=("PR", "OI"))
    before = claim_balance(demo_engine, claim)
    service(demo_engine, tmp_path).transfer_to_patient(item)
    after = claim_balance(demo_engine, claim)
    assert after.get("patient", Decimal(0)) == before.get("patient", Decimal(0)) + owed
    assert sum(after.values()) == sum(before.values())


def test_note_and_follow_up(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, _ = a_denial(demo_engine)
    service(demo_engine, tmp_path).add_note(item, "called payer, ref 123", date(2026, 11, 20))
    with demo_engine.connect() as conn:
        due = conn.execute(text("SELECT due_on FROM work_item WHERE id = :i"),
                           {"i": item}).scalar_one()  # fmt: skip
        body = conn.execute(text("SELECT body FROM note WHERE entity = 'claim' AND "
                                 "entity_id = :c"), {"c": claim}).scalar_one()  # fmt: skip
    assert due == date(2026, 11, 20) and body == "called payer, ref 123"
    assert item_status(demo_engine, item) == "open"
    with pytest.raises(DenialActionRefused, match="past"):
        service(demo_engine, tmp_path).add_note(item, "x", date(2026, 1, 1))


def test_appeal_writes_a_letter_and_sets_follow_up(demo_engine: Engine, tmp_path: Path) -> None:
    item, _, _ = a_denial(demo_engine)
    path = service(demo_engine, tmp_path).appeal(item, "The visit note shows the exam.")
    letter = path.read_text()
    assert "Request for reconsideration" in letter and "The visit note shows the exam." in letter
    assert "$" not in letter.replace("$ ", "")
    with demo_engine.connect() as conn:
        due = conn.execute(text("SELECT due_on FROM work_item WHERE id = :i"),
                           {"i": item}).scalar_one()  # fmt: skip
    assert due == date(2026, 12, 2)


def test_appeal_letter_has_what_a_payer_asks_for(demo_engine: Engine, tmp_path: Path) -> None:
    """The review's letter: ZIP printed 286211932, no member id or DOB, signed 'root', an
    appeal window of 180 days whatever the payer (Medicare's is 120)."""
    item, claim, _ = a_denial(demo_engine)
    with demo_engine.begin() as conn:
        row = conn.execute(
            text("""SELECT cv.member_id, p.dob, pr.zip, pr.phone, w.opened_on, c.claim_no
                    FROM claim c JOIN coverage cv ON cv.id = c.coverage_id
                    JOIN patient p ON p.id = c.patient_id, practice pr, work_item w
                    WHERE c.id = :c AND w.id = :w"""),
            {"c": claim, "w": item},
        ).one()
        conn.execute(
            text("UPDATE payer SET appeal_days = 120 WHERE id = "
                 "(SELECT payer_id FROM claim WHERE id = :c)"), {"c": claim},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO app_user (login, role, full_name) VALUES "
                 "('b1', 'biller', 'Terry Tester') ON CONFLICT (login) DO UPDATE "
                 "SET full_name = 'Terry Tester'")
        )  # fmt: skip
    letter = service(demo_engine, tmp_path).appeal(item, "").read_text()
    assert f"{row.zip[:5]}-{row.zip[5:]}" in letter and row.zip not in letter
    assert f"Member ID:            {row.member_id}" in letter
    assert f"Date of birth:        {row.dob:%m/%d/%Y}" in letter
    assert f"Our claim number:     {row.claim_no}" in letter
    due = row.opened_on + timedelta(days=120)
    assert f"(appeal due by {due:%m/%d/%Y})" in letter
    assert f"Phone: ({row.phone[:3]}) {row.phone[3:6]}-{row.phone[6:]}" in letter
    assert "Sincerely,\n\nTerry Tester\nBilling office, " in letter
    detail = service(demo_engine, tmp_path).detail(item)
    assert detail.appeal_due == due


def test_resubmit_creates_a_corrected_claim(demo_engine: Engine, tmp_path: Path) -> None:
    item, claim, _ = a_denial(demo_engine)
    with demo_engine.connect() as conn:
        old_total, payer_no = conn.execute(
            text("SELECT total_charge, payer_claim_no FROM claim WHERE id = :c"), {"c": claim}
        ).one()
    balance_before = sum(claim_balance(demo_engine, claim).values())
    new_no = service(demo_engine, tmp_path).resubmit(item)
    with demo_engine.connect() as conn:
        new = conn.execute(
            text(
                "SELECT id, status, frequency, original_payer_claim_no, total_charge FROM claim "
                "WHERE claim_no = :n"
            ),
            {"n": new_no},
        ).one()
        old_status = conn.execute(text("SELECT status FROM claim WHERE id = :c"),
                                  {"c": claim}).scalar_one()  # fmt: skip
    assert new.status == "ready" and old_status == "replaced"
    assert new.frequency == ("7" if payer_no else "1")
    assert new.original_payer_claim_no == payer_no
    moved = sum(claim_balance(demo_engine, claim).values()) + sum(
        claim_balance(demo_engine, new.id).values()
    )
    assert moved == balance_before - old_total + new.total_charge
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "x").check_ledger() == ()


def test_a_contractual_amount_is_not_billed_to_the_patient(
    demo_engine: Engine, tmp_path: Path
) -> None:
    item, claim, owed = a_denial(demo_engine, groups=("CO",))
    before = claim_balance(demo_engine, claim)
    with pytest.raises(DenialActionRefused, match="contractual obligation"):
        service(demo_engine, tmp_path).transfer_to_patient(item)
    with pytest.raises(DenialActionRefused, match="needs a supervisor"):
        service(demo_engine, tmp_path).transfer_to_patient(item, "patient signed a waiver")
    with pytest.raises(DenialActionRefused, match="contractual obligation"):
        service(demo_engine, tmp_path, supervisor=True).transfer_to_patient(item, "  ")
    assert claim_balance(demo_engine, claim) == before and item_status(demo_engine, item) == "open"
    boss = service(demo_engine, tmp_path, supervisor=True)
    assert boss.transfer_to_patient(item, "patient signed a waiver") == owed
    after = claim_balance(demo_engine, claim)
    assert after.get("patient", Decimal(0)) == before.get("patient", Decimal(0)) + owed
    with demo_engine.connect() as conn:
        body = conn.execute(
            text("SELECT body FROM note WHERE entity = 'claim' AND entity_id = :c"), {"c": claim}
        ).scalar_one()
        audit = conn.execute(
            text("SELECT detail FROM audit_event WHERE action = 'override' AND entity_id = :c"),
            {"c": claim},
        ).scalar_one()
    assert "by supervisor override: patient signed a waiver" in body
    assert audit.startswith("Contractual CO-") and "waiver" not in audit


def test_a_write_off_that_settles_the_claim_closes_it(demo_engine: Engine, tmp_path: Path) -> None:
    """Written off to zero: 'closed', not 'partly paid' with nothing owed; a write-off that
    leaves the patient's share owed leaves the claim as it was."""
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT w.id, w.claim_id, c.status, least(w.amount, s.owed) AS off,
                           t.total
                    FROM work_item w JOIN claim c ON c.id = w.claim_id
                    JOIN coverage cv ON cv.id = c.coverage_id
                    JOIN LATERAL (SELECT sum(amount) AS owed FROM ledger_entry le
                        WHERE le.claim_id = c.id AND le.responsibility =
                        CASE cv.priority WHEN 1 THEN 'primary' ELSE 'secondary' END) s ON TRUE
                    JOIN LATERAL (SELECT sum(amount) AS total FROM ledger_entry le
                        WHERE le.claim_id = c.id) t ON TRUE
                    WHERE w.kind = 'denial' AND w.status = 'open' AND s.owed > 0
                      AND c.status IN ('partial', 'denied') AND w.amount <= 100
                    ORDER BY w.id""")
        ).all()
    settles = next(r for r in rows if r.total == r.off)
    stays = next(r for r in rows if r.total > r.off)
    boss = service(demo_engine, tmp_path, supervisor=True)
    boss.write_off(settles.id, "not worth an appeal")
    boss.write_off(stays.id, "small balance")
    with demo_engine.connect() as conn:
        status = dict(
            conn.execute(
                text("SELECT id, status FROM claim WHERE id IN (:a, :b)"),
                {"a": settles.claim_id, "b": stays.claim_id},
            ).all()
        )
        why = conn.execute(
            text("SELECT detail FROM claim_event WHERE claim_id = :c AND to_status = 'closed'"),
            {"c": settles.claim_id},
        ).scalar_one()
    assert status == {settles.claim_id: "closed", stays.claim_id: stays.status}
    assert why == "balance written off: not worth an appeal"
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "x").check_ledger() == ()
