"""Merging two accounts: every row moves, sums stay exact, refusals change nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.services import Services, build_services
from medbill_tui.services.patient_merge import MergeInvalid, MergeRefused
from medbill_tui.services.users import RoleRefused
from tests.conftest import DEMO_TODAY

ROWS_SQL = """
    SELECT (SELECT count(*) FROM encounter WHERE patient_id = :p) AS encounter,
           (SELECT count(*) FROM claim WHERE patient_id = :p) AS claim,
           (SELECT count(*) FROM coverage WHERE patient_id = :p) AS coverage,
           (SELECT count(*) FROM ledger_entry WHERE patient_id = :p) AS ledger_entry,
           (SELECT count(*) FROM work_item WHERE patient_id = :p) AS work_item,
           (SELECT count(*) FROM note WHERE entity = 'patient' AND entity_id = :p) AS note,
           (SELECT count(*) FROM dunning_event WHERE guarantor_id = :p) AS dunning_event,
           (SELECT count(*) FROM patient WHERE guarantor_id = :p) AS guaranteed"""


def services(engine: Engine, role: str = "supervisor") -> Services:
    return build_services(engine, Clock(DEMO_TODAY), role=role, actor="sup1")


def one(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def rows(engine: Engine, patient_id: int) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text(ROWS_SQL), {"p": patient_id}).one()._mapping)


def balances(engine: Engine, patient_id: int) -> dict[str, Decimal]:
    """The account's sums per responsibility, from the ledger and from account_balance."""
    with engine.connect() as conn:
        ledger = conn.execute(
            text("SELECT responsibility, sum(amount) FROM ledger_entry WHERE patient_id = :p "
                 "GROUP BY 1"), {"p": patient_id}).all()  # fmt: skip
        kept = conn.execute(
            text("SELECT responsibility, amount FROM account_balance WHERE patient_id = :p "
                 "AND amount <> 0"), {"p": patient_id}).all()  # fmt: skip
    sums = {r: a for r, a in ledger if a}
    assert sums == dict(kept)
    return sums


def pair(engine: Engine) -> tuple[int, str, int, str]:
    """Two demo patients with visits, claims and money, nobody holding their work."""
    with engine.connect() as conn:
        found = conn.execute(
            text("""SELECT p.id, p.account_no FROM patient p
                    WHERE EXISTS (SELECT 1 FROM claim c WHERE c.patient_id = p.id)
                      AND EXISTS (SELECT 1 FROM work_item w WHERE w.patient_id = p.id)
                      AND NOT EXISTS (SELECT 1 FROM work_item w WHERE w.patient_id = p.id
                                      AND w.lease_until > now())
                    ORDER BY (SELECT count(*) FROM ledger_entry l WHERE l.patient_id = p.id)
                             DESC, p.id LIMIT 2""")
        ).all()
    (a, a_no), (b, b_no) = found
    return a, a_no, b, b_no


def test_a_merge_moves_every_row_and_keeps_the_sums_exact(demo_engine: Engine) -> None:
    source, source_no, target, target_no = pair(demo_engine)
    svc = services(demo_engine)
    with demo_engine.begin() as conn:  # a note on the source, and a patient it guarantees
        conn.execute(text("INSERT INTO note (entity, entity_id, author, body) "
                          "VALUES ('patient', :p, 'x', 'called')"), {"p": source})  # fmt: skip
        conn.execute(text("UPDATE patient SET guarantor_id = :p WHERE id = (SELECT max(id) "
                          "FROM patient)"), {"p": source})  # fmt: skip
        conn.execute(text("INSERT INTO dunning_event (guarantor_id, cycle_no, step, as_of, amount, "
                          "created_by) VALUES (:p, 1, 'first', :d, 50, 'x')"),
                     {"p": source, "d": DEMO_TODAY})  # fmt: skip
    before = {source: rows(demo_engine, source), target: rows(demo_engine, target)}
    assert before[source]["dunning_event"] == 1
    money = {source: balances(demo_engine, source), target: balances(demo_engine, target)}
    assert svc.remittances.check_ledger() == ()
    plan = svc.patient_merge.preview(source_no, target_no)
    assert plan.blockers == () and dict(plan.counts)["visits"] == before[source]["encounter"]
    done = svc.patient_merge.merge(source_no, target_no)
    assert done.counts == plan.counts
    after_source, after_target = rows(demo_engine, source), rows(demo_engine, target)
    assert all(n == 0 for n in after_source.values()), after_source
    notes = before[source]["note"] + before[target]["note"] + 1  # the merge's own note
    assert after_target == {
        **{k: before[source][k] + before[target][k] for k in before[source]},
        "note": notes,
    }
    assert svc.remittances.check_ledger() == ()
    merged = balances(demo_engine, target)
    for side in set(money[source]) | set(money[target]):
        assert merged.get(side, 0) == money[source].get(side, 0) + money[target].get(side, 0)
    assert balances(demo_engine, source) == {}
    assert one(demo_engine, "SELECT merged_into_id FROM patient WHERE id = :p", p=source) == target
    hits = svc.encounters.find_patients(source_no)
    assert [h.account_no for h in hits] == [target_no]
    detail = one(demo_engine, "SELECT detail FROM audit_event WHERE action = 'merge'")
    assert detail == f"merged {source_no} into {target_no}: {plan.counts_text()}"
    body = one(demo_engine, "SELECT body FROM note WHERE entity = 'patient' AND entity_id = :p "
                            "ORDER BY id DESC LIMIT 1", p=target)  # fmt: skip
    assert f"Account {source_no} (" in str(body)


