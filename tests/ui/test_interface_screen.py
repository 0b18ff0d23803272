"""Dashboard key h: the HL7 interface lists messages; a held one goes through with Enter
once its mapping is added; the dashboard says when the last message arrived."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from textual.widgets import Static

from medbill_tui.records.hl7 import Hl7Mapping
from medbill_tui.screens.interface import InterfaceScreen, InterfaceTable
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.hl7.messages import adt, mapped_practice
from tests.ui.conftest import NoteSpy, settle


async def test_h_lists_messages_and_enter_retries_a_held_one(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    hl7, _ = mapped_practice(services.engine)
    assert hl7.receive(adt("S1")).code == "AA"
    assert hl7.receive(adt("S2", ehr_id="E2", last="Rowe", plan="AETNA9")).code == "AE"
    app = make_app()
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        state = str(app.screen.query_one("#dashboard-state", Static).content)
        assert state.startswith("Last HL7 message from the EHR: ")
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterfaceScreen)
        assert screen.query_one(InterfaceTable).row_count == 2
        assert [r.control_id for r in screen.rows] == ["S2", "S1"]
        assert "1 held" in str(screen.query_one("#interface-status", Static).content)
        await pilot.press("enter")  # still not mapped: stays held, says why
        await settle(pilot)
        assert "Still held" in notes.titles()
        with services.engine.connect() as conn:
            code = conn.execute(
                text("SELECT payer_code FROM payer ORDER BY id DESC LIMIT 1")
            ).scalar_one()
        hl7.set_mapping(Hl7Mapping("CLINIC", "payer", "AETNA9", code))
        await pilot.press("e")  # the held ones only
        await settle(pilot)
        assert [r.control_id for r in app.screen.rows] == ["S2"]
        await pilot.press("enter")
        await settle(pilot)
        assert "HL7" in notes.titles()
        assert app.screen.rows == []
    assert services.hl7.log(errors_only=True) == ()
