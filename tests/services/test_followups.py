"""Follow-up: a note with a next-action date opens or moves a claim's or account's follow-up,
a payer call is a structured note, done closes or moves it, refusals write nothing, and the
due list puts near-deadline denials and accepted-unpaid claims first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from medbill_tui.domain.followup import DateInvalid, next_action_date, parse_date
from medbill_tui.records.followups import RANK_DENIAL, RANK_OTHER, RANK_UNPAID, PayerCall
from medbill_tui.records.queues import QueueFilter, Timers
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.followups import FollowupRefused, FollowupService
from tests.factories import Builder, insert

TODAY = date(2026, 11, 2)


def service(engine: Engine, actor: str = "ann") -> FollowupService:
    return FollowupService(engine, Clock(TODAY), actor, Timers(no_payment=30))


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT count(*) FROM note")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM work_item")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM work_item WHERE status = 'open'")).scalar_one(),
        )


def items(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT id, kind, status, claim_id, patient_id, due_on, owner, detail FROM work_item "
            "ORDER BY id")).all())  # fmt: skip


def more(conn: Any) -> Builder:
    """A Builder on the practice the fixture made (its provider and payers)."""
    b = Builder.__new__(Builder)
    b.conn = conn
    b.provider = conn.execute(text("SELECT min(id) FROM provider")).scalar_one()
    b.payers = list(conn.execute(text("SELECT id FROM payer ORDER BY id")).scalars())
    return b


@pytest.fixture
def practice(engine: Engine) -> dict[str, Any]:
    with engine.begin() as conn:
        b = Builder(conn)
        smith = b.patient("Smith", "Ann")
        jones = b.patient("Jones", "Bob")
        claim = b.claim(smith, date(2026, 9, 1), "acknowledged_277ca", date(2026, 9, 2),
                        submitted=date(2026, 9, 3))  # fmt: skip
        enc = conn.execute(text("SELECT encounter_id FROM claim WHERE id = :c"),
                           {"c": claim}).scalar_one()  # fmt: skip
        insert(conn, "ledger_entry", patient_id=smith[0], encounter_id=enc, claim_id=claim,
               kind="charge", responsibility="primary", amount="100.00",
               service_date=date(2026, 9, 1), posted_by="t")  # fmt: skip
    return {"smith": smith, "jones": jones, "claim": claim}


def test_dates_typed_as_shortcuts_and_refused_in_words() -> None:
    assert parse_date("+7", TODAY) == TODAY + timedelta(days=7)
    assert parse_date("+2w", TODAY) == TODAY + timedelta(days=14)
    assert parse_date("11/15", TODAY) == date(2026, 11, 15)
    assert parse_date("01/05", TODAY) == date(2027, 1, 5)  # the next such day
    assert parse_date("12/31/2026", TODAY) == date(2026, 12, 31)
    assert parse_date("2026-12-01", TODAY) == date(2026, 12, 1)
    for bad in ("tomorrow", "13/45/2026", "2026-02-30", "", "+x"):
        with pytest.raises(DateInvalid):
            parse_date(bad, TODAY)
    with pytest.raises(DateInvalid, match="in the past"):
        next_action_date("11/01/2026", TODAY)
    assert next_action_date("+0", TODAY) == TODAY


def test_note_with_date_opens_then_moves_one_followup(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    first = svc.add("claim", practice["claim"], "called, in process", TODAY + timedelta(days=7))
    assert first.work_item_id is not None and not first.moved
    (item,) = items(engine)
    assert (item.kind, item.status, item.claim_id, item.patient_id) == (
        "followup",
        "open",
        practice["claim"],
        practice["smith"][0],
    )
    assert item.due_on == TODAY + timedelta(days=7) and item.owner == "ann"

    second = service(engine, "bea").add("claim", practice["claim"], "still nothing",
                                         TODAY + timedelta(days=30))  # fmt: skip
    assert second.moved and second.work_item_id == first.work_item_id
    (item,) = items(engine)
    assert item.due_on == TODAY + timedelta(days=30) and item.owner == "bea"
    assert counts(engine) == (2, 1, 1)

    svc.add("claim", practice["claim"], "only a note")  # no date: the follow-up stays
    assert counts(engine) == (3, 1, 1)
    notes = svc.of("claim", practice["claim"])
    assert notes.due_on == TODAY + timedelta(days=30)
    assert notes.notes[0].body == "only a note"


def test_account_followup_is_separate_from_claim(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    svc.add("claim", practice["claim"], "claim note", TODAY)
    saved = svc.add("patient", practice["smith"][0], "call the patient", TODAY)
    assert not saved.moved
    rows = items(engine)
    assert [(r.claim_id, r.patient_id) for r in rows] == [
        (practice["claim"], practice["smith"][0]),
        (None, practice["smith"][0]),
    ]
    with engine.connect() as conn:
        entities = conn.execute(text("SELECT entity, entity_id FROM note ORDER BY id")).all()
    assert [tuple(e) for e in entities] == [
        ("claim", practice["claim"]),
        ("patient", practice["smith"][0]),
    ]


def test_payer_call_is_a_structured_note(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    call = PayerCall("Dana at Acme", "REF-991", "paid — awaiting check")
    svc.add("claim", practice["claim"], "check mailed 10/30", TODAY + timedelta(days=10), call)
    with engine.connect() as conn:
        body = conn.execute(text("SELECT body FROM note")).scalar_one()
    assert body == ("Payer call · rep: Dana at Acme · ref: REF-991 · outcome: paid — awaiting "
                    "check · check mailed 10/30")  # fmt: skip
    with pytest.raises(FollowupRefused, match="not one of"):
        svc.add("claim", practice["claim"], "x", None, PayerCall("a", "b", "maybe"))
    with pytest.raises(FollowupRefused, match="on a claim"):
        svc.add("patient", practice["smith"][0], "x", None, call)
    assert counts(engine) == (1, 1, 1)


def test_bad_input_writes_nothing(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    with pytest.raises(FollowupRefused, match="in the past"):
        svc.add("claim", practice["claim"], "late", TODAY - timedelta(days=1))
    with pytest.raises(FollowupRefused, match="empty"):
        svc.add("claim", practice["claim"], "   ", TODAY)
    with pytest.raises(FollowupRefused, match="does not exist"):
        svc.add("claim", 999_999, "nobody", TODAY)
    assert counts(engine) == (0, 0, 0)


def test_done_closes_moves_and_refuses_a_closed_item(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    saved = svc.add("claim", practice["claim"], "call back", TODAY)
    assert saved.work_item_id is not None
    item_id = saved.work_item_id
    with pytest.raises(FollowupRefused, match="in the past"):
        svc.done(item_id, "moved", TODAY - timedelta(days=3))
    assert counts(engine) == (1, 1, 1)

    moved = svc.done(item_id, "rep said 2 weeks", TODAY + timedelta(days=14))
    assert moved.due_on == TODAY + timedelta(days=14)
    (item,) = items(engine)
    assert item.status == "open" and item.due_on == TODAY + timedelta(days=14)

    service(engine, "bea").done(item_id, "paid, posted")
    (item,) = items(engine)
    assert item.status == "done" and "paid, posted by bea" in item.detail
    before = counts(engine)
    with pytest.raises(FollowupRefused, match="already closed by bea"):
        svc.done(item_id, "me too")
    assert counts(engine) == before


def test_due_list_order_and_window(engine: Engine, practice: Any) -> None:
    with engine.begin() as conn:
        b = more(conn)
        jones = practice["jones"]
        fresh = b.claim(jones, date(2026, 10, 20), "acknowledged_277ca", date(2026, 10, 21),
                        submitted=date(2026, 10, 22))  # fmt: skip
        near = b.denial(fresh, jones[0], date(2026, 9, 1))
        far = b.denial(fresh, jones[0], date(2026, 9, 2))
        conn.execute(text("UPDATE work_item SET due_on = :d WHERE id = :i"),
                     {"d": TODAY + timedelta(days=5), "i": near})  # fmt: skip
        conn.execute(text("UPDATE work_item SET due_on = :d WHERE id = :i"),
                     {"d": TODAY + timedelta(days=20), "i": far})  # fmt: skip
    svc = service(engine)
    other = svc.add("claim", fresh, "recent claim, ask", TODAY).work_item_id
    unpaid = svc.add("claim", practice["claim"], "old accepted claim", TODAY).work_item_id
    account = svc.add("patient", jones[0], "patient promised", TODAY + timedelta(days=3))

    rows = svc.due_page().rows
    assert [(r.work_item_id, r.rank) for r in rows] == [
        (near, RANK_DENIAL),
        (unpaid, RANK_UNPAID),
        (other, RANK_OTHER),
    ]
    assert rows[0].why == "CO-16 denial in 5d"
    assert rows[1].why == "No payment in 60d" and rows[1].amount == 100
    assert rows[2].why == "recent claim, ask" and rows[2].label.startswith("C")

    everything = svc.due_page(show_all=True).rows
    assert [r.work_item_id for r in everything] == [near, unpaid, other, account.work_item_id]
    assert everything[3].entity == "patient" and everything[3].payer_name == ""

    later = svc.due_page(as_of=TODAY + timedelta(days=3)).rows
    assert account.work_item_id in [r.work_item_id for r in later]
    smith = svc.due_page(filt=QueueFilter(text="smi")).rows
    assert [r.work_item_id for r in smith] == [unpaid]


def test_due_list_pages_by_keyset(engine: Engine, practice: Any) -> None:
    svc = service(engine)
    with engine.begin() as conn:
        b = more(conn)
        for n in range(7):
            pat = b.patient(f"Page{n}")
            claim = b.claim(pat, date(2026, 10, 1), "submitted", date(2026, 10, 2),
                            submitted=date(2026, 10, 3))  # fmt: skip
            insert(conn, "work_item", kind="followup", claim_id=claim, patient_id=pat[0],
                   amount="0", opened_on=date(2026, 10, 1),
                   due_on=date(2026, 10, 25) + timedelta(days=n % 3))  # fmt: skip
    whole = svc.due_page(limit=100).rows
    seen: list[int] = []
    after = None
    while True:
        page = svc.due_page(after=after, limit=3)
        seen += [r.work_item_id for r in page.rows]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [r.work_item_id for r in whole] and len(seen) == 7
    assert [r.due_on for r in whole] == sorted(r.due_on for r in whole)
