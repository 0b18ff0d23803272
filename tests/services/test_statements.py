"""Statement runs against the real database: guarantors with several patients, the dunning
cycle over simulated dates, holds, the minimum, refusals that change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories import statements as repo
from medbill_tui.db.uow import read_connection
from medbill_tui.records.statements import Action, Step
from medbill_tui.services.statements import StatementsFailed, StatementsInvalid
from tests.conftest import DEMO_TODAY
from tests.factories import Builder, insert
from tests.services.statement_practice import (
    account_no,
    builder,
    counts,
    files,
    guarantee,
    pay,
    posted,
    service,
    visit,
)

DAY0 = date(2026, 3, 2)


@pytest.fixture
def family(engine: Engine) -> dict[str, str]:
    """Rosa guarantees Luis and Ana; Omar owes 4.00; Ines is on hold; Ben owes nothing."""
    with engine.begin() as conn:
        b = Builder(conn)
        rosa, luis, ana = (
            b.patient("Diaz", "Rosa"),
            b.patient("Diaz", "Luis"),
            b.patient("Diaz", "Ana"),
        )
        guarantee(conn, rosa, luis, ana)
        visit(b, rosa, date(2026, 1, 5), DAY0 - timedelta(days=20), "40.00")
        visit(b, luis, date(2026, 1, 12), DAY0 - timedelta(days=15), "30.00", pt_paid="10.00")
        visit(b, ana, date(2026, 2, 1), DAY0 - timedelta(days=3), "25.50")
        visit(b, ana, date(2026, 2, 20), DAY0 + timedelta(days=5), "99.00")  # posted after DAY0
        omar, ines, ben = (
            b.patient("Khan", "Omar"),
            b.patient("Vega", "Ines"),
            b.patient("Ng", "Ben"),
        )
        visit(b, omar, date(2026, 1, 7), DAY0 - timedelta(days=9), "4.00")
        visit(b, ines, date(2026, 1, 8), DAY0 - timedelta(days=9), "60.00")
        visit(b, ben, date(2026, 1, 9), DAY0 - timedelta(days=9), "0.00")
        conn.execute(text("UPDATE patient SET statement_hold = true, "
                          "statement_hold_reason = 'disputes the bill' WHERE id = :id"),
                     {"id": ines[0]})  # fmt: skip
        return {name: account_no(conn, p) for name, p in
                (("rosa", rosa), ("luis", luis), ("ana", ana), ("omar", omar),
                 ("ines", ines), ("ben", ben))}  # fmt: skip


def test_one_statement_per_guarantor_with_all_their_patients(
    engine: Engine, family: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "statements"
    before = counts(engine)
    dry = service(engine, DAY0, out).run(dry_run=True)
    assert counts(engine) == before and files(out) == []  # a dry run writes nothing
    assert [e.account_no for e in dry.sent] == [family["rosa"]]
    assert dry.amount == Decimal("85.50")  # 40 + (30 - 10) + 25.50; the later 99.00 not yet
    skipped = {e.account_no: e.decision.reason for e in dry.having(Action.SKIP)}
    assert skipped == {
        family["omar"]: "below the minimum statement amount 5.00",
        family["ines"]: f"on statement hold: {family['ines']} (disputes the bill)",
    }
    run = service(engine, DAY0, out).run()
    assert [(e.account_no, e.decision.step, e.balance) for e in run.sent] == [
        (family["rosa"], Step.FIRST, Decimal("85.50"))
    ]
    folder = Path(run.folder)
    assert folder.parent == out and folder.name == f"{DAY0}_run{run.run_id}"
    assert files(out) == [folder.name, f"{folder.name}/{family['rosa']}_first.txt"]
    body = Path(run.sent[0].file).read_text()
    assert max(len(line) for line in body.splitlines()) <= 80
    for name in ("Rosa Diaz", "Luis Diaz", "Ana Diaz"):
        assert f"Patient: {name} (account" in body
    assert "AMOUNT DUE: $85.50" in body and "you paid 10.00" in body and "99.00" not in body
    with engine.connect() as conn:
        event = conn.execute(
            text("SELECT step, cycle_no, amount, content, run_id FROM dunning_event")
        ).one()
        audit = conn.execute(text("SELECT actor, entity_id, detail FROM audit_event "
                                  "WHERE action = 'statements.run'")).one()  # fmt: skip
    assert (event.step, event.cycle_no, event.amount, event.content) == (
        "first",
        1,
        Decimal("85.50"),
        body,
    )
    assert audit.actor == "biller1" and audit.entity_id == run.run_id
    assert audit.detail.startswith(f"as of {DAY0}: 1 statements for 85.50, 2 skipped")


def test_dunning_cycle_over_simulated_dates(
    engine: Engine, family: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "st"
    rosa = family["rosa"]

    def step_on(day: date) -> tuple[Action, Step | None] | None:
        run = service(engine, day, out).run(day)
        entry = next((e for e in run.entries if e.account_no == rosa), None)
        return None if entry is None else (entry.decision.action, entry.decision.step)

    assert step_on(DAY0) == (Action.SEND, Step.FIRST)
    assert step_on(DAY0) == (Action.WAIT, None)  # the same day again: nothing sent twice
    assert step_on(DAY0 + timedelta(days=29)) == (Action.WAIT, None)
    assert step_on(DAY0 + timedelta(days=30)) == (Action.SEND, Step.REMINDER)
    assert step_on(DAY0 + timedelta(days=30)) == (Action.WAIT, None)
    assert step_on(DAY0 + timedelta(days=60)) == (Action.SEND, Step.FINAL)
    assert step_on(DAY0 + timedelta(days=89)) == (Action.WAIT, None)
    day90 = DAY0 + timedelta(days=90)
    assert step_on(day90) == (Action.PROPOSE, Step.COLLECTIONS)
    with engine.connect() as conn:
        steps = conn.execute(text("SELECT step, as_of, amount FROM dunning_event d JOIN patient p "
                                  "ON p.id = d.guarantor_id WHERE p.account_no = :a ORDER BY d.id"),
                             {"a": rosa}).all()  # fmt: skip
    # after day 60 Ana's later visit (posted DAY0 + 5) is owed too
    assert [(s.step, s.as_of, s.amount) for s in steps] == [
        ("first", DAY0, Decimal("85.50")),
        ("reminder", DAY0 + timedelta(days=30), Decimal("184.50")),
        ("final", DAY0 + timedelta(days=60), Decimal("184.50")),
    ]
    names = sorted(p.name for p in out.rglob("*.txt"))
    assert names == [f"{rosa}_final.txt", f"{rosa}_first.txt", f"{rosa}_reminder.txt"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

    svc = service(engine, day90, out)
    before = counts(engine)
    with pytest.raises(StatementsInvalid, match="is not proposed for collections"):
        svc.confirm_collections([rosa, family["omar"]])  # all or nothing
    with pytest.raises(StatementsInvalid, match="is not a guarantor: its statements go to"):
        svc.confirm_collections([family["luis"]])
    with pytest.raises(StatementsInvalid, match="No account 'NOPE': nothing was changed"):
        svc.confirm_collections(["nope"])
    assert counts(engine) == before
    confirmed = svc.confirm_collections([rosa.lower()])
    assert [e.account_no for e in confirmed.confirmed] == [rosa]
    assert step_on(day90 + timedelta(days=1)) == (Action.SKIP, None)
    with engine.connect() as conn:
        audits = conn.execute(text("SELECT action, count(*) FROM audit_event GROUP BY 1")).all()
    assert dict(audits) == {"statements.run": 9, "collections.confirm": 1}


def test_paying_in_full_closes_the_cycle_and_a_new_balance_starts_over(
    engine: Engine, family: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "st"
    service(engine, DAY0, out).run()
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT le.patient_id, le.encounter_id, sum(le.amount) AS owed "
                                 "FROM ledger_entry le JOIN patient p ON p.id = le.patient_id "
                                 "WHERE coalesce(p.guarantor_id, p.id) = (SELECT id FROM patient "
                                 "WHERE account_no = :a) AND responsibility = 'patient' "
                                 "GROUP BY 1, 2"), {"a": family["rosa"]}).all()  # fmt: skip
        for r in rows:
            pay(conn, (r.patient_id, 0), r.encounter_id, str(r.owed), DAY0 + timedelta(days=10))
    closed = service(engine, DAY0 + timedelta(days=12), out).run()
    rosa = [(e.decision.action, e.decision.reason) for e in closed.entries
            if e.account_no == family["rosa"]]  # fmt: skip
    assert rosa == [(Action.CLOSE, "paid in full")]
    assert closed.folder == ""  # nothing sent, no folder
    with engine.begin() as conn:
        b = builder(conn)
        pid = conn.execute(
            text("SELECT id FROM patient WHERE account_no = :a"), {"a": family["luis"]}
        ).scalar_one()
        cov = conn.execute(
            text("SELECT id FROM coverage WHERE patient_id = :p"), {"p": pid}
        ).scalar_one()
        visit(b, (pid, cov), DAY0 + timedelta(days=13), DAY0 + timedelta(days=14), "18.00")
    again = service(engine, DAY0 + timedelta(days=15), out).run()
    assert [
        (e.account_no, e.decision.step, e.decision.cycle_no, e.balance) for e in again.sent
    ] == [(family["rosa"], Step.FIRST, 2, Decimal("18.00"))]


def test_refused_runs_change_nothing(
    engine: Engine, family: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "st"
    svc = service(engine, DAY0, out)
    before = counts(engine)
    with pytest.raises(StatementsInvalid, match=r"is in the future \(today is 2026-03-02\)"):
        svc.run(DAY0 + timedelta(days=1))
    with pytest.raises(StatementsInvalid, match="is in the future"):
        svc.run(DAY0 + timedelta(days=1), dry_run=True)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StatementsFailed, match=r"Cannot write statements to .*Nothing was sent"):
        svc.run(out_dir=blocker / "inside")
    assert counts(engine) == before and files(out) == []

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        svc.run(progress=interrupt)
    assert counts(engine) == before and files(out) == []  # Ctrl+C: no rows, no folder, no .part
    svc.run()
    with pytest.raises(StatementsInvalid, match="already run as of 2026-03-02"):
        svc.run(DAY0 - timedelta(days=1))


def test_hold_and_release(engine: Engine, family: dict[str, str], tmp_path: Path) -> None:
    svc = service(engine, DAY0, tmp_path / "st")
    before = counts(engine)
    with pytest.raises(StatementsInvalid, match="a reason is required"):
        svc.set_hold(family["luis"], True, "  ")
    with pytest.raises(StatementsInvalid, match="already on statement hold"):
        svc.set_hold(family["ines"], True, "again")
    with pytest.raises(StatementsInvalid, match="is not on statement hold"):
        svc.set_hold(family["rosa"], False)
    assert counts(engine) == before
    assert svc.set_hold(family["luis"].lower(), True, "moving  house") == family["luis"]
    dry = svc.run(dry_run=True)
    held = {e.account_no: e.decision.reason for e in dry.having(Action.SKIP)}
    assert held[family["rosa"]] == f"on statement hold: {family['luis']} (moving house)"
    svc.set_hold(family["ines"], False)
    sent = {e.account_no for e in svc.run(dry_run=True).sent}
    assert sent == {family["ines"]}
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action, detail FROM audit_event ORDER BY id")).all()
    assert [tuple(a) for a in actions] == [
        ("statement.hold", "moving house"),
        ("statement.release", None),
    ]


def test_visit_lines_add_up_on_the_demo_practice(demo_engine: Engine) -> None:
    """Every visit line balances (charges - paid - adjusted - patient paid = pending + due) and
    a guarantor's lines sum to their balance; the demo has guarantors with several patients."""
    with read_connection(demo_engine) as conn:
        accounts = repo.accounts(conn, DEMO_TODAY)
        lines = repo.visits(conn, [a.guarantor_id for a in accounts], DEMO_TODAY)
    assert len(accounts) > 20
    assert any(len({v.patient_id for v in lines[a.guarantor_id]}) > 1 for a in accounts)
    for account in accounts:
        mine = lines[account.guarantor_id]
        assert sum((v.due for v in mine), Decimal("0.00")) == account.balance
        for v in mine:
            assert v.charges - v.insurance_paid - v.adjusted - v.patient_paid == (
                v.insurance_pending + v.due
            )


