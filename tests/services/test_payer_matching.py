"""An 835 posts only to claims billed to the payer that sent it."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.db.repositories.claims import insert_claims
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay, write_835
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.x837_read import read_837p
from tests.conftest import DEMO_TODAY
from tests.factories import Builder, insert
from tests.services.test_secondary_claims import DOS, _import, _remits, _send


def era_of(sent_837: str, payment: ClaimPayment, trace: int) -> str:
    """The 835 answering `sent_837` with one claim payment (trace number from `trace`)."""
    batch = read_837p(sent_837)
    env = Envelope.answering(batch, DEMO_TODAY, usage="T", minutes=600)
    return write_835(env, trace, [payment], random.Random(0))


def with_take_back(body: str, reference: str, amount: Decimal, bpr02: Decimal) -> str:
    """The 835 `body` (one ST set) with a PLB WO of `amount` naming `reference` before its SE,
    and BPR02 set to `bpr02` (what the check pays once the payer keeps that amount)."""
    segments = [seg.strip() for seg in body.split("~")]
    bpr = next(i for i, seg in enumerate(segments) if seg.startswith("BPR*"))
    elements = segments[bpr].split("*")
    elements[2] = f"{bpr02:f}"
    segments[bpr] = "*".join(elements)
    se = next(i for i, seg in enumerate(segments) if seg.startswith("SE*"))
    count = int(segments[se].split("*")[1])
    segments[se] = segments[se].replace(f"SE*{count}*", f"SE*{count + 1}*", 1)
    segments.insert(se, f"PLB*1234567893*20261231*WO:{reference}*{amount:f}")
    return "~".join(segments)


def _paid_by(sent_837: str, payer: tuple[str, str], payer_claim_no: str, trace: int) -> str:
    """An 835 from `payer` (name, id) paying the one claim of `sent_837` in full."""
    (claim,) = read_837p(sent_837).claims
    claim = replace(claim, payer_name=payer[0], payer_id=payer[1])
    lines = tuple(LinePay(ln, ln.charge, ln.charge, (), "") for ln in claim.lines)
    decision = ClaimDecision(claim, True, ("A1", "20", ""), None, payer_claim_no)
    return era_of(sent_837, ClaimPayment(decision, "1", lines), trace)


def sent_claim(engine: Engine, tmp_path: Path, account: str) -> tuple[int, str]:
    """A one-line claim of 80.00 to Acme Health (P1), sent and acknowledged: (id, its 837)."""
    return sent_claims(engine, tmp_path, [account])[0]


def sent_claims(engine: Engine, tmp_path: Path, accounts: list[str]) -> list[tuple[int, str]]:
    """`sent_claim` for each account (one practice), each claim in its own 837."""
    out = []
    with engine.begin() as conn:
        b = Builder(conn)
        claim_ids = []
        for account in accounts:
            pid, cov = b.patient("Payer", "Pia", account=account)
            eid = b.encounter((pid, cov), DOS, charges=("80.00",))
            insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
            claim_ids += insert_claims(conn, [eid], "b1", DEMO_TODAY)
    for n, claim_id in enumerate(claim_ids):
        folder = tmp_path / f"claim{n}"
        folder.mkdir(parents=True)
        sent = _send(engine, folder, [claim_id])
        answer = respond(sent, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                         ack_reject_rate=0.0)  # fmt: skip
        for name, body in (("a.999", answer.ack_999), ("a.277", answer.ack_277ca)):
            assert _import(engine, folder, name, body or "").status == "imported"
        out.append((claim_id, sent))
    return out


def test_a_payment_from_another_payer_goes_to_the_unmatched_list(
    demo_engine: Engine, tmp_path: Path
) -> None:
    claim_id, sent = sent_claim(demo_engine, tmp_path, "ZPAY0001")
    with demo_engine.connect() as conn:
        before = conn.execute(
            text("SELECT status, payer_claim_no FROM claim WHERE id = :c"), {"c": claim_id}
        ).one()

    other = _paid_by(sent, ("BLUE PLAN", "P2"), "B-999", 700_000_001)
    result = _import(demo_engine, tmp_path, "other.835", other)
    assert result.status == "imported" and result.unmatched == 1 and result.accepted == 0
    with demo_engine.connect() as conn:
        after = conn.execute(
            text("SELECT status, payer_claim_no FROM claim WHERE id = :c"), {"c": claim_id}
        ).one()
        paid = conn.execute(
            text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE claim_id = :c "
                 "AND kind = 'payment'"), {"c": claim_id},
        ).scalar_one()  # fmt: skip
        item = conn.execute(
            text(
                "SELECT detail, payer_claim_no FROM work_item WHERE kind = 'unmatched' "
                "AND payer_claim_no = 'B-999'"
            )
        ).one()
    assert tuple(after) == tuple(before) and paid == 0
    assert "billed to Acme Health, not to the payer that sent it" in item.detail

    own = _paid_by(sent, ("ACME HEALTH", "P1"), "A-111", 700_000_002)
    result = _import(demo_engine, tmp_path, "own.835", own)
    assert result.status == "imported" and result.accepted == 1 and result.unmatched == 0
    with demo_engine.connect() as conn:
        status, payer_no = conn.execute(
            text("SELECT status, payer_claim_no FROM claim WHERE id = :c"), {"c": claim_id}
        ).one()
    assert status == "paid" and payer_no == "A-111"
    assert _remits(demo_engine).check_ledger() == ()
