"""A partly paid claim corrected and sent again (frequency 7): the payer takes back what it
paid on the original and pays the replacement, and no false credit is left anywhere."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.db.repositories.claims import insert_claims
from medbill_tui.edi.sandbox import SandboxMemory, respond
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay
from medbill_tui.edi.segments import iter_segments
from medbill_tui.edi.x837_read import read_837p
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.denials import DenialService
from tests.conftest import DEMO_TODAY
from tests.factories import Builder, insert
from tests.services.test_payer_matching import era_of
from tests.services.test_secondary_claims import DOS, _import, _remits, _send


def _partly_paid(sent_837: str) -> ClaimPayment:
    """The payer pays line 1 (CO-45 10, PR-3 copay 20) and denies line 2 as bundled (CO-97)."""
    (claim,) = read_837p(sent_837).claims
    first, second = claim.lines
    lines = (
        LinePay(first, first.charge - 30, first.charge - 10, (("CO", "45", Decimal(10)),
                                                              ("PR", "3", Decimal(20))), ""),
        LinePay(second, Decimal(0), Decimal(0), (("CO", "97", second.charge),), "M15"),
    )  # fmt: skip
    decision = ClaimDecision(claim, True, ("A1", "20", ""), None, "26300000901")
    return ClaimPayment(decision, "1", lines)


def _sums(engine: Engine, claim_id: int) -> dict[str, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT responsibility, sum(amount) FROM ledger_entry WHERE claim_id = :c "
                 "GROUP BY 1"), {"c": claim_id},
        ).all()  # fmt: skip
    return {r[0]: r[1] for r in rows}


def test_a_corrected_claim_keeps_its_money(demo_engine: Engine, tmp_path: Path) -> None:
    with demo_engine.begin() as conn:
        b = Builder(conn)
        pid, cov = b.patient("Corrected", "Cora", account="ZCOR0001")
        eid = b.encounter((pid, cov), DOS, charges=("150.00", "60.00"))
        conn.execute(text("UPDATE charge SET code = '36415' WHERE encounter_id = :e "
                          "AND line_no = 2"), {"e": eid})  # fmt: skip
        insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
        (original,) = insert_claims(conn, [eid], "b1", DEMO_TODAY)
    sent = _send(demo_engine, tmp_path, [original])
    answer = respond(sent, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("o.999", answer.ack_999), ("o.277", answer.ack_277ca)):
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    memory = SandboxMemory()
    payment = _partly_paid(sent)
    memory.remember(payment)
    assert (
        _import(demo_engine, tmp_path, "o.835", era_of(sent, payment, 600_000_001)).status
        == "imported"
    )
    with demo_engine.connect() as conn:
        item = conn.execute(
            text("SELECT id FROM work_item WHERE claim_id = :c AND kind = 'denial'"),
            {"c": original},
        ).scalar_one()
    new_no = DenialService(demo_engine, Clock(DEMO_TODAY), "b1", tmp_path).resubmit(item)
    with demo_engine.connect() as conn:
        replacement = conn.execute(
            text("SELECT id FROM claim WHERE claim_no = :n"), {"n": new_no}
        ).scalar_one()
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    corrected = _send(demo_engine, tmp_path, [replacement])
    answer = respond(corrected, seed=2, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0, memory=memory)  # fmt: skip
    assert answer.era_835 is not None
    clps = [s.elements for s in iter_segments(answer.era_835) if s.id == "CLP"]
    assert [c[2] for c in clps] == ["22", "1"] and clps[0][7] == "26300000901"
    assert Decimal(clps[0][4]) == -(Decimal("150.00") - 30)
    for name, body in (("r.999", answer.ack_999), ("r.277", answer.ack_277ca),
                       ("r.835", answer.era_835)):  # fmt: skip
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    left = _sums(demo_engine, original)
    assert all(amount == 0 for amount in left.values()), left  # no false credit
    assert all(amount >= 0 for amount in _sums(demo_engine, replacement).values())
    assert memory.paid.keys() == {clps[1][7]}  # the replacement's payment is remembered
    assert _remits(demo_engine).check_ledger() == ()
