"""Key c: the credit balances; n takes one, a applies a patient's credit to another visit,
t refunds the rest, p refuses a patient's credit; each in a worker, refusals as notices."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from textual.widgets import Input

from medbill_tui.screens.credit_visit import VisitPickScreen, VisitTable
from medbill_tui.screens.credits import CreditsScreen, CreditsTable
from medbill_tui.screens.denial import PromptScreen
from medbill_tui.screens.help import HelpScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.services.test_credits import a_visit, patient_credit
from tests.ui.conftest import NoteSpy, settle


async def test_c_lists_credits_and_they_are_taken_applied_and_refunded(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    visit = a_visit(services.engine, tmp_path)
    item = patient_credit(visit)
    other = visit.another_visit_owing("20.00")
    app = make_app()
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")  # the dashboard's keys say where credits are
        assert isinstance(app.screen, HelpScreen)
        assert ("c", "Credits", "dashboard.credits") in [
            (r.key, r.description, r.binding_id) for r in app.screen.rows
        ]
        await pilot.press("escape")
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CreditsScreen)
        table = screen.query_one(CreditsTable)
        assert table.row_count == 1 and screen.rows[0].work_item_id == item.id
        assert screen.rows[0].responsibility == "patient"
        await pilot.press("n")  # the oldest credit nobody holds: the patient's
        await settle(pilot)
        assert "Next" in notes.titles() and screen.rows[0].holder == services.actor
        await pilot.press("p")  # a patient's credit does not go to the payer
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"chk 1", "enter")
        await settle(pilot)
        assert any("patient's credit" in n[0] and n[2] == "error" for n in notes.notes)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, VisitPickScreen)
        assert app.screen.query_one(VisitTable).row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CreditsScreen)
        assert "Applied 20.00" in notes.notes[-1][0] and "16.00" in notes.notes[-1][0]
        assert screen.rows[0].amount == Decimal("16.00")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "chk 2"
        await pilot.press("enter")
        await settle(pilot)
        assert "Refunded 16.00 to the patient, ref chk 2" in notes.notes[-1][0]
        assert screen.rows == [] and table.row_count == 0
    assert visit.balance("patient") == 0 and visit.balance("patient", other) == 0
    visit.ledger_ok()
