"""Key 9: the unmatched remittances, choosing a claim, confirming, posting; x closes one."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import text

from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.reason import ReasonScreen
from medbill_tui.screens.unmatched import UnmatchedScreen, UnmatchedTable
from medbill_tui.screens.unmatched_match import CandidateTable, MatchScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import X12_FIXTURES
from tests.ui.conftest import NoteSpy, settle

FIXTURE = "835-stupidedi-multiple-claims-single-check.x12"


def open_items(services: Services) -> list[int]:
    return [r.work_item_id for r in services.unmatched.page(limit=100).rows]


async def test_nine_lists_them_and_a_payment_is_posted_to_the_chosen_claim(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    services.imports.import_file(X12_FIXTURES / FIXTURE)
    before = open_items(services)
    with services.engine.connect() as conn:
        claim_no = conn.execute(
            text("SELECT claim_no FROM claim WHERE total_charge >= 200 AND status = 'accepted_999' "
                 "ORDER BY id LIMIT 1")).scalar_one()  # fmt: skip
    app = make_app()
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UnmatchedScreen)
        assert screen.query_one(UnmatchedTable).row_count == len(before) == 9
        first = screen.rows[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MatchScreen)
        await pilot.press(*claim_no)
        await pilot.pause(0.4)  # the search waits for typing to stop
        await settle(pilot)
        table = app.screen.query_one(CandidateTable)
        assert table.row_count >= 1 and app.screen.candidates[0].claim_no == claim_no
        await pilot.press("enter", "enter")  # to the claims, then pick the first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Post {first.paid}" in app.screen.question and "anyway" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, UnmatchedScreen)
        assert "Payment posted" in notes.titles()
        assert first.work_item_id not in [r.work_item_id for r in app.screen.rows]
        assert len(app.screen.rows) == 8
    assert open_items(services) == [i for i in before if i != first.work_item_id]
    assert services.remittances.check_ledger() == ()
    with services.engine.connect() as conn:
        paid = conn.execute(
            text("SELECT -sum(le.amount) FROM ledger_entry le JOIN claim c ON c.id = le.claim_id "
                 "WHERE c.claim_no = :c AND le.kind = 'payment'"), {"c": claim_no},
        ).scalar_one()  # fmt: skip
    assert paid == first.paid > Decimal(0)


async def test_x_closes_one_as_not_ours_and_escape_posts_nothing(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    services.imports.import_file(X12_FIXTURES / FIXTURE)
    before = open_items(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MatchScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnmatchedScreen) and len(app.screen.rows) == 9
        await pilot.press("x")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"not our patient", "enter")
        await settle(pilot)
        assert isinstance(app.screen, UnmatchedScreen) and len(app.screen.rows) == 8
    assert open_items(services) == before[1:]
    assert services.remittances.check_ledger() == ()
