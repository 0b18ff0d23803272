"""The denial screen: shows the denial and its claim, and works it with one key per action."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from sqlalchemy import text
from textual.widgets import Input, Static

from medbill_tui.records.queues import DenialRow, QueueFilter, QueueKind
from medbill_tui.screens.denial import DenialScreen, NoteScreen, PromptScreen
from medbill_tui.screens.denial_outcome import DenialOutcomeScreen
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.ui.conftest import NoteSpy, settle


def open_denials(services: Services) -> list[DenialRow]:
    page = services.queues.page(QueueKind.DENIALS, QueueFilter(), None, 500)
    return [row for row in page.rows if isinstance(row, DenialRow)]


def small_denial(services: Services, groups: tuple[str, ...] = ("CO", "PR", "OI")) -> DenialRow:
    """An open denial of one of `groups` whose payer still owes something, below the write-off
    limit."""
    with services.engine.connect() as conn:
        for row in open_denials(services):
            if not 0 < row.amount <= 100 or row.group_code not in groups:
                continue
            ctx_balance = conn.execute(
                text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE claim_id = :c "
                     "AND responsibility <> 'patient'"), {"c": row.claim_id},
            ).scalar_one()  # fmt: skip
            if ctx_balance > 0:
                return row
    raise AssertionError("the demo has no small open denial")


def body_text(screen: DenialScreen) -> str:
    console = Console(width=78, record=True, file=io.StringIO())
    console.print(screen.query_one("#detail-body", Static).content)
    return console.export_text()


async def test_denial_screen_shows_and_writes_off(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = small_denial(services)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(row.work_item_id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DenialScreen) and screen.denial is not None
        shown = body_text(screen)
        for part in (row.claim_no, row.payer_name, "Appeal due", "Days since", "Service lines"):
            assert part in shown
        assert f"{row.group_code}-{row.carc}" in shown
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"too small", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Written off" in spy.titles()
        with services.engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM work_item WHERE id = :i"),
                                  {"i": row.work_item_id}).scalar_one()  # fmt: skip
            writeoffs = conn.execute(
                text("SELECT count(*) FROM ledger_entry WHERE claim_id = :c AND kind = 'writeoff'"
                     " AND memo LIKE '%too small%'"), {"c": row.claim_id},
            ).scalar_one()  # fmt: skip
        assert status == "done" and writeoffs == 1
        assert screen.denial is not None and screen.denial.status == "done"
        await pilot.press("w")  # again: refused in the service's words
        await pilot.press(*"again", "enter")
        await settle(pilot)
        assert any("already done" in msg for msg, _, sev in spy.notes if sev == "error")
        await pilot.press("escape")
        assert not isinstance(app.screen, DenialScreen)


async def test_transfer_note_appeal_and_done_next(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    services.denials.letters = tmp_path / "letters"
    first = small_denial(services, ("PR", "OI"))
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(first.work_item_id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DenialScreen)
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Transferred" in spy.titles()
        with services.engine.connect() as conn:
            moved = conn.execute(
                text("SELECT count(*) FROM ledger_entry WHERE claim_id = :c AND kind = 'transfer'"
                     " AND responsibility = 'patient'"), {"c": first.claim_id},
            ).scalar_one()  # fmt: skip
        assert moved == 1

        # an open one for the note, the appeal and done-and-next
        rows = open_denials(services)
        target = rows[0]
        following = rows[1]
        app.switch_screen(DenialScreen(target.work_item_id))
        await settle(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"called payer", "enter", *"13/45/2025", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)  # a bad date is said, not saved
        date_box = app.screen.query_one("#note-date", Input)
        date_box.value = ""
        await pilot.press(*"12/31/2099", "enter")
        await settle(pilot)
        assert "Note" in spy.titles()
        with services.engine.connect() as conn:
            due = conn.execute(text("SELECT due_on FROM work_item WHERE id = :i"),
                               {"i": target.work_item_id}).scalar_one()  # fmt: skip
        assert due is not None and due.isoformat() == "2099-12-31"

        await pilot.press("a")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"auth was on file", "enter")
        await settle(pilot)
        letters = list((tmp_path / "letters").glob("appeal_*.txt"))
        assert len(letters) == 1 and "auth was on file" in letters[0].read_text()
        assert any(str(letters[0]) in msg for msg, _, _ in spy.notes)

        await pilot.press("d")  # the review: d closed it with one key, no outcome, no note
        assert isinstance(app.screen, DenialOutcomeScreen)
        await pilot.press("2", *"rep fixed the modifier", "enter")  # typed ahead: all kept
        await settle(pilot)
        nxt = app.screen
        assert isinstance(nxt, DenialScreen) and nxt.work_item_id == following.work_item_id
        assert nxt.denial is not None and nxt.denial.claim_no == following.claim_no
        with services.engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM work_item WHERE id = :i"),
                                  {"i": target.work_item_id}).scalar_one()  # fmt: skip
        assert status == "done"
        with services.engine.connect() as conn:
            outcome, audit = conn.execute(
                text("SELECT w.outcome, a.detail FROM work_item w JOIN audit_event a "
                     "ON a.entity = 'work_item' AND a.entity_id = w.id AND a.action = 'work' "
                     "WHERE w.id = :i"), {"i": target.work_item_id},
            ).one()  # fmt: skip
            note = conn.execute(
                text("SELECT body FROM note WHERE entity = 'claim' AND entity_id = :c "
                     "ORDER BY id DESC LIMIT 1"), {"c": target.claim_id},
            ).scalar_one()  # fmt: skip
        assert outcome == audit == "the payer corrected its own error"
        assert note == "rep fixed the modifier"


async def test_a_contractual_denial_is_not_moved_to_the_patient_without_a_supervisor(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = small_denial(services, ("CO",))
    services.role = "biller"
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(row.work_item_id))
        await settle(pilot)
        screen = app.screen
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is screen
        assert any("contractual obligation" in msg for msg, _, sev in spy.notes if sev == "error")
    with services.engine.connect() as conn:
        moved = conn.execute(
            text("SELECT count(*) FROM ledger_entry WHERE claim_id = :c AND kind = 'transfer'"),
            {"c": row.claim_id},
        ).scalar_one()
    assert moved == 0


async def test_a_supervisor_moves_a_contractual_amount_with_a_note(
    make_app: Callable[..., MedbillApp], services: Services
) -> None:
    row = small_denial(services, ("CO",))
    services.role = "supervisor"
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(DenialScreen(row.work_item_id))
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"waiver on file", "enter")
        await settle(pilot)
        assert "Transferred" in spy.titles()
    with services.engine.connect() as conn:
        memo = conn.execute(
            text(
                "SELECT memo FROM ledger_entry WHERE claim_id = :c AND kind = 'transfer' "
                "AND responsibility = 'patient'"
            ),
            {"c": row.claim_id},
        ).scalar_one()
    assert "supervisor override" in memo
