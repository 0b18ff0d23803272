"""COB loops from the database: the primary claim names the secondary coverage, the secondary
claim carries a balanced 2430 for every line the primary's 835 down-coded, bundled or did not
pay, and the subscriber's stored sex goes in DMG03."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.db.repositories.claims import insert_claims
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay, write_835
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.segments import Segment, iter_segments
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_read import read_837p
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.remittances import RemittanceService
from tests.conftest import DEMO_TODAY
from tests.edi.cob_reading import cob_sums
from tests.factories import Builder, insert
from tests.services.test_secondary_claims import _claims, _import, _segments_of, _send

DOS = date(2026, 10, 5)
# code, charge; the primary pays 99214 as 99213, bundles 85025 (no SVC) and denies 93000
LINES = (("99214", "202.00"), ("36415", "40.00"), ("85025", "30.00"), ("93000", "50.00"))
TOTAL = Decimal("322.00")


def _visit(engine: Engine, tmp_path: Path) -> tuple[int, str]:
    """A patient with a primary and a secondary coverage; the visit's claim sent, accepted."""
    with engine.begin() as conn:
        b = Builder(conn)
        pid, cov = b.patient("Cob", "Cara", account="ZCOB0001")
        insert(
            conn,
            "coverage",
            patient_id=pid,
            payer_id=b.payers[1],
            member_id="SEC77",
            group_no="G5",
            priority=2,
            effective_from=date(2020, 1, 1),
            subscriber_sex="F",
        )
        eid = b.encounter((pid, cov), DOS, charges=tuple(charge for _, charge in LINES))
        for n, (code, _) in enumerate(LINES, start=1):
            conn.execute(
                text("UPDATE charge SET code = :c WHERE encounter_id = :e AND line_no = :n"),
                {"c": code, "e": eid, "n": n},
            )
        insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
        (claim_id,) = insert_claims(conn, [eid], "b1", DEMO_TODAY)
    sent = _send(engine, tmp_path, [claim_id])
    answer = respond(
        sent, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY, ack_reject_rate=0.0
    )
    for name, body in (("p.999", answer.ack_999), ("p.277", answer.ack_277ca)):
        assert _import(engine, tmp_path, name, body or "").status == "imported"
    return pid, sent


def _primary_835(sent: str) -> str:
    """The primary's answer: 99214 paid as 99213 (SVC06 names our 99214), 36415 paid, 85025
    bundled (no SVC; CO-97 at the claim level), 93000 denied (paid 0, CO-204)."""
    batch = read_837p(sent)
    (claim,) = batch.claims
    l1, l2, l3, l4 = claim.lines
    pays = (
        LinePay(
            l1,
            Decimal("110.00"),
            Decimal("122.00"),
            (("CO", "45", Decimal("80.00")), ("PR", "2", Decimal("12.00"))),
            "",
        ),
        LinePay(
            l2,
            Decimal("30.00"),
            Decimal("35.00"),
            (("CO", "45", Decimal("5.00")), ("PR", "1", Decimal("5.00"))),
            "",
        ),
        LinePay(l3, Decimal("0.00"), Decimal("0.00"), (("CO", "97", Decimal("30.00")),), ""),
        LinePay(l4, Decimal("0.00"), Decimal("0.00"), (("CO", "204", Decimal("50.00")),), ""),
    )
    decision = ClaimDecision(claim, True, ("A1", "20", ""), None, "26300000888")
    env = Envelope.answering(batch, DEMO_TODAY, usage="T", minutes=600)
    era = write_835(env, 510_000_001, [ClaimPayment(decision, "1", pays)], random.Random(0))
    segments = era.split("~")
    out: list[str] = []
    skipping = False
    for seg in segments:
        body = seg.strip()
        if body.startswith("SVC*HC:85025"):  # bundled: the payer sends no SVC for it ...
            skipping = True
            continue
        if skipping and body.split("*")[0] in ("CAS", "DTM", "AMT", "REF", "LQ"):
            continue
        skipping = False
        if body.startswith("SVC*HC:99214*"):  # ... and down-codes 99214 (SVC06: what we sent)
            seg = seg.replace("SVC*HC:99214*", "SVC*HC:99213*") + "*HC:99214"
        out.append(seg)
        if body.startswith("CLP*"):
            out.append("\nCAS*CO*97*30")  # ... explaining the bundled charge at the claim
    assert "SVC*HC:99213*202*110**1*HC:99214" in "~".join(out).replace("\n", "")
    return _recount("~".join(out))


