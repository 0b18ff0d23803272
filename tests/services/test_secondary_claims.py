"""Secondary claims: made from the primary's 835, sent with 2320/2330/2430, voided by undo."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from medbill_tui.db.repositories.claims import insert_claims
from medbill_tui.edi.sandbox import respond
from medbill_tui.edi.sandbox_835 import ClaimDecision, ClaimPayment, LinePay, write_835
from medbill_tui.edi.sandbox_envelope import Envelope
from medbill_tui.edi.segments import Segment, iter_segments
from medbill_tui.edi.validate import validate_x12
from medbill_tui.edi.x837_read import Claim837, read_837p
from medbill_tui.records.queues import QueueFilter, QueueKind
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.claims import ClaimService
from medbill_tui.services.imports import ImportService
from medbill_tui.services.queues import QueueService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.submissions import SubmissionService
from tests.cli.test_cli import medbill
from tests.conftest import DEMO_TODAY
from tests.edi.x12sdk_837 import assert_both_parsers_read_837p
from tests.factories import Builder, insert

DOS = date(2026, 10, 5)
ACCOUNT = "ZSEC0001"
# (code, charge, CO-45, PR group reason, PR amount): paid = charge - CO-45 - PR
LINES = (("99213", "120.00", "20.00", "1", "30.00"), ("36415", "40.00", "10.00", "2", "6.00"))
PR_TOTAL = Decimal("36.00")
PAID = Decimal("94.00")


@dataclass
class Setup:
    patient_id: int
    primary_cov: int
    primary_member: str
    secondary_cov: int
    claim_id: int


def _setup(engine: Engine, tmp_path: Path) -> Setup:
    """A patient with two coverages, a visit with two lines, its claim sent and acknowledged."""
    with engine.begin() as conn:
        b = Builder(conn)
        pid, cov = b.patient("Secondary", "Sam", account=ACCOUNT)
        sec = insert(conn, "coverage", patient_id=pid, payer_id=b.payers[1], member_id="SEC77",
                     priority=2, effective_from=date(2020, 1, 1))  # fmt: skip
        eid = b.encounter((pid, cov), DOS, charges=tuple(line[1] for line in LINES))
        conn.execute(text("UPDATE charge SET code = '36415' WHERE encounter_id = :e "
                          "AND line_no = 2"), {"e": eid})  # fmt: skip
        insert(conn, "encounter_diagnosis", encounter_id=eid, seq=1, code="I10")
        (claim_id,) = insert_claims(conn, [eid], "b1", DEMO_TODAY)
    sent = _send(engine, tmp_path, [claim_id])
    answer = respond(sent, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("p.999", answer.ack_999), ("p.277", answer.ack_277ca)):
        assert _import(engine, tmp_path, name, body or "").status == "imported"
    with engine.connect() as conn:
        member = conn.execute(text("SELECT member_id FROM coverage WHERE id = :c"), {"c": cov})
        return Setup(pid, cov, str(member.scalar_one()), sec, claim_id)


def _send(engine: Engine, tmp_path: Path, ids: list[int]) -> str:
    run = SubmissionService(engine, Clock(DEMO_TODAY), "b1", tmp_path / "out").submit(ids)
    assert run.claims == len(ids)
    sent = Path(run.files[0].path).read_text()
    assert_both_parsers_read_837p(sent)
    return sent


def _import(engine: Engine, tmp_path: Path, name: str, body: str) -> Any:
    path = tmp_path / name
    path.write_text(body)
    return ImportService(engine, Clock(DEMO_TODAY), "poster").import_file(path)


def _primary_835(
    sent_837: str,
    trace_seed: int,
    lines_spec: tuple[tuple[str, str, str, str, str], ...] = LINES,
    status: str = "1",
    sign: int = 1,
    reversing: tuple[tuple[str, str, str, str, str], ...] | None = None,
) -> str:
    """The primary payer's 835 for the one claim of `sent_837`: CO-45 and PR per line as in
    `lines_spec`; `status` 22 with `sign` -1 is the payer taking its payment back; `reversing`
    puts the reversal of the payment of those lines before it (a correction)."""
    batch = read_837p(sent_837)
    (claim,) = batch.claims
    payments = [_claim_payment(claim, lines_spec, status, sign)]
    if reversing is not None:
        payments.insert(0, _claim_payment(claim, reversing, "22", -1))
    env = Envelope.answering(batch, DEMO_TODAY, usage="T", minutes=600)
    rng = random.Random(0)  # its first draw (0.84) adds no provider-level adjustment
    return write_835(env, 500_000_000 + trace_seed, payments, rng)


def _claim_payment(
    claim: Claim837, lines_spec: tuple[tuple[str, str, str, str, str], ...], status: str, sign: int
) -> ClaimPayment:
    lines = []
    for line, (_, charge, co, reason, pr) in zip(claim.lines, lines_spec, strict=True):
        c, co_, pr_ = (sign * Decimal(v) for v in (charge, co, pr))
        if sign < 0:
            line = replace(line, charge=c)
        lines.append(LinePay(line, c - co_ - pr_, c - co_, (("CO", "45", co_), ("PR", reason, pr_)),
                             ""))  # fmt: skip
    if sign < 0:
        claim = replace(claim, charge=-claim.charge)
    decision = ClaimDecision(claim, True, ("A1", "20", ""), None, "26300000777")
    return ClaimPayment(decision, status, tuple(lines))


def _claims(conn: Connection, patient_id: int) -> list[Any]:
    return conn.execute(
        text("SELECT c.*, cv.priority FROM claim c JOIN coverage cv ON cv.id = c.coverage_id "
             "WHERE c.patient_id = :p ORDER BY c.id"), {"p": patient_id},
    ).all()  # fmt: skip


def _balances(conn: Connection, patient_id: int) -> dict[str, Decimal]:
    rows = conn.execute(
        text("SELECT responsibility, sum(amount) FROM ledger_entry WHERE patient_id = :p "
             "GROUP BY 1"), {"p": patient_id},
    ).all()  # fmt: skip
    return {r[0]: r[1] for r in rows}


def _remits(engine: Engine) -> RemittanceService:
    return RemittanceService(engine, Clock(DEMO_TODAY), "supervisor")


def _remittance_id(conn: Connection, claim_id: int) -> int:
    return int(conn.execute(
        text("SELECT r.id FROM remittance r JOIN claim_payment cp ON cp.remittance_id = r.id "
             "WHERE cp.claim_id = :c AND r.status = 'posted' ORDER BY r.id DESC LIMIT 1"),
        {"c": claim_id},
    ).scalar_one())  # fmt: skip


def test_the_primary_835_creates_one_ready_secondary_claim_and_undo_voids_it(
    demo_engine: Engine, tmp_path: Path
) -> None:
    s = _setup(demo_engine, tmp_path)
    assert _remits(demo_engine).check_ledger() == ()
    era = _primary_835(next((tmp_path / "out").iterdir()).read_text(), 1)
    assert "CAS*CO*45*20" in era and "CAS*PR*1*30" in era and "CAS*PR*2*6" in era
    result = _import(demo_engine, tmp_path, "p.835", era)
    assert result.status == "imported" and result.payments[0].status == "posted"
    assert result.payments[0].paid == PAID
    with demo_engine.connect() as conn:
        claims = _claims(conn, s.patient_id)
        assert [(c.priority, c.status) for c in claims] == [(1, "paid"), (2, "ready")]
        primary, secondary = claims
        assert secondary.coverage_id == s.secondary_cov and secondary.frequency == "1"
        assert secondary.total_charge == primary.total_charge == Decimal("160.00")
        assert secondary.claim_no != primary.claim_no and secondary.claim_no.startswith("C")
        lines = conn.execute(
            text("SELECT claim_id, line_no, code, amount FROM claim_line WHERE claim_id = ANY(:i)"
                 " ORDER BY claim_id, line_no"), {"i": [primary.id, secondary.id]},
        ).all()  # fmt: skip
        assert [line[1:] for line in lines[:2]] == [line[1:] for line in lines[2:]]
        (event,) = conn.execute(
            text("SELECT from_status, to_status, detail FROM claim_event WHERE claim_id = :c"),
            {"c": secondary.id},
        ).all()  # fmt: skip
        trace = result.payments[0].trace_no
        assert event[:2] == (None, "ready") and f"835 {trace}" in event[2]
        assert "billed for 36.00" in event[2] and primary.claim_no in event[2]
        audit = conn.execute(
            text("SELECT action FROM audit_event WHERE entity = 'claim' AND entity_id = :c"),
            {"c": secondary.id},
        ).scalars().all()  # fmt: skip
        assert audit == ["create"]
        balances = _balances(conn, s.patient_id)
        assert balances["secondary"] == PR_TOTAL and balances["primary"] == Decimal("0.00")
        remit_id = _remittance_id(conn, primary.id)
    assert _remits(demo_engine).check_ledger() == ()

    page = QueueService(demo_engine, Clock(DEMO_TODAY)).page(
        QueueKind.PENDING_CLAIMS, QueueFilter(text=ACCOUNT), None, 50
    )
    assert [(r.claim_no, r.status) for r in page.rows] == [(secondary.claim_no, "ready")]

    again = _import(demo_engine, tmp_path, "p.835", era)
    assert again.status == "already-imported"
    copy = _import(demo_engine, tmp_path, "copy.835", era + "\n")
    assert copy.payments[0].status == "already-posted"
    with demo_engine.connect() as conn:
        assert len(_claims(conn, s.patient_id)) == 2

    notes: list[str] = []
    assert _remits(demo_engine).undo(remit_id, "posted twice by mistake", notes=notes) > 0
    assert any(secondary.claim_no in n and "void" in n for n in notes), notes
    with demo_engine.connect() as conn:
        claims = _claims(conn, s.patient_id)
        assert [(c.priority, c.status) for c in claims] == [(1, "paid"), (2, "void")]
        last = conn.execute(
            text("SELECT from_status, to_status, detail FROM claim_event WHERE claim_id = :c "
                 "ORDER BY id DESC LIMIT 1"), {"c": secondary.id},
        ).one()  # fmt: skip
        assert last[:2] == ("ready", "void") and "undoing the primary's 835" in last[2]
        balances = _balances(conn, s.patient_id)
        assert balances["secondary"] == 0 and balances["primary"] == Decimal("160.00")
    assert _remits(demo_engine).check_ledger() == ()


def _segments_of(content: str, pcn: str) -> list[Segment]:
    segments = list(iter_segments(content))
    start = next(i for i, s in enumerate(segments) if s.id == "CLM" and s.get(1) == pcn)
    end = next(i for i in range(start + 1, len(segments)) if segments[i].id in ("HL", "SE"))
    return segments[start:end]


def test_the_secondary_claim_goes_out_with_the_primary_payment(
    demo_engine: Engine, tmp_path: Path
) -> None:
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "p.835", _primary_835(sent, 2)).status == "imported"
    with demo_engine.connect() as conn:
        primary, secondary = _claims(conn, s.patient_id)
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    content = _send(demo_engine, tmp_path, [secondary.id])
    assert validate_x12(content).ok, validate_x12(content).issues
    claim = [s.elements for s in _segments_of(content, secondary.claim_no)]
    payer = ("NM1", "PR", "2", "ACME HEALTH", "", "", "", "", "PI", "P1")
    other = claim.index(("SBR", "P", "18", "", "", "", "", "", "", "CI"))
    assert claim[other + 1 : other + 6] == [
        ("AMT", "D", "94"), ("AMT", "EAF", "36"), ("OI", "", "", "Y", "", "", "Y"),
        ("NM1", "IL", "1", "SECONDARY", "SAM", "", "", "", "MI", s.primary_member),
        ("N3", "1 MAIN ST"),
    ]  # fmt: skip
    assert payer in claim and ("REF", "F8", "26300000777") in claim
    svd = [i for i, seg in enumerate(claim) if seg[0] == "SVD"]
    assert [claim[i] for i in svd] == [("SVD", "P1", "70", "HC:99213", "", "1"),
                                       ("SVD", "P1", "24", "HC:36415", "", "1")]  # fmt: skip
    assert claim[svd[0] + 1 : svd[0] + 4] == [
        ("CAS", "CO", "45", "20"), ("CAS", "PR", "1", "30"), ("DTP", "573", "D8", "20261102"),
    ]  # fmt: skip
    assert claim[svd[1] + 1 : svd[1] + 4] == [
        ("CAS", "CO", "45", "10"), ("CAS", "PR", "2", "6"), ("DTP", "573", "D8", "20261102"),
    ]  # fmt: skip
    assert [seg for seg in claim if seg[:2] == ("AMT", "EAF")] == [("AMT", "EAF", "36")]
    subscriber = next(seg for seg in iter_segments(content) if seg.id == "SBR")
    assert subscriber.get(1) == "S"
    assert _remits(demo_engine).check_ledger() == ()

    # Undo after the secondary claim went out: it stays sent; a follow-up says what changed.
    with demo_engine.connect() as conn:
        remit_id = _remittance_id(conn, primary.id)
    notes: list[str] = []
    _remits(demo_engine).undo(remit_id, "wrong patient", notes=notes)
    with demo_engine.connect() as conn:
        assert _claims(conn, s.patient_id)[1].status == "submitted"
        items = conn.execute(
            text("SELECT kind, detail FROM work_item WHERE claim_id = :c"), {"c": secondary.id}
        ).all()
    assert [i.kind for i in items] == ["followup"] and "already sent" in items[0].detail
    assert notes == [items[0].detail]
    assert _remits(demo_engine).check_ledger() == ()


def _live(conn: Connection, patient_id: int) -> list[tuple[str, str]]:
    return [(c.status, c.claim_no) for c in _claims(conn, patient_id) if c.priority == 2]


def test_reversal_voids_and_a_later_835_replaces_the_unsent_secondary_claim(
    demo_engine: Engine, tmp_path: Path
) -> None:
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "1.835", _primary_835(sent, 1)).status == "imported"
    with demo_engine.connect() as conn:
        ((status, first),) = _live(conn, s.patient_id)
    assert status == "ready"

    # The payer takes its payment back (CLP02 = 22): nothing is left for the secondary.
    taken_back = _primary_835(sent, 2, status="22", sign=-1)
    assert _import(demo_engine, tmp_path, "2.835", taken_back).status == "imported"
    with demo_engine.connect() as conn:
        assert _live(conn, s.patient_id) == [("void", first)]
        assert _balances(conn, s.patient_id)["secondary"] == 0
    assert _remits(demo_engine).check_ledger() == ()

    # It pays again with a larger deductible: a new secondary claim for the new amount.
    again = (("99213", "120.00", "20.00", "1", "50.00"), ("36415", "40.00", "10.00", "2", "6.00"))
    assert _import(demo_engine, tmp_path, "3.835", _primary_835(sent, 3, again)).status == (
        "imported"
    )
    with demo_engine.connect() as conn:
        live = _live(conn, s.patient_id)
        assert [x[0] for x in live] == ["void", "ready"]
        second = live[1][1]
        assert _balances(conn, s.patient_id)["secondary"] == Decimal("56.00")
        detail = conn.execute(
            text("SELECT e.detail FROM claim_event e JOIN claim c ON c.id = e.claim_id "
                 "WHERE c.claim_no = :n"), {"n": second},
        ).scalar_one()  # fmt: skip
    assert "billed for 56.00" in detail

    # A corrected payment while the secondary claim is unsent: it is replaced, one stays live.
    fourth = _primary_835(
        sent, 4, (LINES[0], ("36415", "40.00", "30.00", "2", "4.00")), reversing=again
    )
    assert _import(demo_engine, tmp_path, "4.835", fourth).status == "imported"
    with demo_engine.connect() as conn:
        live = _live(conn, s.patient_id)
        assert [x[0] for x in live] == ["void", "void", "ready"]
        reason = conn.execute(
            text("SELECT e.detail FROM claim_event e JOIN claim c ON c.id = e.claim_id "
                 "WHERE c.claim_no = :n AND e.to_status = 'void'"), {"n": second},
        ).scalar_one()  # fmt: skip
    assert "replaced after the primary's 835" in reason
    assert _remits(demo_engine).check_ledger() == ()


def test_a_rejected_secondary_claim_is_resent_without_a_new_charge(
    demo_engine: Engine, tmp_path: Path
) -> None:
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "1.835", _primary_835(sent, 1)).status == "imported"
    with demo_engine.connect() as conn:
        primary, secondary = _claims(conn, s.patient_id)
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    answer = respond(_send(demo_engine, tmp_path, [secondary.id]), seed=2, reject_rate=1.0,
                     today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("s.999", answer.ack_999), ("s.277", answer.ack_277ca)):
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    with demo_engine.connect() as conn:
        assert _claims(conn, s.patient_id)[1].status == "rejected_277ca"
        before = _balances(conn, s.patient_id)
    ClaimService(demo_engine, Clock(DEMO_TODAY), "b1").resend_rejected(secondary.id)
    with demo_engine.connect() as conn:
        assert _claims(conn, s.patient_id)[1].status == "ready"
        assert _balances(conn, s.patient_id) == before  # its balance came by transfer
    assert _remits(demo_engine).check_ledger() == ()
    with demo_engine.connect() as conn:
        remit_id = _remittance_id(conn, primary.id)
    _remits(demo_engine).undo(remit_id, "wrong payer")
    with demo_engine.connect() as conn:
        assert _claims(conn, s.patient_id)[1].status == "void"
    assert _remits(demo_engine).check_ledger() == ()


def test_remittance_undo_on_the_command_line_says_it_voided_the_secondary_claim(
    demo_engine: Engine, tmp_path: Path
) -> None:
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "1.835", _primary_835(sent, 1)).status == "imported"
    with demo_engine.connect() as conn:
        primary, secondary = _claims(conn, s.patient_id)
        remit_id = _remittance_id(conn, primary.id)
    url = demo_engine.url.render_as_string(hide_password=False)
    done = medbill("remittance", "undo", str(remit_id), "--reason", "wrong practice", url=url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("reversed ") and len(lines) == 2
    assert lines[1].startswith(f"secondary claim {secondary.claim_no} void: after undoing")


def test_the_sandbox_pays_a_secondary_claim_as_a_secondary_payer(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """At most what the primary left (OA-23 for the primary's share, PR-2 for any rest), and
    the secondary claim's balance comes to zero without a credit, for any of several seeds."""
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "p.835", _primary_835(sent, 3)).status == "imported"
    with demo_engine.connect() as conn:
        _, secondary = _claims(conn, s.patient_id)
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    content = _send(demo_engine, tmp_path, [secondary.id])
    lines = read_837p(content).claims[0].lines
    assert [(ln.prior_paid, ln.prior_remaining) for ln in lines] == [
        (Decimal("70.00"), None),  # AMT*EAF goes once, at 2320 (RFI 1391)
        (Decimal("24.00"), None),
    ]
    for seed in range(1, 6):
        era = respond(content, seed=seed, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY)
        assert era.era_835 is not None
        claim_segments = [seg.elements for seg in iter_segments(era.era_835)]
        clp = next(e for e in claim_segments if e[0] == "CLP")
        assert clp[2] == "2" and Decimal(clp[4]) <= PR_TOTAL
        assert ("CAS", "OA", "23", "90") in claim_segments  # 120 - 30 left by the primary
    answer = respond(content, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("s.999", answer.ack_999), ("s.277", answer.ack_277ca),
                       ("s.835", answer.era_835)):  # fmt: skip
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    with demo_engine.connect() as conn:
        owed = _balances(conn, s.patient_id)
        status = conn.execute(
            text("SELECT status FROM claim WHERE id = :c"), {"c": secondary.id}
        ).scalar_one()
    assert owed["secondary"] == 0 and owed["primary"] == 0, owed
    # what the secondary left (if it paid less than all) is the patient's; never a credit
    assert 0 <= owed.get("patient", Decimal(0)) <= PR_TOTAL and status == "paid"
    assert _remits(demo_engine).check_ledger() == ()


