"""The first run on an empty database: an admin is asked for the practice, each field checked
as it is typed, and ctrl+s sets it up; anyone else is told an admin does it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.screens.practice_setup import PracticeSetupScreen
from medbill_tui.services import Services, build_services
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.form_field import FormField
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle

ENTRIES = (
    "Riverside Family Medicine",
    "2123456784",
    "45-1234567",
    "207Q00000X",
    "120 Main Street",
    "Springfield",
    "IL",
    "62701-1234",
    "2175550100",
    "1123456786",
    "207Q00000X",
    "Anna",
    "Lopez",
    "Sandbox",
    "test",
    "SANDBOXCH",
    "RIVERSIDE01",
    "Billing Office",
    "2175550100",
    "Medicare Part B",
    "04412",
    "MB",
    "365",
    "120",
)


def session(engine: Engine, tmp_path: Path, role: str) -> Services:
    return build_services(engine, Clock(pinned=DEMO_TODAY), role=role, outbox=tmp_path / "out")


async def test_an_admin_sets_the_practice_up_on_the_first_run(
    engine: Engine, tmp_path: Path
) -> None:
    services = session(engine, tmp_path, "admin")
    app = MedbillApp(sign_in=lambda: services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PracticeSetupScreen)
        await pilot.press(*ENTRIES[0], "enter", *"2123456785")  # a wrong check digit
        npi = screen.fields()["practice-npi"]
        assert npi.error == "2123456785 fails the NPI check digit"
        await pilot.press("backspace", "4", "enter")
        assert npi.error is None
        for entry in ENTRIES[2:-3]:
            await pilot.press(*entry, "enter")
        await pilot.press("ctrl+s")  # no claim filing indicator yet: refused, nothing kept
        await settle(pilot)
        assert app.screen is screen
        assert "fix the fields marked" in str(screen.query_one("#form-status").render())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM practice")).scalar_one() == 0
        filing = screen.fields()["payers-claim_filing_indicator"]
        assert isinstance(filing, FormField) and filing.editor.has_focus
        assert filing.error == "is required"
        await pilot.press(*ENTRIES[-3], "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        with engine.connect() as conn:
            npi_kept, payers = conn.execute(
                text("SELECT npi, (SELECT count(*) FROM payer) FROM practice")
            ).one()
    assert (npi_kept, payers) == ("2123456784", 1)


async def test_a_biller_is_told_an_admin_sets_the_practice_up(
    engine: Engine, tmp_path: Path
) -> None:
    app = MedbillApp(sign_in=lambda: session(engine, tmp_path, "biller"))
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert "New database" in notes.titles()
