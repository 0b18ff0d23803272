"""CLP02 = 22 takes back exactly the payment it names, or nothing (then it waits, unmatched)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay
from medbill_tui.edi.x837_read import read_837p
from tests.services.test_payer_matching import _paid_by, era_of, sent_claim
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
