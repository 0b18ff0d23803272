"""Patient search and the patient screen: find, add, edit; refusals keep every entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Static

from medbill_tui.screens.conflict import ConflictScreen
from medbill_tui.screens.form import ConfirmScreen, FormScreen
from medbill_tui.screens.help import HelpScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.screens.patient_search import (
    PatientHitTable,
    PatientSearchScreen,
    SearchInput,
)
from medbill_tui.screens.patient_tables import AuthorizationTable, CoverageTable
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.form_field import FormRow
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_keys import help_table

SEARCH_WAIT = 0.4
"""Longer than the search box's typing pause."""


async def open_screen(pilot: Pilot[Any], screen: Any) -> None:
    await pilot.app.push_screen(screen)
    await settle(pilot)


def top(app: MedbillApp) -> object:
    """The screen on top (not narrowed by earlier isinstance checks)."""
    return app.screen


def form_screen(app: MedbillApp) -> FormScreen:
    screen = app.screen
    assert isinstance(screen, FormScreen), screen
    return screen


def fill(screen: FormScreen, **values: str) -> None:
    """Put entries into fields by their service names (as if typed)."""
    fields = screen.fields()
    for name, value in values.items():
        fields[name].value = value


def status(screen: FormScreen) -> str:
    return str(screen.query_one("#form-status", Static).content)


def field_errors(screen: FormScreen) -> dict[str, str]:
    return {name: f.error for name, f in screen.fields().items() if f.error is not None}


def row_errors(screen: FormScreen) -> str:
    return "\n".join(
        str(row.query_one(".form-row--errors", Static).content) for row in screen.query(FormRow)
    )


def patient_row(engine: Engine, patient_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM patient WHERE id = :id"), {"id": patient_id}).one()


async def test_search_and_open_a_patient(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientSearchScreen())
        search = app.screen
        assert isinstance(search, PatientSearchScreen)
        await pilot.press(*"johnson")
        await pilot.pause(SEARCH_WAIT)
        await settle(pilot)
        assert search.hits and all(h.name.startswith("Johnson, ") for h in search.hits)
        assert search.query_one(PatientHitTable).row_count == len(search.hits)
        await pilot.press("down")  # moves the results while the search box keeps focus
        chosen = search.hits[1]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientScreen) and screen.patient_id == chosen.patient_id
        row = patient_row(demo_engine, chosen.patient_id)
        values = screen.values()
        assert (values["first_name"], values["last_name"]) == (row.first_name, row.last_name)
        assert values["dob"] == row.dob.strftime("%m/%d/%Y")
        assert (values["state"], values["zip"]) == (row.state, row.zip)
        heading = str(screen.query_one("#patient-heading", Static).content)
        assert row.account_no in heading
        with demo_engine.connect() as conn:
            coverages = conn.execute(
                text("SELECT count(*) FROM coverage WHERE patient_id = :p"), {"p": row.id}
            ).scalar()
        assert screen.query_one(CoverageTable).row_count == coverages
        assert not screen.dirty
        await pilot.press("escape")  # nothing changed: no question
        assert top(app) is search

        # an account number and a date of birth find the patient too
        box = search.query_one(SearchInput)
        box.value = row.account_no
        await pilot.pause(SEARCH_WAIT)
        await settle(pilot)
        assert [h.patient_id for h in search.hits] == [row.id]
        box.value = row.dob.strftime("%m/%d/%Y")
        await pilot.pause(SEARCH_WAIT)
        await settle(pilot)
        assert row.id in [h.patient_id for h in search.hits]


