"""Find anything: `/` in the claim lists takes a claim, payer claim or account number;
ctrl+f finds a claim or patient from anywhere; the account screen opens visits and claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot

from medbill_tui.records.queues import DenialRow, PendingClaimRow, QueueKind
from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.account_visits import VisitsTable
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.encounter_detail import EncounterDetailScreen
from medbill_tui.screens.encounter_entry import EncounterEntryScreen
from medbill_tui.screens.find import FindScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import settle


def one(app: MedbillApp, sql: str) -> Any:
    with app.services.engine.connect() as conn:
        return conn.execute(text(sql)).one()


async def filter_by(pilot: Pilot[Any], words: str) -> QueueScreen:
    await pilot.press("slash", *words, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


async def test_slash_takes_a_claim_payer_claim_or_account_number(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        newest = one(
            app,
            "SELECT claim_no FROM claim WHERE status = 'acknowledged_277ca' "
            "ORDER BY id DESC LIMIT 1",
        ).claim_no
        await pilot.press("2")
        await settle(pilot)
        screen = await filter_by(pilot, newest.lower())  # typed as it comes
        assert [r.claim_no for r in screen.rows if isinstance(r, PendingClaimRow)] == [newest]
        await pilot.press("x")
        await settle(pilot)

        account = one(
            app,
            "SELECT p.account_no FROM claim c JOIN patient p "
            "ON p.id = c.patient_id WHERE c.status = 'acknowledged_277ca' "
            "ORDER BY c.id LIMIT 1",
        ).account_no
        screen = await filter_by(pilot, account)
        assert screen.rows and {r.account_no for r in screen.rows} == {account}

        denied = one(
            app,
            "SELECT c.claim_no, c.payer_claim_no FROM work_item w "
            "JOIN claim c ON c.id = w.claim_id WHERE w.kind = 'denial' "
            "AND w.status = 'open' AND c.payer_claim_no IS NOT NULL "
            "ORDER BY w.id LIMIT 1",
        )
        await pilot.press("3")
        await settle(pilot)
        screen = await filter_by(pilot, denied.payer_claim_no)
        assert screen.kind is QueueKind.DENIALS
        assert {r.claim_no for r in screen.rows if isinstance(r, DenialRow)} == {denied.claim_no}


async def test_ctrl_f_opens_a_claim_and_an_account_from_anywhere(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        claim = one(
            app,
            "SELECT c.id, c.claim_no, p.id AS patient_id, p.account_no "
            "FROM claim c JOIN patient p ON p.id = c.patient_id "
            "ORDER BY c.id LIMIT 1 OFFSET 26",
        )
        await pilot.press("2")
        await settle(pilot)
        queue = app.screen
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, FindScreen)
        await pilot.press(*claim.claim_no, "enter")  # Enter typed ahead of the answer
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert app.screen.claim_id == claim.id
        await pilot.press("escape")
        assert app.screen is queue  # back where the biller was

        await pilot.press("ctrl+f", *claim.account_no)
        await settle(pilot)
        await pilot.pause(0.3)  # the typing pause before the search
        await settle(pilot)
        find = app.screen
        assert isinstance(find, FindScreen)
        assert [p.account_no for p in find.result.patients] == [claim.account_no]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountDetailScreen)
        assert app.screen.patient_id == claim.patient_id


async def test_account_screen_opens_its_visits_and_claims(
    make_app: Callable[..., MedbillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        rejected = one(
            app,
            "SELECT c.id, c.encounter_id, c.patient_id FROM claim c "
            "WHERE c.status = 'rejected_999' ORDER BY c.id LIMIT 1",
        )
        closed = one(
            app,
            "SELECT e.id FROM encounter e JOIN claim c ON c.encounter_id = e.id "
            f"WHERE e.patient_id = {rejected.patient_id} AND c.status = 'closed' "
            "ORDER BY e.id LIMIT 1",
        )
        await settle(pilot)
        app.push_screen(AccountDetailScreen(rejected.patient_id))
        await settle(pilot)
        account = app.screen
        table = account.query_one(VisitsTable)
        assert table.has_focus

        async def open_row(key: str) -> None:
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("enter")
            await settle(pilot)

        await open_row(f"v{rejected.encounter_id}")  # a rejected claim's visit: editable
        assert isinstance(app.screen, EncounterEntryScreen)
        assert app.screen.encounter_id == rejected.encounter_id
        await pilot.press("escape")
        await settle(pilot)
        await open_row(f"v{closed.id}")  # paid and closed: read-only
        assert isinstance(app.screen, EncounterDetailScreen)
        assert app.screen.encounter_id == closed.id
        await pilot.press("escape")
        await settle(pilot)
        await open_row(f"c{rejected.id}")
        assert isinstance(app.screen, ClaimDetailScreen)
        assert app.screen.claim_id == rejected.id
        await pilot.press("escape")
        assert app.screen is account


async def test_charge_entry_from_a_rejection_says_why_and_keeps_the_way_back(
    make_app: Callable[..., MedbillApp],
) -> None:
    from medbill_tui.screens.coverage import CoverageScreen
    from medbill_tui.screens.patient import PatientScreen
    from medbill_tui.screens.patient_tables import CoverageTable

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = one(
            app,
            "SELECT c.claim_no, c.encounter_id FROM work_item w JOIN claim c "
            "ON c.id = w.claim_id WHERE w.kind = 'rejection' AND w.status = 'open' "
            "ORDER BY w.opened_on, w.id LIMIT 1",
        )
        with app.services.engine.begin() as conn:  # where the 999 pointed, as its import keeps it
            conn.execute(
                text(
                    "UPDATE work_item SET error_segment = 'NM1', error_element = 9, "
                    "error_code = '1' WHERE claim_id = (SELECT id FROM claim "
                    "WHERE claim_no = :c) AND kind = 'rejection'"
                ),
                {"c": first.claim_no},
            )
        await pilot.press("8")
        await settle(pilot)
        rejections = app.screen
        await pilot.press("n")  # the oldest rejection nobody holds: a 999's
        await settle(pilot)
        entry = app.screen
        assert isinstance(entry, EncounterEntryScreen)
        assert entry.encounter_id == first.encounter_id
        banner = str(entry.query_one("#entry-problem").render())
        assert f"{first.claim_no} rejected (999): IK" in banner
        assert "segment NM1, element NM109: code 1 (a required element is missing)" in banner
        assert "^o patient" in banner and "^y coverage" in banner
        assert f"rejected claim {first.claim_no}" in str(entry.sub_title)

        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        app.screen.query_one(CoverageTable).focus()  # out of the text boxes
        await pilot.press("2")  # a queue key must not drop charge entry from under it
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is entry
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is entry
        assert entry.query_one("#entry-problem").has_class("-shown")  # still there
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is rejections