def test_a_secondary_835_moves_no_more_to_the_patient_than_the_secondary_owed(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """The tester's 835: the secondary denies with PR-27 on the full charge and no OA-23 for
    what the primary settled. Only the 36.00 the secondary owed moves to the patient; the rest
    is told, not posted."""
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "p.835", _primary_835(sent, 3)).status == "imported"
    with demo_engine.connect() as conn:
        _, secondary = _claims(conn, s.patient_id)
        before = _balances(conn, s.patient_id)
    assert before["secondary"] == PR_TOTAL and before.get("patient", 0) == 0
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    content = _send(demo_engine, tmp_path, [secondary.id])
    answer = respond(content, seed=1, reject_rate=0.0, deny_rate=0.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("s.999", answer.ack_999), ("s.277", answer.ack_277ca)):
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    batch = read_837p(content)
    (claim,) = batch.claims
    lines = tuple(
        LinePay(ln, Decimal(0), Decimal(0), (("PR", "27", ln.charge),), "N30") for ln in claim.lines
    )
    decision = ClaimDecision(claim, True, ("A1", "20", ""), None, "SEC000123")
    env = Envelope.answering(batch, DEMO_TODAY, usage="T", minutes=600)
    era = write_835(env, 600_000_001, [ClaimPayment(decision, "4", lines)], random.Random(0))
    result = _import(demo_engine, tmp_path, "s.835", era)
    assert result.status == "imported"
    with demo_engine.connect() as conn:
        after = _balances(conn, s.patient_id)
        memos = conn.execute(
            text("SELECT memo FROM ledger_entry WHERE claim_id = :c AND kind = 'transfer' "
                 "AND responsibility = 'patient' ORDER BY id"), {"c": secondary.id},
        ).scalars().all()  # fmt: skip
    assert after["secondary"] == 0 and after["primary"] == 0
    assert after["patient"] == PR_TOTAL  # 36.00, not the 160.00 the payer named
    assert memos == ["PR-27 (payer said 120.00)"]  # the second line's 40.00 found nothing left
    assert f"PR-27 of 120.00 is more than the secondary still owed ({PR_TOTAL})" in result.message
    assert "PR-27 of 40.00" in result.message and "40.00 not posted" in result.message
    assert _remits(demo_engine).check_ledger() == ()