def test_the_ledger_still_refuses_any_other_change(demo_engine: Engine) -> None:
    source, _, target, _ = pair(demo_engine)
    for sql in (
        "UPDATE ledger_entry SET patient_id = :t WHERE patient_id = :s",  # not merged
        "UPDATE ledger_entry SET amount = amount + 1 WHERE patient_id = :s",
        "DELETE FROM ledger_entry WHERE patient_id = :s",
    ):
        with pytest.raises(Exception, match="append-only"), demo_engine.begin() as conn:
            conn.execute(text(sql), {"s": source, "t": target})


def _unchanged(
    engine: Engine, act: Callable[[], object], error: type[Exception], words: str
) -> None:
    source, _, target, _ = pair(engine)
    before = (rows(engine, source), rows(engine, target))
    audits = one(engine, "SELECT count(*) FROM audit_event")
    with pytest.raises(error, match=words):
        act()
    assert (rows(engine, source), rows(engine, target)) == before
    assert one(engine, "SELECT count(*) FROM audit_event") == audits
    assert one(engine, "SELECT count(*) FROM patient WHERE merged_into_id IS NOT NULL") == 0


def test_a_held_work_item_refuses_the_merge(demo_engine: Engine) -> None:
    source, source_no, _, target_no = pair(demo_engine)
    with demo_engine.begin() as conn:
        item = conn.execute(
            text("UPDATE work_item SET owner = 'ann', lease_until = now() + interval '20 min' "
                 "WHERE id = (SELECT min(id) FROM work_item WHERE patient_id = :p "
                 "AND status = 'open') RETURNING id"), {"p": source}).scalar_one()  # fmt: skip
    svc = services(demo_engine)
    merge = lambda: svc.patient_merge.merge(source_no, target_no)  # noqa: E731
    _unchanged(demo_engine, merge, MergeRefused, f"item {item} is held by ann")


def test_an_unsaved_draft_refuses_the_merge(demo_engine: Engine) -> None:
    _, source_no, target, target_no = pair(demo_engine)
    build_services(demo_engine, Clock(DEMO_TODAY), role="biller", actor="bob").drafts.save(
        "patient", target, {"city": "Bend"}
    )
    svc = services(demo_engine)
    merge = lambda: svc.patient_merge.merge(source_no, target_no)  # noqa: E731
    _unchanged(demo_engine, merge, MergeRefused, f"bob has unsaved changes to patient {target}")


def test_self_unknown_merged_and_a_billers_merge_are_refused(demo_engine: Engine) -> None:
    _, source_no, _, target_no = pair(demo_engine)
    svc = services(demo_engine)
    biller = services(demo_engine, role="biller")
    cases: list[tuple[Callable[[], object], type[Exception], str]] = [
        (lambda: svc.patient_merge.merge(source_no, source_no.lower()), MergeInvalid, "itself"),
        (lambda: svc.patient_merge.merge("Z999", target_no), MergeInvalid, "no account 'Z999'"),
        (lambda: biller.patient_merge.merge(source_no, target_no), RoleRefused, "supervisor"),
    ]
    for act, error, words in cases:
        _unchanged(demo_engine, act, error, words)
    svc.patient_merge.merge(source_no, target_no)
    with pytest.raises(MergeRefused, match=f"was merged into {target_no} already"):
        svc.patient_merge.merge(target_no, source_no)
    with pytest.raises(MergeRefused, match="was merged into"):
        svc.patient_merge.merge(source_no, target_no)


def test_candidates_are_the_same_name_and_dob(demo_engine: Engine, tmp_path: Path) -> None:
    svc = services(demo_engine)
    with demo_engine.connect() as conn:
        first = conn.execute(text("SELECT * FROM patient ORDER BY id LIMIT 1")).one()
    with demo_engine.begin() as conn:
        conn.execute(
            text("""INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1,
                                         city, state, zip)
                    VALUES ('D1', upper(:f), :l || ' ', :d, 'F', 'x', 'y', 'OR', '97301')"""),
            {"f": first.first_name, "l": first.last_name, "d": first.dob},
        )
    found = svc.patient_merge.candidates(first.id)
    assert "D1" in [m.account_no for m in found]
