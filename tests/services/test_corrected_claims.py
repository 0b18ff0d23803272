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
from medbill_tui.services.claims import ClaimService
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


def _paid_original(demo_engine: Engine, tmp_path: Path) -> tuple[int, SandboxMemory]:
    """A claim sent, acknowledged and partly paid by the sandbox payer, which remembers it."""
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
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    return original, memory


def test_a_corrected_claim_keeps_its_money(demo_engine: Engine, tmp_path: Path) -> None:
    original, memory = _paid_original(demo_engine, tmp_path)
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


def test_a_void_takes_the_payment_back_and_nothing_more(
    demo_engine: Engine, tmp_path: Path
) -> None:
    original, memory = _paid_original(demo_engine, tmp_path)
    claims = ClaimService(demo_engine, Clock(DEMO_TODAY), "sue", role="supervisor")
    with demo_engine.connect() as conn:
        claim_no = conn.execute(
            text("SELECT claim_no FROM claim WHERE id = :c"), {"c": original}
        ).scalar_one()
    void = claims.void(claim_no, "billed in error")
    assert _remits(demo_engine).check_ledger() == ()
    assert sum(_sums(demo_engine, original).values()) != 0, "money stays until the payer says"
    sent = _send(demo_engine, tmp_path, [void.claim_id])
    clm = next(s for s in iter_segments(sent) if s.id == "CLM")
    f8 = [s.elements for s in iter_segments(sent) if s.id == "REF" and s.elements[1] == "F8"]
    assert clm.elements[5].endswith(":8") and f8 == [("REF", "F8", "26300000901")]
    answer = respond(
        sent,
        seed=3,
        reject_rate=0.0,
        deny_rate=0.0,
        today=DEMO_TODAY,
        ack_reject_rate=0.0,
        memory=memory,
    )
    assert answer.era_835 is not None
    clps = [s.elements for s in iter_segments(answer.era_835) if s.id == "CLP"]
    assert [(c[2], c[7]) for c in clps] == [("22", "26300000901")]  # the take-back alone
    for name, body in (
        ("v.999", answer.ack_999),
        ("v.277", answer.ack_277ca),
        ("v.835", answer.era_835),
    ):
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    assert all(amount == 0 for amount in _sums(demo_engine, original).values())
    assert _sums(demo_engine, void.claim_id) == {}
    with demo_engine.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM claim WHERE id = :c"), {"c": void.claim_id}
        ).scalar_one()
    assert status == "closed" and memory.paid == {}
    assert _remits(demo_engine).check_ledger() == ()
