"""The statements screen (ctrl+t, palette "Statements run") on the demo practice at 80x24."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from textual.command import CommandPalette

from medbill_tui.records.statements import Action
from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.statements import StatementsScreen
from medbill_tui.services import Services, build_services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle


@pytest.fixture
def statement_services(demo_engine: Engine, tmp_path: Path) -> Services:
    return build_services(
        demo_engine,
        Clock(pinned=DEMO_TODAY),
        role="supervisor",  # confirms a referral to collections
        outbox=tmp_path / "outbox",
        letters=tmp_path / "letters",
        inbox=tmp_path / "inbox",
        statements_dir=tmp_path / "statements",
    )


def status(screen: StatementsScreen) -> str:
    return str(screen.query_one("#statements-status").render())


async def test_preview_then_s_asks_with_count_and_total_then_sends_and_a_rerun_has_nothing(
    statement_services: Services, tmp_path: Path
) -> None:
    held = statement_services.statements.preview().sent[1].account_no
    statement_services.statements.set_hold(held, True, "disputes the charge for the March visit")
    app = MedbillApp(statement_services)
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatementsScreen) and screen.result is not None
        sends = len(screen.result.sent)
        skipped = [e for e in screen.rows if e.decision.action is Action.SKIP]
        assert [e.account_no for e in skipped] == [held]
        assert sends > 0
        as_of = f"{DEMO_TODAY:%m/%d/%Y}"  # as the statements print it, not ISO
        assert status(screen).startswith(f"As of {as_of}: {sends:,} statements for ")
        assert [screen.table.get_row_at(0)[2]] == ["statement"]
        assert screen.table.virtual_size.width <= screen.table.scrollable_content_region.width
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Send {sends:,} statements for $" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert "Statements sent" in notes.titles()
        folders = list((tmp_path / "statements").iterdir())
        assert len(folders) == 1 and len(list(folders[0].iterdir())) == sends
        assert screen.result is not None and not screen.result.sent  # the preview again
        assert f"{sends:,} not due" in status(screen) and "nothing to send" in status(screen)
        await pilot.press("s")
        assert notes.notes[-1][0] == "No statement is due today."
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("ctrl+p", *"statements run")
        await pilot.pause(0.3)
        assert CommandPalette.is_open(app)  # type: ignore[arg-type]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatementsScreen)


async def test_c_refers_a_proposed_account_after_y(
    statement_services: Services, demo_engine: Engine
) -> None:
    preview = statement_services.statements.preview()
    target = preview.sent[0]
    with demo_engine.begin() as conn:  # a final notice 31 days ago: proposed today
        conn.execute(text("INSERT INTO dunning_event (guarantor_id, cycle_no, step, as_of, amount, "
                          "created_by) VALUES (:g, 1, 'final', :d, :a, 'test')"),
                     {"g": target.guarantor_id, "d": DEMO_TODAY - timedelta(days=31),
                      "a": target.balance})  # fmt: skip
    app = MedbillApp(statement_services)
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatementsScreen)
        await pilot.press("c")  # the first row is a statement, not a proposal
        assert notes.notes[-1][1] == "Collections" and notes.notes[-1][2] == "warning"
        row = next(i for i, e in enumerate(screen.rows) if e.decision.action is Action.PROPOSE)
        assert screen.rows[row].account_no == target.account_no
        screen.table.move_cursor(row=row)
        await pilot.pause()
        assert "collections?" in str(screen.query_one("#statements-detail").render())
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert notes.notes[-1][0] == f"Referred to collections: {target.account_no}"
        entry = next(e for e in screen.rows if e.account_no == target.account_no)
        assert (
            entry.decision.action is Action.SKIP
            and "referred to collections" in entry.decision.reason
        )
    with demo_engine.connect() as conn:
        sql = "SELECT step FROM dunning_event WHERE guarantor_id = :g ORDER BY id"
        steps = conn.execute(text(sql), {"g": target.guarantor_id}).scalars().all()
    assert steps == ["final", "collections"]
