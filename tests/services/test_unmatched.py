"""The unmatched-remittance list: posting a payment to the claim a biller chose posts exactly
what a matched import would have; refusals change nothing; two billers cannot post it twice."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories import stored_clp
from medbill_tui.db.repositories import unmatched as repo
from medbill_tui.domain.posting import plan_claim_posting
from medbill_tui.edi.x835 import ClaimPay, parse_835_all
from medbill_tui.records.unmatched import UnmatchedRow
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService
from medbill_tui.services.remittances import RemittanceService
from medbill_tui.services.unmatched import UnmatchedRefused, UnmatchedService
from tests.conftest import DEMO_TODAY, X12_FIXTURES
from tests.services.test_imports import loop


def service(engine: Engine, actor: str = "b3") -> UnmatchedService:
    return UnmatchedService(engine, Clock(DEMO_TODAY), actor)


def importer(engine: Engine) -> ImportService:
    return ImportService(engine, Clock(DEMO_TODAY), "poster")


def open_rows(engine: Engine) -> list[UnmatchedRow]:
    return list(service(engine).page(limit=500).rows)


def entries(engine: Engine, claim_no: str, trace: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT le.kind, le.responsibility, le.amount, le.memo, le.service_date
                    FROM ledger_entry le JOIN claim c ON c.id = le.claim_id
                    JOIN remittance r ON r.id = le.remittance_id
                    WHERE c.claim_no = :c AND r.trace_no = :t AND le.kind <> 'reversal'
                    ORDER BY le.kind, le.responsibility, le.amount"""),
            {"c": claim_no, "t": trace},
        ).all()  # fmt: skip
    return [tuple(r) for r in rows]


