"""Drafts and conflicts in charge entry, driven by keys: a session that ends without saving
keeps its draft and the next one offers it back; a conflict shows what the other person
changed and re-applies only mine; a lost database keeps every entry."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from rich.console import Console
from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Static

from medbill_tui.screens.conflict import ConfirmScreen, ConflictScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import PgCluster
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_encounter_entry import (
    entry,
    idle,
    insured_patient,
    open_new_entry,
    unbilled_encounter,
    value,
)


def drafts(engine: Engine) -> list[dict[str, Any]]:
    """Every draft row's (owner, entity id, form) — what a new session would find."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT owner, entity, entity_id, payload FROM draft")).all()
    return [{"owner": r.owner, "entity": r.entity, "id": r.entity_id, "form": r.payload["form"]}
            for r in rows]  # fmt: skip


async def draft_kept(pilot: Pilot[Any]) -> None:
    """Wait for the typing pause to pass and the draft worker to finish."""
    for _ in range(100):
        screen = pilot.app.screen
        if not isinstance(screen, EncounterEntryScreen) or not screen.draft_waiting:
            break
        await pilot.pause(0.1)
    await settle(pilot)


async def open_entry(pilot: Pilot[Any], encounter_id: int) -> None:
    await settle(pilot)
    pilot.app.push_screen(EncounterEntryScreen(encounter_id))
    await idle(pilot)


async def test_a_session_dropped_mid_entry_keeps_its_draft(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    encounter_id = unbilled_encounter(demo_engine)
    before = services.encounters.load(encounter_id)
    assert before.pos != "22" and drafts(demo_engine) == []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, encounter_id)
        entry(app).focus_field("pos")
        await pilot.press(*"22", "tab")  # the cursor moves on: the draft is kept
        await draft_kept(pilot)
        kept = drafts(demo_engine)
        assert [(d["owner"], d["entity"], d["id"], d["form"]["pos"]) for d in kept] == [
            ("tester", "encounter", encounter_id, "22")]  # fmt: skip
    # the session is gone without a save: nothing changed but the draft
    assert services.encounters.load(encounter_id) == before

    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, encounter_id)
        assert isinstance(again.screen, ConfirmScreen)
        assert "You left this encounter unsaved" in again.screen.question
        await pilot.press("y")
        await idle(pilot)
        screen = entry(again)
        assert value(again, "pos") == "22" and screen.dirty
        assert value(again, "line-0-code") == before.lines[0].code
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(again.screen, EncounterEntryScreen)
    assert services.encounters.load(encounter_id).pos == "22"
    assert drafts(demo_engine) == []  # the save took the draft away


async def test_a_new_encounter_draft_comes_back_or_is_thrown_away(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_entry(pilot, patient)
        await pilot.press(*"I10")  # no key after it: the typing pause keeps the draft
        await idle(pilot)
        await draft_kept(pilot)
    [kept] = drafts(demo_engine)
    assert kept["id"] is None and kept["form"]["diagnoses"] == ["I10"]
    assert kept["form"]["patient_id"] == patient.patient_id

    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await open_new_from_queue(pilot)
        assert isinstance(again.screen, ConfirmScreen)
        assert "a new encounter" in again.screen.question
        await pilot.press("y")
        await idle(pilot)
        screen = entry(again)
        assert value(again, "dx-0") == "I10" and screen.dirty
        assert screen.form_view.patient_id == patient.patient_id
    assert len(drafts(demo_engine)) == 1  # kept until saved or thrown away

    third = make_app()
    async with third.run_test(size=(80, 24)) as pilot:
        await open_new_from_queue(pilot)
        assert isinstance(third.screen, ConfirmScreen)
        await pilot.press("n")  # no: thrown away
        await idle(pilot)
        assert value(third, "dx-0") == "" and entry(third).form_view.patient_id is None
    assert drafts(demo_engine) == []


async def open_new_from_queue(pilot: Pilot[Any]) -> None:
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("a")
    await idle(pilot)


def rendered(widget: Static) -> str:
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_conflict_reload_theirs_then_put_mine_back(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    encounter_id = unbilled_encounter(demo_engine)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, encounter_id)
        screen = entry(app)
        blank_dx = f"dx-{len(services.encounters.load(encounter_id).diagnoses)}"
        theirs = services.encounters.load(encounter_id)
        services.encounters.save(replace(theirs, pos="02"))  # another biller, first
        screen.focus_field(blank_dx)
        await pilot.press(*"R51.9")
        await idle(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        table = rendered(dialog.query_one("#conflict-table", Static))
        assert "place of service" in table and "02" in table
        assert "Someone else changed this encounter" in spy.notes[-1][0]
        await pilot.press("r")  # reload theirs
        await idle(pilot)
        assert app.screen is screen
        assert value(app, "pos") == "02" and value(app, blank_dx) == ""
        await pilot.press("ctrl+r")  # my change goes back on top of theirs
        await idle(pilot)
        assert value(app, blank_dx) == "R51.9" and value(app, "pos") == "02"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EncounterEntryScreen)
    saved = services.encounters.load(encounter_id)
    assert saved.pos == "02" and saved.diagnoses[-1] == "R51.9"
    assert drafts(demo_engine) == []


@contextmanager
def database_gone(pg: PgCluster, name: str) -> Iterator[None]:
    """No connection to the database succeeds (and open ones are cut) until the block ends."""
    with pg.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
            {"d": name},
        )
    try:
        yield
    finally:
        with pg.admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


async def test_a_save_while_the_database_is_gone_keeps_the_entries(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine, pg: PgCluster
) -> None:
    encounter_id = unbilled_encounter(demo_engine)
    name = demo_engine.url.database
    assert name is not None
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, encounter_id)
        screen = entry(app)
        screen.focus_field("pos")
        await pilot.press(*"22")
        await idle(pilot)
        with database_gone(pg, name):
            await pilot.press("ctrl+s")
            for _ in range(200):  # not settle(): a retry of the database may be waiting
                await pilot.pause(0.05)
                if not screen._saving:
                    break
            await pilot.pause(0.1)
            assert app.screen is screen and value(app, "pos") == "22" and screen.dirty
            assert "Database unavailable" in spy.titles()
            status = str(screen.query_one("#entry-status", Static).render())
            assert "Not saved" in status and "kept" in status
        await pilot.press("ctrl+s")  # it is back: the same entries save
        await settle(pilot)
        assert not isinstance(app.screen, EncounterEntryScreen)
    assert services.encounters.load(encounter_id).pos == "22"
