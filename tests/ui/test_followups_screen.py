"""Follow-up from the keyboard: claim detail → n → note and date → w lists it → d closes it and
the cursor is on the next item; a payer call from p; bad dates and items someone else closed
change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from textual.widgets import Input, Select, Static

from medbill_tui.screens.account_detail import AccountDetailScreen
from medbill_tui.screens.claim_detail import ClaimDetailScreen
from medbill_tui.screens.followups import FollowupsScreen, FollowupTable
from medbill_tui.screens.note import NoteScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import NoteSpy, settle


def quiet_claim(services: Services) -> int:
    """A claim of the demo with no follow-up item at all, still owing money."""
    with services.engine.connect() as conn:
        return int(conn.execute(text(
            """SELECT c.id FROM claim c WHERE NOT EXISTS (SELECT 1 FROM work_item w
                   WHERE w.claim_id = c.id)
               AND (SELECT sum(amount) FROM ledger_entry l WHERE l.claim_id = c.id) > 0
               ORDER BY c.id LIMIT 1""")).scalar_one())  # fmt: skip


def open_items(services: Services, claim_id: int) -> list[Any]:
    with services.engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT id, status, due_on, owner FROM work_item WHERE claim_id = :c "
            "AND kind = 'followup' ORDER BY id"), {"c": claim_id}).all())  # fmt: skip


def notes(services: Services, entity: str, entity_id: int) -> list[str]:
    with services.engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT body FROM note WHERE entity = :e AND entity_id = :i ORDER BY id"),
            {"e": entity, "i": entity_id}).scalars())  # fmt: skip


def hint(app: MedbillApp) -> str:
    return str(app.screen.query_one("#note-hint", Static).content)


async def test_note_then_work_the_list_done_and_next(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    claim_id = quiet_claim(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClaimDetailScreen(claim_id))
        await settle(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"left voicemail", "enter", *"13/45", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)  # a bad date is said, nothing written
        assert "not a day of the calendar" in hint(app)
        app.screen.query_one("#note-date", Input).value = ""
        await pilot.press(*"10/01/2026", "enter")
        assert isinstance(app.screen, NoteScreen) and "in the past" in hint(app)
        assert notes(services, "claim", claim_id) == [] and open_items(services, claim_id) == []
        app.screen.query_one("#note-date", Input).value = ""
        await pilot.press("+", "0")
        assert "→" in hint(app)  # the typed shortcut shows the day it means
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert "Note" in spy.titles()
        assert notes(services, "claim", claim_id) == ["left voicemail"]
        (item,) = open_items(services, claim_id)
        assert (item.status, item.due_on, item.owner) == ("open", DEMO_TODAY, "tester")

        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowupsScreen)
        keys = [str(r.work_item_id) for r in screen.rows]
        assert str(item.id) in keys and len(keys) >= 3
        index = keys.index(str(item.id))
        following = keys[index + 1] if index + 1 < len(keys) else keys[index - 1]
        table = screen.query_one(FollowupTable)
        table.move_cursor(row=index)
        await pilot.press("d")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"payer says paid 10/30", "enter", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert open_items(services, claim_id)[0].status == "done"
        assert notes(services, "claim", claim_id)[-1] == "payer says paid 10/30"
        assert str(item.id) not in [str(r.work_item_id) for r in screen.rows]
        assert table.selected_key() == following  # done-and-next: the cursor is on the next

        # someone else closes the highlighted item meanwhile: d says so and changes nothing
        other = int(following)
        services.followups.__class__(services.engine, services.clock, "bea").done(other, "fixed")
        with services.engine.connect() as conn:
            before = conn.execute(text("SELECT count(*) FROM note")).scalar_one()
        await pilot.press("d", *"me too", "enter", "enter")
        await settle(pilot)
        assert any("already closed by bea" in message for message, _, _ in spy.notes)
        with services.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM note")).scalar_one() == before
        assert other not in [r.work_item_id for r in screen.rows]  # the list was reloaded


async def test_payer_call_and_account_note(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    claim_id = quiet_claim(services)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClaimDetailScreen(claim_id))
        await settle(pilot)
        await pilot.press("p")
        assert isinstance(app.screen, NoteScreen) and app.screen.call
        await pilot.press(*"Dana", "enter", *"R-77", "enter")
        outcome = app.screen.query_one("#call-outcome", Select)
        assert outcome.has_focus_within
        outcome.value = "need more info"
        await pilot.pause()
        await pilot.press(*"send op note", "enter", *"+7", "enter")
        await settle(pilot)
        assert notes(services, "claim", claim_id) == [
            "Payer call · rep: Dana · ref: R-77 · outcome: need more info · send op note"
        ]
        assert open_items(services, claim_id)[0].due_on.toordinal() == DEMO_TODAY.toordinal() + 7
        shown = str(app.screen.query_one("#detail-body", Static).content.__class__)
        assert shown  # the detail reloaded without error

        with services.engine.connect() as conn:
            patient_id = conn.execute(text("SELECT patient_id FROM claim WHERE id = :c"),
                                      {"c": claim_id}).scalar_one()  # fmt: skip
        app.push_screen(AccountDetailScreen(patient_id))
        await settle(pilot)
        await pilot.press("p")  # no payer call on an account: still the account screen
        assert isinstance(app.screen, AccountDetailScreen)
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen) and not app.screen.allow_call
        await pilot.press(*"promised to pay Friday", "enter", *"+3", "enter")
        await settle(pilot)
        assert notes(services, "patient", patient_id) == ["promised to pay Friday"]
        with services.engine.connect() as conn:
            due = conn.execute(
                text("SELECT due_on FROM work_item WHERE kind = 'followup' AND claim_id IS NULL "
                     "AND patient_id = :p AND status = 'open'"), {"p": patient_id},
            ).scalar_one()  # fmt: skip
        assert due.toordinal() == DEMO_TODAY.toordinal() + 3

        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FollowupsScreen)
        shown_due = len(screen.rows)
        await pilot.press("a")
        await settle(pilot)
        assert len(screen.rows) > shown_due  # all open ones include the not-yet-due
        assert screen.rows[0].rank <= screen.rows[-1].rank