def snapshot(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        row = conn.execute(
            text("""SELECT (SELECT count(*) FROM ledger_entry), (SELECT count(*) FROM claim_event),
                           (SELECT count(*) FROM audit_event),
                           (SELECT count(*) FROM claim_payment WHERE claim_id IS NULL),
                           (SELECT count(*) FROM service_payment WHERE claim_line_id IS NULL),
                           (SELECT count(*) FROM work_item WHERE status = 'open'),
                           (SELECT count(*) FROM work_item WHERE kind = 'denial')""")
        ).one()  # fmt: skip
    return tuple(int(v) for v in row)


class Unknown:
    """A sandbox 835 in which one claim's patient control number was mangled."""

    def __init__(self, engine: Engine, tmp_path: Path) -> None:
        ack999, ack277, era = loop(engine, tmp_path, reject_rate=0.0)
        importer(engine).import_file(ack999)
        importer(engine).import_file(ack277)
        self.original = era.read_text()
        remits = parse_835_all(self.original)
        self.remit = next(
            r for r in remits if any(c.paid and c.all_adjustments() for c in r.claims)
        )
        self.clp: ClaimPay = next(c for c in self.remit.claims if c.paid and c.all_adjustments())
        self.claim_no = self.clp.pcn
        self.trace = self.remit.trace_no
        mangled = tmp_path / "mangled.835"
        start = self.original.index(f"CLP*{self.claim_no}*")
        end = self.original.index("~", start)
        clp = self.original[start:end].split("*")
        clp[1], clp[7] = "ZZ" + clp[1], "ZZ" + clp[7]  # neither our PCN nor the payer's number
        mangled.write_text(self.original[:start] + "*".join(clp) + self.original[end:])
        self.sent = next(c for r in parse_835_all(mangled.read_text()) for c in r.claims
                         if c.pcn == "ZZ" + self.claim_no)  # fmt: skip
        result = importer(engine).import_file(mangled)
        assert result.status == "imported" and sum(p.unmatched for p in result.payments) == 1
        with engine.connect() as conn:
            self.claim_id, self.payer_id, self.charge = conn.execute(
                text("SELECT id, payer_id, total_charge FROM claim WHERE claim_no = :c"),
                {"c": self.claim_no},
            ).one()  # fmt: skip
        self.row = next(
            r for r in open_rows(engine) if r.patient_control_no == f"ZZ{self.claim_no}"
        )

    def other_claim(self, engine: Engine, where: str) -> int:
        with engine.connect() as conn:
            return int(conn.execute(
                text(f"SELECT id FROM claim WHERE id <> :id AND {where} ORDER BY id LIMIT 1"),
                {"id": self.claim_id, "payer": self.payer_id, "paid": self.clp.paid},
            ).scalar_one())  # fmt: skip


@pytest.fixture
def unknown(demo_engine: Engine, tmp_path: Path) -> Unknown:
    return Unknown(demo_engine, tmp_path)


def test_the_list_shows_the_payment_with_payer_trace_and_amounts(
    demo_engine: Engine, unknown: Unknown
) -> None:
    row = unknown.row
    assert row.source == "835" and row.trace_no == unknown.trace
    assert (row.charge, row.paid) == (unknown.clp.charge, unknown.clp.paid)
    assert row.payer_name and row.claim_payment_id is not None
    payment = service(demo_engine).payment(row.work_item_id)
    assert payment.payer_id == unknown.payer_id
    found = service(demo_engine).candidates(row.work_item_id)
    best = found[0]
    assert best.same_charge and best.same_dos and best.same_payer
    assert unknown.claim_no in [c.claim_no for c in found if c.score == best.score]
    typed = service(demo_engine).candidates(row.work_item_id, unknown.claim_no[:-1])
    assert typed and all(c.claim_no.startswith(unknown.claim_no[:-1]) or c.account_no
                         for c in typed)  # fmt: skip
    assert unknown.claim_no in [c.claim_no for c in typed]


def test_posting_writes_what_a_matched_import_would_have(
    demo_engine: Engine, unknown: Unknown, tmp_path: Path
) -> None:
    outcome = service(demo_engine).post(unknown.row.work_item_id, unknown.claim_id)
    assert outcome.claim_no == unknown.claim_no and outcome.paid == unknown.clp.paid
    assert outcome.claim_status in ("paid", "partial", "denied")
    by_hand = entries(demo_engine, unknown.claim_no, unknown.trace)
    assert by_hand and RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()
    assert unknown.row.work_item_id not in [r.work_item_id for r in open_rows(demo_engine)]
    with demo_engine.connect() as conn:
        linked = conn.execute(
            text("SELECT cp.claim_id, count(sp.claim_line_id), count(sp.id) FROM claim_payment cp "
                 "JOIN service_payment sp ON sp.claim_payment_id = cp.id WHERE cp.id = :id "
                 "GROUP BY cp.claim_id"), {"id": unknown.row.claim_payment_id},
        ).one()  # fmt: skip
        audit = conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'match'")
                             ).scalar_one()  # fmt: skip
    assert linked[0] == unknown.claim_id and linked[1] == linked[2] > 0 and audit == 1
    # The same CLP posted by a matched import (after undoing the first, under a new trace).
    with demo_engine.connect() as conn:
        remittance_id = conn.execute(text("SELECT id FROM remittance WHERE trace_no = :t"),
                                     {"t": unknown.trace}).scalar_one()  # fmt: skip
    RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").undo(remittance_id, "test")
    again = tmp_path / "again.835"
    again.write_text(
        unknown.original.replace(f"TRN*1*{unknown.trace}*", f"TRN*1*{unknown.trace}R*")
    )
    importer(demo_engine).import_file(again)
    # (the mangled 835 also carried a mangled payer claim number, which the memo names)
    expected = [(*e[:3], e[3].replace("ZZ", ""), e[4]) for e in by_hand]
    assert entries(demo_engine, unknown.claim_no, unknown.trace + "R") == expected
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()


def test_refusals_change_nothing(demo_engine: Engine, unknown: Unknown) -> None:
    item = unknown.row.work_item_id
    other_payer = unknown.other_claim(demo_engine, "payer_id <> :payer AND total_charge >= :paid "
                                                   "AND status <> 'void'")  # fmt: skip
    void = unknown.other_claim(demo_engine, "payer_id = :payer AND total_charge >= :paid")
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE claim SET status = 'void' WHERE id = :id"), {"id": void})
    # A claim of this payer billed for less than the payment, made so: which claim the
    # sandbox pays, and how much, follows the 837's envelope time (a test run's minute).
    too_small = unknown.other_claim(demo_engine, "payer_id = :payer "
                                                 "AND status NOT IN ('void', 'draft')")  # fmt: skip
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE claim SET total_charge = :c WHERE id = :id"),
                     {"c": unknown.clp.paid - Decimal("0.01"), "id": too_small})  # fmt: skip
    before = snapshot(demo_engine)
    for claim_id, words in ((other_payer, "billed to"), (too_small, "more than"),
                            (void, "is void")):  # fmt: skip
        with pytest.raises(UnmatchedRefused, match=words):
            service(demo_engine).post(item, claim_id)
    with pytest.raises(UnmatchedRefused, match="no claim"):
        service(demo_engine).post(item, 10**9)
    with pytest.raises(UnmatchedRefused, match="reason"):
        service(demo_engine).close_not_ours(item, "  ")
    assert snapshot(demo_engine) == before
    service(demo_engine).close_not_ours(item, "returned to the payer")
    closed = snapshot(demo_engine)
    assert closed[:2] == before[:2] and closed[5] == before[5] - 1  # no money, one item fewer
    with pytest.raises(UnmatchedRefused, match=r"already dealt with .*returned to the payer"):
        service(demo_engine).post(item, unknown.claim_id)
    with pytest.raises(UnmatchedRefused, match="already dealt with"):
        service(demo_engine).close_not_ours(item, "again")
    assert snapshot(demo_engine) == closed


