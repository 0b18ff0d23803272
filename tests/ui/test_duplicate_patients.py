"""Duplicate patients at 80x24: the save asks (match shown, save anyway audited, open the
existing account), and M on the account screen merges a duplicate into it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import OptionList

from medbill_tui.runtime.clock import Clock
from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.duplicates import DuplicateScreen
from medbill_tui.screens.patient import PatientScreen
from medbill_tui.screens.patient_merge import MergeConfirmScreen, MergePickScreen
from medbill_tui.services import build_services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle
from tests.ui.test_patient_screens import form_screen, open_screen, status

ENTRIES = ("Zoë", "Quill", "12/10/1990", "f", "(555) 123-4567", "1 Elm St", "Salem", "or", "97301")


async def type_new_patient(pilot: Pilot[Any], first: str = "Zoë") -> PatientScreen:
    await open_screen(pilot, PatientScreen(None))
    screen = form_screen(pilot.app)
    assert isinstance(screen, PatientScreen)
    for entry in (first, *ENTRIES[1:]):
        await pilot.press(*entry, "enter")
    await pilot.press("ctrl+s")
    await settle(pilot)
    return screen


def patients_named(engine: Engine, last: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT account_no FROM patient WHERE last_name = :l ORDER BY id"), {"l": last}
            ).scalars()
        )


def dialog_text(app: MedbillApp) -> str:
    options = app.screen.query_one(OptionList)
    return "\n".join(
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    )


async def test_the_same_name_and_dob_typed_twice_shows_the_match(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await type_new_patient(pilot)
        (account,) = patients_named(demo_engine, "Quill")
        await pilot.press("escape")
        await settle(pilot)
        second = await type_new_patient(pilot, first="ZOE")
        assert isinstance(app.screen, DuplicateScreen), app.screen
        shown = dialog_text(app)
        assert account in shown and "Quill, Zoë" in shown and "12/10/1990" in shown
        assert "1 Elm St, Salem, OR 97301" in shown and "5551234567" in shown
        assert patients_named(demo_engine, "Quill") == [account]
        await pilot.press("b")  # back to the form: every entry kept
        await settle(pilot)
        assert app.screen is second and second.values()["first_name"] == "ZOE"
        assert account in status(second) and second.patient_id is None
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("o")  # open the existing account
        await settle(pilot)
        assert (
            isinstance(app.screen, AccountDetailScreen)
            and app.screen.patient_id == first.patient_id
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is second and second.values()["last_name"] == "Quill"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("s")  # save anyway
        await settle(pilot)
        accounts = patients_named(demo_engine, "Quill")
        assert len(accounts) == 2 and second.record is not None
        assert second.record.account_no == accounts[1]
        with demo_engine.connect() as conn:
            detail = conn.execute(
                text("SELECT detail FROM audit_event WHERE action = 'override' "
                     "AND entity = 'patient' ORDER BY id DESC LIMIT 1")
            ).scalar_one()  # fmt: skip
        assert detail == f"saved despite possible duplicate of {account}"


async def test_m_on_the_account_merges_a_duplicate_into_it(
    make_app: Callable[..., MedbillApp], demo_engine: Engine
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await type_new_patient(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await type_new_patient(pilot, first="Zoe")
        await pilot.press("s")
        await settle(pilot)
        keep, duplicate = patients_named(demo_engine, "Quill")
        assert first.patient_id is not None
        await open_screen(pilot, AccountDetailScreen(first.patient_id))
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MergePickScreen) and duplicate in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, MergeConfirmScreen)
        assert (confirm.plan.source.account_no, confirm.plan.target.account_no) == (duplicate, keep)
        await pilot.press("y")
        await settle(pilot)
        with demo_engine.connect() as conn:
            merged = conn.execute(
                text("SELECT m.account_no FROM patient p JOIN patient m ON m.id = p.merged_into_id "
                     "WHERE p.account_no = :a"), {"a": duplicate}).scalar_one()  # fmt: skip
        assert merged == keep
        assert isinstance(app.screen, AccountDetailScreen)


async def test_a_biller_has_no_merge_key(demo_engine: Engine, tmp_path: Path) -> None:
    biller = build_services(demo_engine, Clock(pinned=DEMO_TODAY), role="biller")
    app = MedbillApp(biller)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, AccountDetailScreen(1))
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, AccountDetailScreen)
        shown = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "merge" not in shown
