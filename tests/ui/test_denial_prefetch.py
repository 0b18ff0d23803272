"""The denials list reads the highlighted denial ahead of Enter (no view row for that), and
Enter paints the denial screen with its content at once; the screen records the view when it
opens, once, and repaints nothing when the denial is as read ahead."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import text
from textual.widgets import Static

from medbill_tui.records.queues import DenialRow
from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle

WAIT = 10.0
"""Seconds a busy machine may take to read ahead (the cursor rests 0.25 s first)."""


def views(services: Services, claim_id: int) -> int:
    with services.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'view' "
                     "AND entity = 'claim' AND entity_id = :c"),
                {"c": claim_id},
            ).scalar_one()
        )  # fmt: skip


async def test_a_denial_read_ahead_opens_with_its_content_and_one_view_row(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, QueueScreen)
        await pilot.press("down")
        row = listing.current_row
        assert isinstance(row, DenialRow)
        started = time.monotonic()
        while listing.read_ahead(row.work_item_id) is None:
            assert time.monotonic() - started < WAIT, "the highlighted denial was not read ahead"
            await pilot.pause(0.05)
        assert views(services, row.claim_id) == 0  # reading ahead is not viewing
        await pilot.press("enter")
        denial = app.screen
        assert isinstance(denial, DenialScreen)
        assert not denial.still_loading() and not denial.keys_wait()
        assert denial.denial is not None and denial.denial.claim_no == row.claim_no
        assert row.claim_no in denial.sub_title
        assert not isinstance(
            denial.query_one("#detail-body", Static).content, str
        )  # not "Loading…"
        await settle(pilot)
        assert views(services, row.claim_id) == 1  # recorded as it opened