def test_the_sandbox_denies_a_secondary_claim_only_on_what_the_primary_left(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """A denied secondary claim names the primary's share OA-23 and denies only the rest."""
    s = _setup(demo_engine, tmp_path)
    sent = next((tmp_path / "out").iterdir()).read_text()
    assert _import(demo_engine, tmp_path, "p.835", _primary_835(sent, 3)).status == "imported"
    with demo_engine.connect() as conn:
        _, secondary = _claims(conn, s.patient_id)
    for old in (tmp_path / "out").iterdir():
        old.unlink()
    content = _send(demo_engine, tmp_path, [secondary.id])
    for seed in range(1, 4):
        era = respond(content, seed=seed, reject_rate=0.0, deny_rate=1.0, today=DEMO_TODAY)
        assert era.era_835 is not None and validate_x12(era.era_835).ok
        segments = [seg.elements for seg in iter_segments(era.era_835)]
        cas = [e for e in segments if e[0] == "CAS"]
        assert [e[2:4] for e in cas if e[1] == "OA"] == [("23", "90"), ("23", "34")]
        assert [e[3] for e in cas if e[1] != "OA"] == ["30", "6"]  # what the primary left
    answer = respond(content, seed=1, reject_rate=0.0, deny_rate=1.0, today=DEMO_TODAY,
                     ack_reject_rate=0.0)  # fmt: skip
    for name, body in (("s.999", answer.ack_999), ("s.277", answer.ack_277ca),
                       ("s.835", answer.era_835)):  # fmt: skip
        assert _import(demo_engine, tmp_path, name, body or "").status == "imported"
    with demo_engine.connect() as conn:
        owed = _balances(conn, s.patient_id)
    assert owed["primary"] == 0 and 0 <= owed["secondary"] <= PR_TOTAL
    assert owed["secondary"] + owed.get("patient", Decimal(0)) == PR_TOTAL
    assert _remits(demo_engine).check_ledger() == ()
