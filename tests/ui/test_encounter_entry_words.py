"""Charge entry by words and by keyboard: pick lists for words and categories, deleting a
service line, moving between lines, default pointers, typing on a button."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.code_picks import CodePicks
from tests.ui.test_encounter_entry import (
    entry,
    focused_id,
    idle,
    insured_patient,
    note,
    open_new_entry,
    value,
)


def picks(app: MedbillApp, list_id: str) -> CodePicks:
    return entry(app).query_one(f"#{list_id}", CodePicks)


async def test_words_and_categories_open_a_pick_list(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    first = services.encounters.pick_codes("hypertension", "icd10cm")[0].code
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_entry(pilot, insured_patient(services))
        await pilot.press(*"hypertension")
        await idle(pilot)
        listed = picks(app, "dx-picks")
        assert listed.field_id == "dx-0" and listed.display
        assert listed.choices[0].code == first and all(
            "." in c.code or len(c.code) == 3 for c in listed.choices
        )
        await pilot.press("enter")  # picks; the cursor stays
        await idle(pilot)
        assert (value(app, "dx-0"), focused_id(app)) == (first, "dx-0")
        assert not listed.display and "hypertension" in note(app, "dx-words-0").lower()
        await pilot.press("enter", *"E11")
        await idle(pilot)
        children = [c.code for c in listed.choices]
        assert listed.field_id == "dx-1" and len(children) > 20
        assert all(c.startswith("E11.") for c in children)  # billable children only
        await pilot.press("down", "down", "up", "enter")
        await idle(pilot)
        assert value(app, "dx-1") == children[1]
        await pilot.press("enter", *"zzqxv")  # no match: said so, the text stays
        await idle(pilot)
        assert not listed.display and value(app, "dx-2") == "ZZQXV"
        assert "No code matches 'ZZQXV'" in note(app, "dx-words-2")
        await pilot.press("enter")
        await idle(pilot)
        assert (focused_id(app), value(app, "dx-2")) == ("dx-2", "ZZQXV")
        await pilot.press("ctrl+a", "ctrl+k", "enter", *"wheelchair")
        await idle(pilot)
        lines = picks(app, "line-picks")
        assert lines.field_id == "line-0-code" and lines.choices[0].code[0] in "AEK"
        await pilot.press("escape")  # closes the list, keeps the words, stays on screen
        assert not lines.display and value(app, "line-0-code") == "WHEELCHAIR"
        assert app.screen is entry(app)
        await pilot.press("ctrl+a", "ctrl+k", *"office visit", "enter")  # Enter ahead of it
        await idle(pilot)
        assert value(app, "line-0-code").startswith("992")


async def test_service_lines_by_keyboard(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_entry(pilot, insured_patient(services))
        await pilot.press(*"E11.9", "enter", *"I10", "enter", *"J06.9", "enter", "enter")
        await pilot.press(*"99213", "enter", *"36415", "enter", *"81002", "tab", *"25")
        await idle(pilot)
        assert [value(app, f"line-{n}-pointers") for n in range(3)] == ["123"] * 3
        await pilot.press("up", "up")  # the same column, two lines up
        assert focused_id(app) == "line-0-mod-0"
        await pilot.press("down")
        assert focused_id(app) == "line-1-mod-0"
        screen.focus_field("line-1-pointers")
        await pilot.press("ctrl+a", "ctrl+k", *"2")
        screen.focus_field("line-0-code")
        await pilot.press("ctrl+d")  # line 1 goes; the others move up with their pointers
        await idle(pilot)
        assert [value(app, f"line-{n}-code") for n in range(3)] == ["36415", "81002", ""]
        assert [value(app, f"line-{n}-pointers") for n in range(2)] == ["2", "123"]
        assert value(app, "line-1-mod-0") == "25" and focused_id(app) == "line-0-code"
        assert len(screen.query("ServiceLineRow")) == 3
        screen.focus_field("dx-0")
        await pilot.press("home", "ctrl+d")  # not a line: the field's own ctrl+d
        assert value(app, "dx-0") == "11.9" and len(screen.query("ServiceLineRow")) == 3
        await pilot.press(*"E")
        await pilot.press("down")
        assert focused_id(app) == "dx-1"
        screen.focus_field("line-1-pointers")
        await pilot.press("enter", "enter")  # a blank code: on to Save
        assert focused_id(app) == "save-button"
        await pilot.press(*"90471")  # typed on Save: into the field it came from
        await idle(pilot)
        assert (focused_id(app), value(app, "line-2-code")) == ("line-2-code", "90471")
        assert value(app, "line-2-pointers") == "123"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is not screen
    with services.engine.connect() as conn:
        lines = conn.execute(
            text(
                "SELECT code, dx_pointers FROM charge WHERE encounter_id = "
                "(SELECT max(id) FROM encounter) ORDER BY line_no"
            )
        ).all()
    assert [tuple(line) for line in lines] == [("36415", "2"), ("81002", "123"), ("90471", "123")]
