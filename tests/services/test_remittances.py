"""835 posting: exactly once, balanced to the cent, undoable, ledger always consistent."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services.imports import ImportService
from medbill_tui.services.remittances import PostingFailed, RemittanceService
from tests.conftest import DEMO_TODAY, X12_FIXTURES
from tests.services.test_imports import loop


def importer(engine: Engine) -> ImportService:
    return ImportService(engine, Clock(DEMO_TODAY), "poster")


def remits(engine: Engine) -> RemittanceService:
    return RemittanceService(engine, Clock(DEMO_TODAY), "supervisor")


def balances(engine: Engine) -> dict[tuple[int, str], Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT patient_id, responsibility, sum(amount) FROM "
                                 "ledger_entry GROUP BY 1, 2")).all()  # fmt: skip
    return {(r[0], r[1]): r[2] for r in rows}


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM ledger_entry), (SELECT count(*) FROM remittance), "
                "(SELECT count(*) FROM claim_payment), (SELECT count(*) FROM work_item)"
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


@pytest.fixture
def era(demo_engine: Engine, tmp_path: Path) -> Path:
    ack999, ack277, era835 = loop(demo_engine, tmp_path, reject_rate=0.1)
    importer(demo_engine).import_file(ack999)
    importer(demo_engine).import_file(ack277)
    return era835


def test_posting_moves_exactly_the_paid_and_contractual_amounts(
    demo_engine: Engine, era: Path
) -> None:
    before = balances(demo_engine)
    result = importer(demo_engine).import_file(era)
    assert result.status == "imported" and result.payments
    assert all(p.status == "posted" for p in result.payments)
    with demo_engine.connect() as conn:
        paid, written_off, transfers = conn.execute(
            text(
                "SELECT coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0), "
                "coalesce(sum(amount) FILTER (WHERE kind = 'adjustment'), 0), "
                "coalesce(sum(amount) FILTER (WHERE kind = 'transfer'), 0) FROM ledger_entry "
                "WHERE posted_by = 'poster'"
            )
        ).one()
        clp_paid = conn.execute(
            text(
                "SELECT sum(cp.paid) FROM claim_payment cp JOIN remittance r ON "
                "r.id = cp.remittance_id WHERE r.imported_by = 'poster'"
            )
        ).scalar_one()
        # a PLB take-back (WO, 72) posts on the claim it names as a payment taken back
        taken_back = conn.execute(
            text(
                "SELECT coalesce(sum(p.amount), 0) FROM remittance_plb p JOIN remittance r ON "
                "r.id = p.remittance_id WHERE r.imported_by = 'poster' AND p.claim_id IS NOT NULL"
            )
        ).scalar_one()
        statuses = set(
            conn.execute(
                text(
                    "SELECT to_status FROM claim_event WHERE actor = 'poster' "
                    "AND detail LIKE '835%'"
                )
            ).scalars()
        )
    assert -paid == clp_paid - taken_back and transfers == 0
    after = balances(demo_engine)
    total_change = sum(after.values()) - sum(before.values())
    assert total_change == paid + written_off
    assert statuses <= {"paid", "partial", "denied"} and "paid" in statuses
    assert remits(demo_engine).check_ledger() == ()


def test_denials_become_work_items_with_codes(demo_engine: Engine, tmp_path: Path) -> None:
    ack999, ack277, era = loop(demo_engine, tmp_path, reject_rate=0.0)
    importer(demo_engine).import_file(ack999)
    importer(demo_engine).import_file(ack277)
    result = importer(demo_engine).import_file(era)
    denials = sum(p.denials for p in result.payments)
    with demo_engine.connect() as conn:
        items = conn.execute(
            text(
                "SELECT group_code, carc, amount, due_on - opened_on FROM work_item "
                "WHERE kind = 'denial' AND detail LIKE '835 %' AND status = 'open'"
            )
        ).all()
    assert len(items) == denials
    # due dates come from the routing rules (their appeal window, else 60 days)
    assert all(g and carc and amount > 0 and 0 < days <= 365 for g, carc, amount, days in items)


def test_the_same_payment_twice_posts_once(demo_engine: Engine, era: Path, tmp_path: Path) -> None:
    importer(demo_engine).import_file(era)
    before = counts(demo_engine)
    again = importer(demo_engine).import_file(era)
    assert again.status == "already-imported"
    other_file = tmp_path / "resent.835"
    other_file.write_bytes(era.read_bytes() + b"\n")  # same payments, different bytes
    resent = importer(demo_engine).import_file(other_file)
    assert resent.status == "not-posted"
    assert all(p.status == "already-posted" and "already posted by poster" in p.message
               for p in resent.payments)  # fmt: skip
    assert counts(demo_engine) == before


def test_two_posters_at_once_post_once(demo_engine: Engine, era: Path) -> None:
    statuses: list[str] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        statuses.append(importer(demo_engine).import_file(era).status)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["already-imported", "imported"]
    assert remits(demo_engine).check_ledger() == ()


def test_undo_restores_every_balance_exactly(demo_engine: Engine, era: Path) -> None:
    before = balances(demo_engine)
    importer(demo_engine).import_file(era)
    with demo_engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM remittance WHERE imported_by = 'poster'")
                           ).scalars().all()  # fmt: skip
    reversed_entries = sum(
        remits(demo_engine).undo(rid, "posted to the wrong practice") for rid in ids
    )  # a payment of only denials has no entries
    assert reversed_entries > 0
    after = {k: v for k, v in balances(demo_engine).items() if v or k in before}
    assert after == {k: v for k, v in before.items()}
    assert remits(demo_engine).check_ledger() == ()
    with pytest.raises(PostingFailed, match="already undone"):
        remits(demo_engine).undo(ids[0], "again")
    with pytest.raises(PostingFailed, match="reason"):
        remits(demo_engine).undo(ids[0], " ")


def test_an_unbalanced_835_is_not_posted(demo_engine: Engine, era: Path, tmp_path: Path) -> None:
    text_835 = era.read_text()
    start = text_835.index("BPR*")
    fields = text_835[start : text_835.index("~", start)].split("*")
    fields[2] = str(Decimal(fields[2]) + Decimal("1.00"))
    tampered = tmp_path / "tampered.835"
    tampered.write_text(
        text_835[:start] + "*".join(fields) + text_835[text_835.index("~", start) :]
    )
    before = counts(demo_engine)
    result = importer(demo_engine).import_file(tampered)
    first = result.payments[0]
    assert first.status == "unbalanced" and "off by" in first.message
    with demo_engine.connect() as conn:
        posted = conn.execute(text("SELECT count(*) FROM remittance WHERE trace_no = :t"),
                              {"t": first.trace_no}).scalar_one()  # fmt: skip
    assert posted == 0
    others = [p for p in result.payments[1:] if p.status == "posted"]
    assert counts(demo_engine)[1] == before[1] + len(others)


@pytest.mark.parametrize(
    "name",
    [
        "835-stupidedi-secondary-payments.x12",
        "835-stupidedi-multiple-claims-single-check.x12",
        "835-pyx12-mult-loops.x12",
    ],
)
def test_real_835s_keep_every_claim_on_the_unmatched_list(demo_engine: Engine, name: str) -> None:
    before = counts(demo_engine)
    result = importer(demo_engine).import_file(X12_FIXTURES / name)
    assert result.status == "imported"
    clps = sum(p.unmatched for p in result.payments)
    assert clps >= 1
    after = counts(demo_engine)
    assert after[2] - before[2] == clps and after[3] - before[3] == clps
    assert after[0] == before[0]  # nothing posted to any patient's ledger
    assert remits(demo_engine).check_ledger() == ()