async def test_new_patient_gets_an_account_number(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientSearchScreen())
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen = form_screen(app)
        assert isinstance(screen, PatientScreen) and screen.patient_id is None
        assert "given on save" in str(screen.query_one("#patient-heading", Static).content)
        # typed as a biller would: Enter moves to the next field
        for entry in ("Ada", "Lovelace", "12/10/1990", "f", "(555) 123-4567",
                      "1 Analytical Way", "Springfield", "il", "62704"):  # fmt: skip
            await pilot.press(*entry, "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.patient_id is not None and screen.record is not None
        row = patient_row(demo_engine, screen.patient_id)
        assert (row.first_name, row.last_name, row.sex, row.state) == ("Ada", "Lovelace", "F", "IL")
        assert row.phone == "5551234567" and row.city == "Springfield"
        assert screen.record.account_no == row.account_no
        assert row.account_no in str(screen.query_one("#patient-heading", Static).content)
        assert row.account_no in status(screen)
        assert not screen.dirty and screen.values()["state"] == "IL"


async def test_bad_entries_show_at_their_fields_and_nothing_is_saved(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    before = patient_row(demo_engine, 18)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(18))
        screen = form_screen(app)
        fill(screen, dob="13/40/1965", state="ZZ", zip="123", city="Newtown")
        typed = screen.values()
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = field_errors(screen)
        assert set(errors) == {"dob", "state", "zip"}
        assert "MM/DD/YYYY" in errors["dob"] and "'ZZ'" in errors["state"]
        shown = row_errors(screen)
        assert "✗ State: 'ZZ' is not a 2-letter US state" in shown
        assert "✗ ZIP must be 5 or 9 digits" in shown
        assert screen.values() == typed  # every entry kept
        assert "Not saved" in status(screen)
        assert app.focused is screen.fields()["dob"].editor
        assert spy.titles() == ["Could not do that"]
        assert patient_row(demo_engine, 18) == before
        # fixing them saves, and the marks go
        fill(screen, dob="05/20/1965", state="mn", zip="56035")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field_errors(screen) == {} and "✗" not in row_errors(screen)
        after = patient_row(demo_engine, 18)
        assert after.city == "Newtown" and after.version == before.version + 1


async def test_edit_demographics_and_save(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    before = patient_row(demo_engine, 5)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(5))
        screen = form_screen(app)
        editor = screen.fields()["last_name"].editor
        editor.focus()
        await pilot.press("ctrl+u", *"Peterson-Hale")
        fill(screen, address1="9 New Road", phone="555-867-5309")
        assert screen.dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = patient_row(demo_engine, 5)
        assert (after.last_name, after.address1, after.phone) == (
            "Peterson-Hale", "9 New Road", "5558675309",
        )  # fmt: skip
        assert after.version == before.version + 1 and after.dob == before.dob
        assert not screen.dirty and status(screen) == "Saved."
        assert "Peterson-Hale" in str(screen.sub_title)
        with demo_engine.connect() as conn:
            audit = conn.execute(
                text("SELECT actor, action FROM audit_event WHERE entity = 'patient' "
                     "AND entity_id = 5 ORDER BY id DESC LIMIT 1")
            ).one()  # fmt: skip
        assert tuple(audit) == ("tester", "update")
        # a second save goes on from the new version
        fill(screen, city="Lakeside")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert patient_row(demo_engine, 5).version == before.version + 2


async def test_stale_edit_is_refused_and_entries_are_kept(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(7))
        screen = form_screen(app)
        with demo_engine.begin() as conn:  # someone else saves meanwhile
            conn.execute(
                text("UPDATE patient SET city = 'Theirs', version = version + 1 WHERE id = 7")
            )
        fill(screen, city="Mine", first_name="Changed")
        typed = screen.values()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "someone else changed this patient" in status(screen).lower()
        assert "Could not do that" in spy.titles()
        assert isinstance(app.screen, ConflictScreen)  # what they changed; keep mine
        await pilot.press("k")  # undoes their city: asked first
        assert isinstance(top(app), ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "someone else changed this patient" in status(screen).lower()
        assert screen.values() == typed and screen.dirty
        assert app.screen is screen
        assert patient_row(demo_engine, 7).city == "Theirs"


def question(app: MedbillApp) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmScreen), screen
    return str(screen.query_one("#confirm-question", Static).content)


async def test_keep_mine_names_what_it_overwrites_and_merge_keeps_theirs(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    """raj changes the street while ann edits the phone: keep mine would put the old street
    back, so it says so and asks; the default merge keeps raj's street and ann's phone."""
    street = patient_row(demo_engine, 7).address1
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(7))
        screen = form_screen(app)
        with demo_engine.begin() as conn:  # raj saves first
            conn.execute(text("UPDATE patient SET address1 = '9 Raj Road', "
                              "version = version + 1 WHERE id = 7"))  # fmt: skip
        fill(screen, phone="5550001111")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(top(app), ConflictScreen)
        await pilot.press("k")
        assert question(app).splitlines()[:2] == [
            "Keep mine overwrites 1 of their changes:",
            f"  address: 9 Raj Road → {street}",
        ]
        await pilot.press("n")  # choose again
        assert isinstance(top(app), ConflictScreen)
        await pilot.press("escape")  # the default: merge
        await settle(pilot)
        assert app.screen is screen and "Merged" in status(screen)
        assert screen.values()["address1"] == "9 Raj Road"
        assert screen.values()["phone"] == "5550001111"
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = patient_row(demo_engine, 7)
    assert (saved.address1, saved.phone) == ("9 Raj Road", "5550001111")


async def test_unknown_guarantor_shows_at_its_field(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    before = patient_row(demo_engine, 9)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(9))
        screen = form_screen(app)
        fill(screen, guarantor_account="Z999999")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Z999999" in (field_errors(screen).get("guarantor_account") or "")
        assert "guarantor" in status(screen)
        assert screen.values()["guarantor_account"] == "Z999999"
        assert patient_row(demo_engine, 9) == before


async def test_escape_asks_before_discarding_changes(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientSearchScreen())
        search = app.screen
        await open_screen(pilot, PatientScreen(3))
        screen = form_screen(app)
        fill(screen, city="Somewhere else")
        await pilot.press("escape")
        assert isinstance(top(app), ConfirmScreen)
        await pilot.press("n")
        assert top(app) is screen and screen.values()["city"] == "Somewhere else"
        screen.query_one(CoverageTable).focus()
        await pilot.press("1")  # the app's queue key would leave the form: asked first
        assert isinstance(top(app), ConfirmScreen)
        await pilot.press("escape")
        assert top(app) is screen
        screen.query_one(AuthorizationTable).focus()  # the review: 9 left without a question
        for key in ("9", "5", "w", "ctrl+t", "0"):
            await pilot.press(key)
            assert isinstance(top(app), ConfirmScreen), key
            await pilot.press("n")
            assert top(app) is screen and screen.values()["city"] == "Somewhere else"
        await pilot.press("9", "y")
        await settle(pilot)
        assert type(app.screen).__name__ == "UnmatchedScreen"
        assert screen not in app.screen_stack and search not in app.screen_stack


async def test_keys_are_listed_with_ids(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientScreen(1))
        screen = form_screen(app)
        screen.query_one(CoverageTable).focus()
        await pilot.pause()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        ids = {binding_id for _, _, binding_id in help_table(app)}
        assert {"form.save", "form.back", "patient.coverage-new", "patient.coverage-edit",
                "patient.auth-request"} <= ids  # fmt: skip
        await pilot.press("escape")
        screen.query_one(AuthorizationTable).focus()
        await pilot.pause()
        await pilot.press("f1")
        assert "patient.auth-outcome" in {binding_id for _, _, binding_id in help_table(app)}


async def test_missing_patient_is_reported_and_the_form_stays_shut(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, PatientSearchScreen())
        await open_screen(pilot, PatientScreen(987654))
        screen = form_screen(app)
        assert spy.titles() == ["Not found"] and "987654" in spy.notes[0][0]
        assert "Could not load" in status(screen) and screen.form_root.disabled
        await pilot.press("ctrl+s")  # nothing to save
        await settle(pilot)
        assert spy.titles() == ["Not found"]
        await pilot.press("escape")
        assert isinstance(top(app), PatientSearchScreen)
