"""Charge entry driven by key presses against the demo practice: new encounters, bad
input, editing from the unbilled queue, leaving with unsaved changes."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from medbill_tui.db.repositories.encounters import CORRECTABLE_SQL
from medbill_tui.records.forms import PatientHit
from medbill_tui.screens.conflict import ConflictScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.screens.reason import DiscardScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp, known_binding_ids
from medbill_tui.widgets.encounter_dx import NoteLine
from medbill_tui.widgets.encounter_findings import FindingsPanel
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_keys import help_table


async def idle(pilot: Pilot[Any]) -> None:
    """Wait until charge entry's look-up and check timers have fired and every worker
    they started has reported back."""
    for _ in range(60):
        await settle(pilot)
        screen = pilot.app.screen
        if not isinstance(screen, EncounterEntryScreen) or screen.settled:
            await settle(pilot)
            return
        await pilot.pause(0.05)
    raise AssertionError("charge entry kept waiting")


def entry(app: MedbillApp) -> EncounterEntryScreen:
    screen = app.screen
    assert isinstance(screen, EncounterEntryScreen), screen
    return screen


def value(app: MedbillApp, widget_id: str) -> str:
    return entry(app).query_one(f"#{widget_id}", Input).value


def note(app: MedbillApp, widget_id: str) -> str:
    return str(entry(app).query_one(f"#{widget_id}", NoteLine).render())


def rendered(widget: Static) -> str:
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def focused_id(app: MedbillApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def insured_patient(services: Services) -> PatientHit:
    """A patient with an active primary coverage whose full name finds them first."""
    with services.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT p.last_name || ', ' || p.first_name FROM patient p "
                "JOIN coverage cv ON cv.patient_id = p.id AND cv.priority = 1 "
                "WHERE cv.effective_to IS NULL ORDER BY p.id LIMIT 1"
            )
        ).scalar_one()
    return services.encounters.find_patients(row)[0]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())


async def open_new_entry(pilot: Pilot[Any], patient: PatientHit) -> EncounterEntryScreen:
    """From the dashboard: the unbilled queue, `a`, the patient picked by name."""
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("a")
    await idle(pilot)
    await pilot.press(*patient.name)
    await idle(pilot)
    await pilot.press("enter")
    await idle(pilot)
    return entry(pilot.app)  # type: ignore[arg-type]


async def test_key_a_new_encounter_end_to_end(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    context = services.encounters.patient_context(patient.patient_id)
    primary = context.coverages[0]
    providers = services.encounters.providers()
    fee_visit = services.encounters.fee("99213", "", primary.id)
    fee_draw = services.encounters.fee("36415", "", primary.id)
    assert fee_visit is not None and fee_draw is not None
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, patient)
        # defaults after the pick, and the cursor already in diagnosis 1
        assert focused_id(app) == "dx-0"
        assert screen.query_one("#coverage", Select).value == primary.id
        assert screen.query_one("#provider", Select).value == providers[0].id
        assert value(app, "dos") == DEMO_TODAY.strftime("%m/%d/%Y")
        assert value(app, "pos") == "11"
        await pilot.press(*"e11.9", "enter", *"I10")
        await idle(pilot)
        assert value(app, "dx-0") == "E11.9"  # capitals as typed
        assert "Type 2 diabetes mellitus" in note(app, "dx-words-0")
        assert "hypertension" in note(app, "dx-words-1").lower()
        await pilot.press("enter", "enter")  # a blank diagnosis: on to the service lines
        assert focused_id(app) == "line-0-code"
        await pilot.press(*"99213", *["tab"] * 7)  # through 4 modifiers, units, charge
        assert focused_id(app) == "line-0-pointers"
        await pilot.press(*"12", "enter")
        assert focused_id(app) == "line-1-code"
        await pilot.press(*"36415", "enter")
        assert focused_id(app) == "line-2-code"
        await idle(pilot)
        assert value(app, "line-0-charge") == f"{fee_visit:.2f}"
        assert value(app, "line-1-charge") == f"{fee_draw:.2f}"
        assert value(app, "line-1-pointers") == "12"  # every diagnosis, by default
        assert "✖" not in str(screen.sub_title)
        await pilot.press("enter")  # a blank code: on to Save
        assert focused_id(app) == "save-button"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    saved = [m for m, title, _ in spy.notes if title == "Saved"]
    assert len(saved) == 1 and saved[0].startswith("Saved encounter ")
    encounter_id = int(saved[0].split()[2])
    with demo_engine.connect() as conn:
        enc = conn.execute(
            text("SELECT * FROM encounter WHERE id = :id"), {"id": encounter_id}
        ).one()
        dx = conn.execute(
            text("SELECT code FROM encounter_diagnosis WHERE encounter_id = :id ORDER BY seq"),
            {"id": encounter_id},
        ).scalars()
        charges = conn.execute(
            text(
                "SELECT code, units, amount, dx_pointers FROM charge "
                "WHERE encounter_id = :id ORDER BY line_no"
            ),
            {"id": encounter_id},
        ).all()
        assert list(dx) == ["E11.9", "I10"]
    assert (enc.patient_id, enc.coverage_id, enc.provider_id) == (
        patient.patient_id,
        primary.id,
        providers[0].id,
    )
    assert (enc.dos, enc.pos, enc.status) == (DEMO_TODAY, "11", "unbilled")
    assert [tuple(c) for c in charges] == [
        ("99213", Decimal(1), fee_visit, "12"),
        ("36415", Decimal(1), fee_draw, "12"),
    ]


async def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    patient = insured_patient(services)
    before = count(demo_engine, "encounter")
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, patient)
        await pilot.press(*"E11", "enter", "enter")
        await pilot.press(*"99213", *["tab"] * 6)
        assert focused_id(app) == "line-0-charge"
        await pilot.press(*"9o.00", "tab", *"3")  # a letter o in the charge, pointer 3
        screen.focus_field("dos")
        await pilot.press(*"12/25/2026")
        await idle(pilot)
        marked = {f.field: f.rule_id for f in screen.findings if f.blocks_save}
        assert marked == {
            "dos": "DOS-FUTURE",
            "dx.1": "ICD-BILLABLE",
            "line.1.charge": "CHARGE-FORMAT",
            "line.1.pointers": "DX-POINTER",
        }
        assert "not a billable code" in note(app, "dx-words-0")
        assert note(app, "line-0-words").startswith("✖ Line 1: charge '9o.00'")
        assert screen.query_one("#dos-label").render().plain.startswith("✖")  # type: ignore[attr-defined]
        assert screen.query_one("#line-0-charge").has_class("-finding-error")
        panel = rendered(screen.query_one(FindingsPanel).query_one("#findings-text", Static))
        assert panel.count("✖") == 4 and "(fix before saving)" in panel
        assert panel.startswith("✖ Date of service 12/25/2026 is in the future")  # the cursor's
        assert "4✖" in str(screen.sub_title)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is screen  # refused: still here, every value kept
        assert ("Could not do that", "error") in [(t, s) for _, t, s in spy.notes]
        assert any(m.startswith("Not saved: 4 problem(s)") for m, _, _ in spy.notes)
        assert [value(app, i) for i in ("dx-0", "line-0-code", "line-0-charge")] == [
            "E11",
            "99213",
            "9o.00",
        ]
        assert (value(app, "line-0-pointers"), value(app, "dos")) == ("3", "12/25/2026")
        assert screen.query_one("#dx-0").has_class("-finding-error")
    assert count(demo_engine, "encounter") == before


async def test_next_finding_key_moves_through_the_fields(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        assert screen.findings == ()  # "nothing entered yet" waits for a save
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert {f.rule_id for f in screen.findings} >= {"DX-REQUIRED", "LINES-REQUIRED"}
        screen.focus_field("dx-0")
        await pilot.press("ctrl+n")
        assert focused_id(app) == "line-0-code"
        await pilot.press("ctrl+n")  # round to the first again
        assert focused_id(app) == "dx-0"
        await pilot.press(*"J06.9", "enter", "enter", *"99213")
        await idle(pilot)
        screen.focus_field("line-0-charge")
        await pilot.press("ctrl+a", "ctrl+k", *"abc")  # clear the fee, type letters
        screen.focus_field("patient")
        await idle(pilot)
        await pilot.press("f8")  # the F-key alternative
        assert focused_id(app) == "line-0-charge"


async def test_diagnoses_move_and_pointers_follow(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        await pilot.press(*"E11.9", "enter", *"I10", "enter", *"J06.9", "enter", "enter")
        await pilot.press(*"99213", "enter", *"36415")
        screen.focus_field("line-1-pointers")
        await pilot.press(*"23")
        screen.focus_field("dx-2")
        await pilot.press("ctrl+up")
        assert [value(app, f"dx-{i}") for i in range(3)] == ["E11.9", "J06.9", "I10"]
        assert focused_id(app) == "dx-1"
        assert (value(app, "line-0-pointers"), value(app, "line-1-pointers")) == ("132", "32")
        await pilot.press("alt+up")
        assert [value(app, f"dx-{i}") for i in range(3)] == ["J06.9", "E11.9", "I10"]
        assert (value(app, "line-0-pointers"), value(app, "line-1-pointers")) == ("231", "31")
        await pilot.press("ctrl+down", "ctrl+down")  # the last filled one stays last
        assert [value(app, f"dx-{i}") for i in range(3)] == ["E11.9", "I10", "J06.9"]
        assert focused_id(app) == "dx-2"


def unbilled_encounter(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM encounter WHERE status = 'unbilled' ORDER BY dos, id LIMIT 1")
            ).scalar_one()
        )


async def test_enter_in_the_queue_edits_the_encounter(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    encounter_id = unbilled_encounter(demo_engine)
    form = services.encounters.load(encounter_id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        screen = entry(app)
        assert screen.encounter_id == encounter_id and not screen.dirty
        assert [value(app, f"dx-{i}") for i in range(len(form.diagnoses))] == list(form.diagnoses)
        assert value(app, "dx-" + str(len(form.diagnoses))) == ""  # one blank row to add
        assert value(app, "line-0-code") == form.lines[0].code
        assert value(app, "dos") == form.dos
        assert "Encounter" in str(screen.sub_title)
        await pilot.press("escape")  # nothing changed: straight back
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter")
        await idle(pilot)
        screen = entry(app)
        screen.focus_field("pos")
        await pilot.press(*"22")
        await pilot.press("escape")
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")
        assert app.screen is screen and value(app, "pos") == "22"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    after = services.encounters.load(encounter_id)
    assert after.pos == "22" and after.version == (form.version or 0) + 1
    assert after.diagnoses == form.diagnoses and after.lines == form.lines


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_escape_with_changes_asks_first(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine, answer: str
) -> None:
    before = count(demo_engine, "encounter")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        await pilot.press(*"I10", "escape")
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press(answer)
        await settle(pilot)
        if answer == "y":
            assert isinstance(app.screen, QueueScreen)
        else:
            assert app.screen is screen and value(app, "dx-0") == "I10"
    assert count(demo_engine, "encounter") == before


async def test_billed_encounter_cannot_be_opened_for_editing(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    with demo_engine.connect() as conn:
        billed = conn.execute(
            text(f"SELECT id FROM encounter WHERE status = 'billed' AND NOT {CORRECTABLE_SQL} "
                 "LIMIT 1")
        ).scalar_one()  # fmt: skip
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EncounterEntryScreen(billed))
        await idle(pilot)
        assert "only unbilled" in spy.notes[-1][0]
        assert "could not be opened" in str(app.screen.query_one("#entry-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, EncounterEntryScreen)


async def test_no_color_marks_findings_in_words(
    make_app: Callable[..., MedbillApp], services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        assert app.no_color
        await pilot.press(*"E11", "enter")
        await idle(pilot)
        assert note(app, "dx-words-0").startswith("✖ Diagnosis 1")
        assert str(screen.query_one("#dx-label-0").render()).startswith("✖")


async def test_palette_opens_charge_entry_and_f1_lists_its_keys(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"new encounter")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await idle(pilot)
        screen = entry(app)
        assert screen.encounter_id is None and focused_id(app) == "patient"
        assert isinstance(app.screen_stack[-2], QueueScreen)
        await pilot.press("1")  # typed into the patient field, not "open queue 1"
        assert app.screen is screen and value(app, "patient") == "1"
        await pilot.press("f1")
        rows = help_table(app)
        ids = {binding_id for _, _, binding_id in rows}
        assert {"entry.save", "entry.save-claim", "entry.next-finding", "entry.back"} <= ids
        assert {"entry.move-dx-up", "entry.move-dx-down", "entry.help"} <= ids
        await pilot.press("escape")
        assert app.screen is screen


async def test_someone_else_saving_first_keeps_my_entries(
    make_app: Callable[..., MedbillApp], services: Services, demo_engine: Engine
) -> None:
    encounter_id = unbilled_encounter(demo_engine)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        screen = entry(app)
        theirs = services.encounters.load(encounter_id)
        services.encounters.save(replace(theirs, pos="02"))  # another biller, first
        screen.focus_field("pos")
        await pilot.press(*"22", "ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, ConflictScreen)  # what they changed; keep mine
        await pilot.press("k", "y")  # it undoes their place of service: asked first
        assert app.screen is screen and value(app, "pos") == "22"
        assert "Someone else changed" in spy.notes[-1][0]
        assert "Not saved" in str(screen.query_one("#entry-status").render())
    assert services.encounters.load(encounter_id).pos == "02"


async def test_picking_another_patient_takes_their_coverage(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    first = insured_patient(services)
    with services.engine.connect() as conn:
        other_name = conn.execute(
            text(
                "SELECT p.last_name || ', ' || p.first_name FROM patient p "
                "JOIN coverage cv ON cv.patient_id = p.id AND cv.priority = 1 "
                "WHERE cv.effective_to IS NULL AND p.id <> :p ORDER BY p.id DESC LIMIT 1"
            ),
            {"p": first.patient_id},
        ).scalar_one()
    other = services.encounters.find_patients(other_name)[0]
    expected = services.encounters.patient_context(other.patient_id).coverages[0].id
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, first)
        await pilot.press(*"I10")
        screen.focus_field("patient")
        await pilot.press("ctrl+a", "ctrl+k", *other.name)
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert screen.query_one("#coverage", Select).value == expected
        assert screen.form_view.patient_id == other.patient_id
        assert value(app, "dx-0") == "I10"  # the rest is kept
        assert spy.notes == []


async def test_help_at_80_columns_shows_each_binding_id_whole(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    """Charge entry has the longest key list; its ids are what a keymap file names, so the
    table fits the screen (words cut with '…') instead of scrolling the ids out of sight."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_entry(pilot, insured_patient(services))
        await pilot.press("f1")
        await idle(pilot)
        rows = help_table(app)
        ids = {binding_id for _, _, binding_id in rows} - {""}
        assert len(ids) > 10 and ids <= known_binding_ids()
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert any(words.endswith("…") for _, words, _ in rows)  # long words were cut