def _recount(era: str) -> str:
    """SE01 again after segments were taken out and put in."""
    segments = era.split("~")
    start = next(i for i, s in enumerate(segments) if s.strip().startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.strip().startswith("SE*"))
    se = segments[end].strip().split("*")
    segments[end] = segments[end].replace("*".join(se), f"SE*{end - start + 1}*{se[2]}")
    return "~".join(segments)


def _lines_2430(claim: list[Segment]) -> list[tuple[str, ...]]:
    return [seg.elements[:4] for seg in claim if seg.id == "SVD"]


def test_the_primary_claim_names_the_secondary_coverage_without_money(
    demo_engine: Engine, tmp_path: Path
) -> None:
    _, sent = _visit(demo_engine, tmp_path)
    assert validate_x12(sent).ok
    pcn = next(seg.get(1) for seg in iter_segments(sent) if seg.id == "CLM")
    claim = [seg.elements for seg in _segments_of(sent, pcn)]
    sbr = claim.index(("SBR", "S", "18", "G5", "", "", "", "", "", "CI"))
    assert claim[sbr + 1][0] == "OI" and claim[sbr + 2][:3] == ("NM1", "IL", "1")
    assert ("NM1", "PR", "2", "BLUE PLAN", "", "", "", "", "PI", "P2") in claim
    assert not [s for s in claim if s[0] in ("SVD", "CAS") or s[:2] in (("AMT", "D"),)]


def test_down_coded_bundled_and_unpaid_lines_each_get_a_balanced_2430(
    demo_engine: Engine, tmp_path: Path
) -> None:
    pid, sent = _visit(demo_engine, tmp_path)
    result = _import(demo_engine, tmp_path, "p.835", _primary_835(sent))
    assert result.status == "imported" and result.payments[0].status == "posted"
    with demo_engine.connect() as conn:
        primary, secondary = _claims(conn, pid)
        linked = conn.execute(
            text(
                "SELECT sp.code, cl.code FROM service_payment sp JOIN claim_line cl ON "
                "cl.id = sp.claim_line_id WHERE cl.claim_id = :c ORDER BY cl.line_no"
            ),
            {"c": primary.id},
        ).all()
    assert [tuple(r) for r in linked] == [
        ("99213", "99214"),
        ("36415", "36415"),
        ("93000", "93000"),
    ]
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    content = _send(demo_engine, tmp_path, [secondary.id])
    assert validate_x12(content).ok, validate_x12(content).issues
    claim = _segments_of(content, secondary.claim_no)
    assert _lines_2430(claim) == [
        ("SVD", "P1", "110", "HC:99213"),
        ("SVD", "P1", "30", "HC:36415"),
        ("SVD", "P1", "0", "HC:85025"),
        ("SVD", "P1", "0", "HC:93000"),
    ]
    charges, payers = cob_sums(claim)
    primary_sums = payers["P1"]
    assert charges == [Decimal(c) for _, c in LINES]
    for n, (paid, cas) in primary_sums.lines.items():
        assert charges[n - 1] == paid + cas
    line_cas = sum((cas for _, cas in primary_sums.lines.values()), Decimal(0))
    assert primary_sums.paid == Decimal("140")
    assert primary_sums.paid + primary_sums.claim_cas + line_cas == TOTAL
    assert primary_sums.eaf == [Decimal("17")]
    elements = [seg.elements for seg in claim]
    bundled = elements.index(("SVD", "P1", "0", "HC:85025", "", "1"))
    assert elements[bundled + 1] == ("CAS", "CO", "97", "30")
    assert ("DTP", "573", "D8", "20261102") in elements
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()


def test_a_dependents_claim_sends_the_subscribers_stored_sex(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        b = Builder(conn)
        pid, cov = b.patient("Kid", "Kim", account="ZCOB0002")
        conn.execute(
            text(
                "UPDATE coverage SET relationship = '19', subscriber_first_name = 'Max', "
                "subscriber_last_name = 'Kid', subscriber_dob = '1975-03-04', "
                "subscriber_sex = 'M' WHERE id = :c"
            ),
            {"c": cov},
        )
        eid = b.encounter((pid, cov), DOS)
        insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
        (claim_id,) = insert_claims(conn, [eid], "b1", DEMO_TODAY)
    sent = _send(demo_engine, tmp_path, [claim_id])
    assert validate_x12(sent).ok
    dmg = [seg.elements for seg in iter_segments(sent) if seg.id == "DMG"]
    assert dmg == [("DMG", "D8", "19750304", "M"), ("DMG", "D8", "19700101", "F")]
