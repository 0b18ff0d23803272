"""CLP02 = 22 takes back exactly the payment it names, or nothing (then it waits, unmatched)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay
from medbill_tui.edi.x837_read import read_837p
from tests.services.test_payer_matching import (
    _paid_by,
    era_of,
    sent_claim,
    sent_claims,
    with_take_back,
)
from tests.services.test_secondary_claims import _import, _remits


def _reversal(sent_837: str, amount: str, payer_claim_no: str, trace: int) -> str:
    """Acme Health's 835 reversing (CLP02 = 22) `amount` of the one claim of `sent_837`."""
    (claim,) = read_837p(sent_837).claims
    claim = replace(claim, payer_name="ACME HEALTH", payer_id="P1")
    back = -Decimal(amount)
    line = replace(claim.lines[0], charge=-claim.lines[0].charge)
    adjustments = (("CO", "45", line.charge - back),) if line.charge != back else ()
    payment = ClaimPayment(
        ClaimDecision(replace(claim, charge=-claim.charge, lines=(line,)), True,
                      ("A1", "20", ""), None, payer_claim_no),
        "22",
        (LinePay(line, back, back, adjustments, ""),),
    )  # fmt: skip
    return era_of(sent_837, payment, trace)


def _paid(engine: Engine, claim_id: int) -> Decimal:
    with engine.connect() as conn:
        return Decimal(
            conn.execute(
                text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE claim_id = :c "
                     "AND remittance_id IS NOT NULL"), {"c": claim_id},
            ).scalar_one()
        )  # fmt: skip


def _unmatched(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT detail FROM work_item WHERE kind = 'unmatched' ORDER BY id")
            ).scalars()
        )


def test_a_reversal_takes_back_only_what_it_names(demo_engine: Engine, tmp_path: Path) -> None:
    claim_id, sent = sent_claim(demo_engine, tmp_path, "ZREV0001")
    before = _unmatched(demo_engine)
    # nothing posted yet: a reversal has nothing to take back
    early = _reversal(sent, "80.00", "A-1", 710_000_001)
    assert _import(demo_engine, tmp_path, "early.835", early).unmatched == 1
    assert _paid(demo_engine, claim_id) == 0
    assert "nothing this payer posted on it is left" in _unmatched(demo_engine)[-1]
    paid = _paid_by(sent, ("ACME HEALTH", "P1"), "A-1", 710_000_002)
    assert _import(demo_engine, tmp_path, "paid.835", paid).accepted == 1
    assert _paid(demo_engine, claim_id) == Decimal("-80.00")
    # a reversal naming another amount than was paid is not posted
    wrong = _reversal(sent, "62.70", "A-1", 710_000_003)
    assert _import(demo_engine, tmp_path, "wrong.835", wrong).unmatched == 1
    assert _paid(demo_engine, claim_id) == Decimal("-80.00")
    assert "takes back 62.70, but the payment it reverses paid 80.00" in _unmatched(demo_engine)[-1]
    # the right one takes the payment back, once
    right = _reversal(sent, "80.00", "A-1", 710_000_004)
    assert _import(demo_engine, tmp_path, "right.835", right).accepted == 1
    assert _paid(demo_engine, claim_id) == 0
    again = _reversal(sent, "80.00", "A-1", 710_000_005)
    assert _import(demo_engine, tmp_path, "again.835", again).unmatched == 1
    assert _paid(demo_engine, claim_id) == 0
    assert len(_unmatched(demo_engine)) == len(before) + 3
    assert _remits(demo_engine).check_ledger() == ()


def test_ledger_check_compares_each_payment_with_the_cash_on_the_ledger(
    demo_engine: Engine, tmp_path: Path
) -> None:
    claim_id, sent = sent_claim(demo_engine, tmp_path, "ZREV0002")
    paid = _paid_by(sent, ("ACME HEALTH", "P1"), "A-2", 720_000_001)
    assert _import(demo_engine, tmp_path, "paid.835", paid).accepted == 1
    assert _remits(demo_engine).check_ledger() == ()
    with demo_engine.begin() as conn:  # one more cent of payment than the 835 says
        conn.execute(
            text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, remittance_id,
                        kind, responsibility, amount, service_date, posted_by, memo)
                    SELECT patient_id, encounter_id, claim_id, remittance_id, 'payment',
                           responsibility, -0.01, service_date, 'x', 'stray'
                    FROM ledger_entry WHERE claim_id = :c AND kind = 'payment'"""),
            {"c": claim_id},
        )
    problems = _remits(demo_engine).check_ledger()
    assert [p.detail for p in problems if p.what == "cash"] == [
        "payment 720000001001 says 80.00 but the ledger holds 80.01, unmatched 0, "
        "provider adjustments 0"
    ]


def _owed(engine: Engine, claim_id: int) -> Decimal:
    with engine.connect() as conn:
        return Decimal(
            conn.execute(
                text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE claim_id = :c "
                     "AND responsibility = 'primary'"), {"c": claim_id},
            ).scalar_one()
        )  # fmt: skip


def test_a_plb_take_back_posts_against_the_claim_it_names(
    demo_engine: Engine, tmp_path: Path
) -> None:
    (first, sent_first), (second, sent_second) = sent_claims(
        demo_engine, tmp_path, ["ZPLB0001", "ZPLB0002"]
    )
    paid = _paid_by(sent_first, ("ACME HEALTH", "P1"), "A-3", 730_000_001)
    assert _import(demo_engine, tmp_path, "first.835", paid).accepted == 1
    assert _owed(demo_engine, first) == 0
    # the next check pays the second claim less 20.00 the payer recovers on the first (WO)
    body = _paid_by(sent_second, ("ACME HEALTH", "P1"), "A-4", 730_000_002)
    body = with_take_back(body, "A-3", Decimal("20.00"), Decimal("60.00"))
    assert "BPR*I*60.00*" in body and "PLB*1234567893*20261231*WO:A-3*20.00~" in body
    result = _import(demo_engine, tmp_path, "second.835", body)
    assert result.accepted == 1 and result.payments[0].status == "posted"
    assert _owed(demo_engine, first) == Decimal("20.00") and _owed(demo_engine, second) == 0
    assert _remits(demo_engine).check_ledger() == ()
    with demo_engine.connect() as conn:
        remit, marked = conn.execute(
            text("SELECT remittance_id, claim_id FROM remittance_plb WHERE reason = 'WO'")
        ).one()
    assert marked == first
    _remits(demo_engine).undo(remit, "wrong check")
    assert _owed(demo_engine, first) == 0 and _remits(demo_engine).check_ledger() == ()
    _remits(demo_engine).repost(remit)
    assert _owed(demo_engine, first) == Decimal("20.00")
    assert _remits(demo_engine).check_ledger() == ()
