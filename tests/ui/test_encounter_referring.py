"""Charge entry's referring provider keyed at 80x24: a bad NPI is refused at its field and
nothing is saved; a good one is saved with the visit, loaded back and kept in drafts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from medbill_tui.records.forms import EncounterForm
from medbill_tui.screens.encounter_draft_keeping import form_payload, payload_form
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_encounter_entry import (
    count,
    focused_id,
    idle,
    insured_patient,
    open_new_entry,
    value,
)

BAD_NPI = "1588667789"
"""Ten digits that fail the NPI check digit."""
GOOD_NPI = "1588667786"


async def test_a_referring_provider_is_checked_as_typed_and_saved_with_the_visit(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    before = count(demo_engine, "encounter")
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, patient)
        await pilot.press(*"J06.9", "enter", "enter", *"99213", "enter")
        await idle(pilot)
        screen.focus_field("dx-0")
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # after POS, before dx 1
        assert focused_id(app) == "ref-npi"
        await pilot.press(*BAD_NPI, "tab", *"Moss", "tab", *"Ray", "enter")
        assert focused_id(app) == "dx-0"  # Enter moves on, as in the other visit fields
        await pilot.press("ctrl+s")
        await idle(pilot)
        refused = {f.field: f.message for f in screen.findings if f.blocks_save}
        assert refused == {
            "referring.npi": f"Referring provider NPI: {BAD_NPI} fails the NPI check digit"
        }
        assert screen.query_one("#ref-npi-label").render().plain.startswith("✖")  # type: ignore[attr-defined]
        assert app.screen is screen and count(demo_engine, "encounter") == before
        await pilot.press("ctrl+n")  # the next issue is the referring NPI
        assert focused_id(app) == "ref-npi"
        await pilot.press(*["backspace"] * 10, *GOOD_NPI)
        await idle(pilot)
        assert not [f for f in screen.findings if f.field.startswith("referring")]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    saved = [m for m, title, _ in spy.notes if title == "Saved"]
    encounter_id = int(saved[0].split()[2])
    with demo_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT referring_npi, referring_last_name, referring_first_name "
                "FROM encounter WHERE id = :id"
            ),
            {"id": encounter_id},
        ).one()
    assert tuple(row) == (GOOD_NPI, "Moss", "Ray")
    form = services.encounters.load(encounter_id)
    assert (form.referring_npi, form.referring_last, form.referring_first) == (
        GOOD_NPI,
        "Moss",
        "Ray",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(EncounterEntryScreen(encounter_id))
        await idle(pilot)
        assert [value(app, f) for f in ("ref-npi", "ref-last", "ref-first")] == [
            GOOD_NPI,
            "Moss",
            "Ray",
        ]


async def test_a_name_without_an_npi_is_refused_at_the_npi(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    before = count(demo_engine, "encounter")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, patient)
        await pilot.press(*"J06.9", "enter", "enter", *"99213", "enter")
        screen.focus_field("ref-last")
        await pilot.press(*"Moss", "ctrl+s")
        await idle(pilot)
        refused = {f.field: f.rule_id for f in screen.findings if f.blocks_save}
        assert refused == {"referring.npi": "REF-NPI"}
        assert app.screen is screen and count(demo_engine, "encounter") == before


def test_a_draft_keeps_the_referring_provider() -> None:
    form = EncounterForm(
        1, 2, None, None, "12/01/2026", "11", ("J06.9",), (), referring_npi=GOOD_NPI,
        referring_last="Moss", referring_first="Ray",
    )  # fmt: skip
    assert payload_form(form_payload(form, None)["form"]) == form
    older = {k: v for k, v in form_payload(form, None)["form"].items() if "referring" not in k}  # type: ignore[union-attr]
    assert payload_form(older).referring_npi == ""  # a draft kept before this field existed
