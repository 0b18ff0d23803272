"""Enter on a queue row (v on an unbilled one) opens the right read-only detail; Escape
comes back."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from rich.console import Console
from textual.widgets import Static

from medbill_tui.records.detail import AccountDetail, ClaimDetail, EncounterDetail
from medbill_tui.records.queues import BalanceRow, DenialRow, PendingClaimRow, UnbilledRow
from medbill_tui.screens.detail import DetailScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.detail_view import DetailScroll
from tests.ui.conftest import settle


def body_text(screen: DetailScreen) -> str:
    """The whole detail body as plain text (not only the part scrolled into view)."""
    console = Console(width=78, record=True, file=io.StringIO())
    body = screen.query_one("#detail-body", Static)
    console.print(body.content)
    return console.export_text()


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
async def test_enter_opens_the_rows_detail(make_app: Callable[..., MedbillApp], key: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await pilot.press("j", "j")
        row = queue.rows[2]
        # Enter edits an unbilled encounter and works a denial; v shows their detail
        await pilot.press("v" if key in ("1", "3") else "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        detail = screen.detail
        if isinstance(row, UnbilledRow):
            assert isinstance(detail, EncounterDetail)
            assert detail.encounter_id == row.encounter_id and detail.dos == row.dos
        elif isinstance(row, PendingClaimRow | DenialRow):
            assert isinstance(detail, ClaimDetail)
            assert detail.claim_id == row.claim_id and detail.claim_no == row.claim_no
            assert row.claim_no in str(screen.sub_title)
        else:
            assert isinstance(row, BalanceRow) and isinstance(detail, AccountDetail)
            assert detail.patient.account_no == row.account_no
        assert detail.patient.name == row.patient_name
        assert row.patient_name in str(screen.sub_title)
        # the page scrolls; on the account screen its visits table (inside it) has the cursor
        assert screen.query_one(DetailScroll).has_focus_within
        await pilot.press("j", "pagedown", "end", "home")  # scrolls without complaint
        await pilot.press("escape")
        assert app.screen is queue
        assert queue.query_one("#queue-table").has_focus


async def test_claim_detail_shows_its_parts(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "v")  # v: the denied claim read-only (enter works the denial)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen) and isinstance(screen.detail, ClaimDetail)
        text = body_text(screen)
        for heading in ("Open denials", "Diagnoses", "Service lines", "Payments", "History"):
            assert heading in text
        assert screen.detail.claim_no in text
        assert screen.detail.open_denials, "a claim from the denials queue has an open denial"