def test_another_payers_claim_only_with_the_override(demo_engine: Engine, unknown: Unknown) -> None:
    other = unknown.other_claim(demo_engine, "payer_id <> :payer AND total_charge >= :paid "
                                             "AND status NOT IN ('void', 'draft')")  # fmt: skip
    outcome = service(demo_engine).post(unknown.row.work_item_id, other, allow_other_payer=True)
    assert outcome.paid == unknown.clp.paid
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()


def test_two_billers_posting_at_once_post_once(demo_engine: Engine, unknown: Unknown) -> None:
    results: list[str] = []
    barrier = threading.Barrier(2)

    def work(actor: str) -> None:
        barrier.wait()
        try:
            service(demo_engine, actor).post(unknown.row.work_item_id, unknown.claim_id)
            results.append("posted")
        except UnmatchedRefused as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=work, args=(a,)) for a in ("b1", "b2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[1] == "posted" and "already dealt with" in sorted(results)[0]
    with demo_engine.connect() as conn:
        payments = conn.execute(
            text("SELECT count(*) FROM ledger_entry le JOIN remittance r "
                 "ON r.id = le.remittance_id WHERE le.claim_id = :c AND r.trace_no = :t "
                 "AND le.kind = 'payment'"),
            {"c": unknown.claim_id, "t": unknown.trace},
        ).scalar_one()  # fmt: skip
    assert payments == 1
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()


def test_rows_rebuild_the_same_plan_as_the_file(demo_engine: Engine, unknown: Unknown) -> None:
    """Without the file's bytes the CLP is rebuilt from the stored rows: same ledger plan."""
    with demo_engine.connect() as conn:
        item = conn.execute(text(repo.ITEM_SQL + " WHERE w.id = :id"),
                            {"id": unknown.row.work_item_id}).one()  # fmt: skip
        from_file = stored_clp.claim_pay(conn, item)
        from_rows = stored_clp.from_rows(conn, item)
    assert from_file == unknown.sent
    owed = unknown.sent.charge
    expected = plan_claim_posting(unknown.sent, "primary", "patient", owed=owed)
    rebuilt = plan_claim_posting(from_rows, "primary", "patient", owed=owed)
    assert (rebuilt.entries, rebuilt.status) == (expected.entries, expected.status)
    assert [(d.group, d.carc, d.amount) for d in rebuilt.denials] == [
        (d.group, d.carc, d.amount) for d in expected.denials
    ]


def test_real_835_and_277ca_fill_the_list(demo_engine: Engine) -> None:
    before = len(open_rows(demo_engine))
    importer(demo_engine).import_file(
        X12_FIXTURES / "835-stupidedi-multiple-claims-single-check.x12"
    )
    importer(demo_engine).import_file(X12_FIXTURES / "277ca-imsweb-rejected.x12")
    rows = open_rows(demo_engine)
    payments = [r for r in rows if r.source == "835"]
    acks = [r for r in rows if r.source == "277CA"]
    assert len(rows) - before == len(payments) + len(acks) and len(payments) == 9 and acks
    assert {r.patient_control_no for r in payments} == {"7722337"}
    assert len({r.claim_payment_id for r in payments}) == 9  # one payment per item, no mix-up
    assert sum((r.paid for r in payments), Decimal(0)) == Decimal("810.80")
    assert "DOE, SANDY" in {r.patient_name for r in payments}
    with pytest.raises(UnmatchedRefused, match="277CA"):
        service(demo_engine).post(acks[0].work_item_id, 1)
    assert {r.patient_control_no for r in acks} == {"3920394930203"}
    # Post one to a demo claim of another payer (the biller confirmed it): the ledger agrees.
    first = payments[0]
    with demo_engine.connect() as conn:
        claim_id = conn.execute(
            text("SELECT id FROM claim WHERE total_charge >= :p AND status = 'accepted_999' "
                 "ORDER BY id LIMIT 1"), {"p": first.paid}).scalar_one()  # fmt: skip
    service(demo_engine).post(first.work_item_id, claim_id, allow_other_payer=True)
    assert RemittanceService(demo_engine, Clock(DEMO_TODAY), "s").check_ledger() == ()
    assert len([r for r in open_rows(demo_engine) if r.source == "835"]) == 8
