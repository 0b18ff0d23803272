"""`n` in the work lists: take the next item nobody holds, open it, give it back on leaving;
the Held column shows who has what."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from medbill_tui.records.queues import DenialRow, QueueFilter, QueueKind, RejectionRow
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.services.work import WorkService
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import NoteSpy, settle


def holder(services: Services, item: int) -> str | None:
    """Who holds the item now (None: free or closed)."""
    with services.engine.connect() as conn:
        return conn.execute(
            text("SELECT owner FROM work_item WHERE id = :id AND lease_until > now()"),
            {"id": item},
        ).scalar_one_or_none()


def queue_ids(services: Services, kind: QueueKind) -> list[int]:
    page = services.queues.page(kind, QueueFilter(), None, 500)
    return [r.work_item_id for r in page.rows if isinstance(r, DenialRow | RejectionRow)]


async def test_n_in_the_denials_queue_takes_the_next_free_denial_and_leaving_gives_it_back(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    first, second, third, fourth = queue_ids(services, QueueKind.DENIALS)[:4]
    bob = WorkService(services.engine, services.clock, "bob", role="biller")
    bobs = bob.next("denials")
    assert bobs is not None and bobs.work_item_id == first
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.query_one(QueueTable)
        assert str(table.get_cell_at((0, 7))).strip() == "bob"  # the Held column
        assert table.virtual_size.width <= table.scrollable_content_region.width  # 80 columns

        await pilot.press("n")  # bob holds the oldest: the next free one is ours
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen) and app.screen.work_item_id == second
        assert holder(services, second) == services.actor
        assert any("is yours until" in message for message, _, _ in spy.notes)
        with services.engine.connect() as conn:
            claim_no = conn.execute(
                text("SELECT c.claim_no FROM work_item w JOIN claim c ON c.id = w.claim_id "
                     "WHERE w.id = :w"), {"w": second},
            ).scalar_one()  # fmt: skip
        assert any(f"Claim {claim_no} " in message for message, _, _ in spy.notes)  # not c1…

        await pilot.press("escape")  # leaving unfinished gives it back
        await settle(pilot)
        assert app.screen is queue
        assert holder(services, second) is None
        assert holder(services, first) == "bob"  # someone else's lease is left alone

        await pilot.press("n")  # not the one just handed back: the next free one
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen) and app.screen.work_item_id == third
        await pilot.press("d", "1", "enter")  # done (how: 1) and next: the next free one
        await settle(pilot)
        assert isinstance(app.screen, DenialScreen) and app.screen.work_item_id == fourth
        assert holder(services, fourth) == services.actor
        await pilot.press("escape")
        await settle(pilot)
        assert holder(services, fourth) is None and holder(services, third) is None
        assert third not in queue_ids(services, QueueKind.DENIALS)  # finished: closed
        assert str(table.get_cell_at((0, 7))).strip() == "bob"


async def test_n_with_everything_held_says_so(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE work_item SET owner = 'bob', "
                          "lease_until = now() + interval '1 hour' "
                          "WHERE kind = 'denial' AND status = 'open'"))  # fmt: skip
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("held by someone" in message for message, _, _ in spy.notes)


async def test_n_in_the_rejections_queue_opens_charge_entry_and_escape_releases(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    first = queue_ids(services, QueueKind.REJECTIONS)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        queue = app.screen
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EncounterEntryScreen)
        assert holder(services, first) == services.actor
        table = queue.query_one(QueueTable)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue
        assert holder(services, first) is None
        assert str(table.get_cell_at((0, 6))).strip() == ""


async def test_n_in_the_follow_up_list_takes_the_earliest_due_and_m_writes_a_note(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    from medbill_tui.screens.claim_detail import ClaimDetailScreen
    from medbill_tui.screens.followups import FollowupsScreen, FollowupTable
    from medbill_tui.screens.note import NoteScreen

    with services.engine.connect() as conn:
        due = list(
            conn.execute(
                text("SELECT id FROM work_item WHERE kind = 'followup' AND status = 'open' "
                     "AND claim_id IS NOT NULL AND coalesce(due_on, opened_on) <= :d "
                     "ORDER BY coalesce(due_on, opened_on), id"), {"d": services.clock.today()},
            ).scalars()
        )  # fmt: skip
    with services.engine.begin() as conn:  # account follow-ups out of the way: claims only
        conn.execute(text("UPDATE work_item SET status = 'done' WHERE kind = 'followup' "
                          "AND claim_id IS NULL"))  # fmt: skip
    bob = WorkService(services.engine, services.clock, "bob", role="biller")
    bobs = bob.next("followups")
    assert bobs is not None and bobs.work_item_id == due[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, FollowupsScreen)
        held = [r for r in listing.rows if r.holder == "bob"]
        assert [r.work_item_id for r in held] == [due[0]]
        table = listing.query_one(FollowupTable)
        index = listing.rows.index(held[0])
        assert str(table.get_cell_at((index, 0))).startswith("@")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert holder(services, due[1]) == services.actor
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is listing and holder(services, due[1]) is None
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)


async def test_n_in_the_unmatched_list_takes_the_newest_and_marks_it_held(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    from medbill_tui.screens.unmatched import UnmatchedScreen, UnmatchedTable

    with services.engine.begin() as conn:  # two 277CAs for claims we do not know
        older, newer = conn.execute(
            text("INSERT INTO work_item (kind, opened_on, detail, source, patient_control_no, "
                 "stc_category, stc_status) VALUES "
                 "('unmatched', '2026-10-01', '277CA for unknown claim X1 (A7:164)', '277CA', "
                 "'X1', 'A7', '164'), "
                 "('unmatched', '2026-10-20', '277CA for unknown claim X2 (A7:164)', '277CA', "
                 "'X2', 'A7', '164') RETURNING id"),
        ).scalars()  # fmt: skip
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, UnmatchedScreen)
        await pilot.press("n")
        await settle(pilot)
        assert holder(services, newer) == services.actor and holder(services, older) is None
        assert any("carries no money" in message for message, _, _ in spy.notes)
        table = listing.query_one(UnmatchedTable)
        row = [r.work_item_id for r in listing.rows].index(newer)
        assert str(table.get_cell_at((row, 3))) == "@X2"
