"""Correcting a denied claim's codes: `e` on the denial opens charge entry on its visit, and a
save bills the corrected charges as a new claim (replacement when the payer knows the first)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Button

from medbill_tui.screens.denial import DenialScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.services import Services
from medbill_tui.services.encounters import EditConflict
from medbill_tui.shell.app import MedbillApp
from tests.ui.test_denial_screen import open_denials
from tests.ui.test_encounter_entry import entry, idle, value


async def open_denial(pilot: Pilot[None], work_item_id: int) -> DenialScreen:
    """The denial screen of one work item, loaded."""
    await idle(pilot)
    pilot.app.push_screen(DenialScreen(work_item_id))
    await idle(pilot)
    denial = pilot.app.screen
    assert isinstance(denial, DenialScreen)
    return denial


async def test_correct_the_codes_then_resubmit(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    row = open_denials(services)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        denial = await open_denial(pilot, row.work_item_id)
        assert denial.claim is not None
        encounter_id = denial.claim.encounter_id
        lines_before = len(services.encounters.load(encounter_id).lines)
        await pilot.press("e")
        await idle(pilot)
        screen = entry(app)
        assert screen.encounter_id == encounter_id
        assert f"denied claim {denial.claim.claim_no}" in screen.sub_title
        assert str(screen.query_one("#save-claim-button", Button).label) == (
            "Save + resubmit (ctrl+b)"
        )
        shown = {b.binding.description for b in screen.active_bindings.values() if b.enabled}
        assert "Save+resubmit" in shown and "Save+claim" not in shown
        assert value(app, f"line-{lines_before}-code") == ""  # a blank line to add one
        screen.focus_field(f"line-{lines_before}-code")
        await pilot.press(*"36415", "enter")
        await idle(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the save asks to resubmit
        await pilot.press("y")
        await idle(pilot)
        assert app.screen is denial
    with demo_engine.connect() as conn:
        old = conn.execute(text("SELECT status FROM claim WHERE id = :c"),
                           {"c": row.claim_id}).scalar_one()  # fmt: skip
        new = conn.execute(
            text("SELECT c.id, c.status, c.total_charge, count(l.id) AS n FROM claim c "
                 "JOIN claim_line l ON l.claim_id = c.id WHERE c.encounter_id = :e "
                 "AND c.id > :old GROUP BY c.id ORDER BY c.id DESC LIMIT 1"),
            {"e": encounter_id, "old": row.claim_id},
        ).one()  # fmt: skip
        charges = conn.execute(
            text("SELECT coalesce(sum(amount), 0) FROM charge WHERE encounter_id = :e"),
            {"e": encounter_id},
        ).scalar_one()
        item = conn.execute(text("SELECT status FROM work_item WHERE id = :i"),
                            {"i": row.work_item_id}).scalar_one()  # fmt: skip
    assert old == "replaced" and item == "done"
    assert new.status == "ready" and new.n == lines_before + 1 and new.total_charge == charges
    assert services.remittances.check_ledger() == ()


async def test_ctrl_b_while_correcting_resubmits_without_asking(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    row = open_denials(services)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        denial = await open_denial(pilot, row.work_item_id)
        await pilot.press("e")
        await idle(pilot)
        await pilot.press("ctrl+b")
        await idle(pilot)
        assert app.screen is denial  # no question, no claim preview: back on the denial
    with demo_engine.connect() as conn:
        old = conn.execute(text("SELECT status FROM claim WHERE id = :c"),
                           {"c": row.claim_id}).scalar_one()  # fmt: skip
    assert old == "replaced"


async def test_a_closed_denials_visit_is_not_editable(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = open_denials(services)[0]
    services.denials.done(row.work_item_id, "worked")
    claim = services.details.claim(row.claim_id)
    try:
        services.encounters.load(claim.encounter_id)
    except EditConflict as exc:
        assert "only unbilled visits and rejected or denied claims" in str(exc)
    else:  # another open denial or a rejection on the same visit keeps it open: not here
        raise AssertionError("a worked denial's visit opened for editing")
