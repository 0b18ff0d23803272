"""Live pick lists: the follow-up, unmatched and credit lists show other people's takes and
closes in place within a second through NOTIFY (no `r`), the cursor where it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.users import insert_user
from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.credits import CreditsScreen, CreditsTable
from medbill_tui.screens.followups import FollowupsScreen, FollowupTable
from medbill_tui.screens.unmatched import UnmatchedScreen, UnmatchedTable
from medbill_tui.services import Services
from medbill_tui.services.unmatched import UnmatchedService
from medbill_tui.services.work import WorkService
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.services.test_credits import a_visit, patient_credit
from tests.ui.conftest import settle
from tests.ui.test_live_lists import app_for, until


async def test_a_follow_up_taken_in_one_app_shows_held_in_the_others_list(
    demo_engine: Engine, tmp_path: Path
) -> None:
    with demo_engine.begin() as conn:
        insert_user(conn, "ann", "biller")
        insert_user(conn, "bob", "biller")
    ann, bob = app_for(demo_engine, tmp_path, "ann"), app_for(demo_engine, tmp_path, "bob")
    async with ann.run_test(size=(80, 24)) as ann_pilot, bob.run_test(size=(80, 24)) as bob_pilot:
        for pilot in (ann_pilot, bob_pilot):
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
        bobs_list = bob.screen
        assert isinstance(bobs_list, FollowupsScreen) and len(bobs_list.rows) > 2
        await bob_pilot.press("down", "down")
        await settle(bob_pilot)
        table = bobs_list.query_one(FollowupTable)
        cursor = table.cursor_row
        await ann_pilot.press("n")  # the first due that nobody holds, opened
        await settle(ann_pilot)
        assert isinstance(ann.screen, ClaimDetailScreen)
        with demo_engine.connect() as conn:
            taken = conn.execute(
                text("SELECT id FROM work_item WHERE kind = 'followup' AND owner = 'ann'")
            ).scalar_one()
        assert taken in [r.work_item_id for r in bobs_list.rows]

        def shown_held() -> bool:
            return any(r.work_item_id == taken and r.holder == "ann" for r in bobs_list.rows)

        await until(bob_pilot, shown_held, "bob's follow-ups show ann holding the item")
        await settle(bob_pilot)
        index = [r.work_item_id for r in bobs_list.rows].index(taken)
        assert str(table.get_cell_at((index, 0))).startswith("@")
        assert table.cursor_row == cursor  # the cursor stayed


async def test_an_unmatched_item_closed_elsewhere_is_struck_through_in_place(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    with services.engine.begin() as conn:
        insert_user(conn, "raj", "biller")
        older, newer = conn.execute(
            text("INSERT INTO work_item (kind, opened_on, detail, source, patient_control_no, "
                 "stc_category, stc_status) VALUES "
                 "('unmatched', '2026-10-01', '277CA for unknown claim X1 (A7:164)', '277CA', "
                 "'X1', 'A7', '164'), "
                 "('unmatched', '2026-10-20', '277CA for unknown claim X2 (A7:164)', '277CA', "
                 "'X2', 'A7', '164') RETURNING id"),
        ).scalars()  # fmt: skip
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, UnmatchedScreen)
        table = listing.query_one(UnmatchedTable)
        assert [r.work_item_id for r in listing.rows] == [newer, older]
        raj = UnmatchedService(services.engine, Clock(pinned=DEMO_TODAY), "raj")
        raj.close_not_ours(newer, "not ours")

        def struck() -> bool:
            cell = table.get_cell_at((0, 3))
            return isinstance(cell, Text) and "strike" in str(cell.style)

        await until(pilot, struck, "the closed item struck through")
        assert table.cursor_row == 0 and len(listing.rows) == 2  # in place, until r
        assert str(table.get_cell_at((1, 3))) == "X1"


async def test_a_credit_taken_elsewhere_shows_its_holder_in_place(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    item = patient_credit(a_visit(services.engine, tmp_path))
    with services.engine.begin() as conn:
        insert_user(conn, "raj", "biller")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, CreditsScreen) and listing.rows[0].holder is None
        WorkService(services.engine, Clock(pinned=DEMO_TODAY), "raj", role="biller").next("credits")
        await until(pilot, lambda: listing.rows[0].holder == "raj", "the credit held by raj")
        await settle(pilot)
        table = listing.query_one(CreditsTable)
        assert listing.rows[0].work_item_id == item.id
        assert str(table.get_cell_at((0, 0))).startswith("@")
        assert str(table.get_cell_at((0, 6))) == "raj"