def test_reversals_count_as_what_they_take_back(engine: Engine) -> None:
    dos = date(2026, 1, 5)
    with engine.begin() as conn:
        b = Builder(conn)
        pat = b.patient("Reyes", "Tom")
        eid = visit(b, pat, dos, DAY0 - timedelta(days=9), "40.00")
        sql = "SELECT kind, id FROM ledger_entry WHERE encounter_id = :e"
        ids: dict[str, int] = {kind: id_ for kind, id_ in conn.execute(text(sql), {"e": eid})}

        def reverse(amount: str, of: int) -> int:
            return insert(conn, "ledger_entry", patient_id=pat[0], encounter_id=eid,
                          kind="reversal", responsibility="primary", amount=Decimal(amount),
                          service_date=dos, posted_at=posted(DAY0 - timedelta(days=4)),
                          posted_by="t", reverses_id=of)  # fmt: skip

        reverse("-90.00", reverse("90.00", ids["payment"]))  # taken back, then counts again
        reverse("20.00", ids["adjustment"])
    with read_connection(engine) as conn:
        (line,) = repo.visits(conn, [pat[0]], DAY0)[pat[0]]
    got = (line.charges, line.insurance_paid, line.adjusted, line.insurance_pending, line.due)
    assert got == tuple(Decimal(a) for a in ("150.00", "90.00", "0.00", "20.00", "40.00"))
