"""Small traps of a biller's day at 80x24, in one session: a reason cut in its column, focus
that jumps past the next field after a list choice, a dialog naming the mode it is already
in, a resend announced as a hold."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Select, Static

from medbill_tui.records.queues import DenialRow, QueueKind, RejectionRow
from medbill_tui.screens.filter import FilterScreen
from medbill_tui.screens.note import NoteScreen
from medbill_tui.screens.queue import QueueScreen
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_table import QueueTable
from tests.ui.conftest import NoteSpy, settle
from tests.ui.test_footer_80 import screen_lines


async def choose_next_option(pilot: object, select: Select[object]) -> None:
    """Open a list from the keyboard and pick the option under the current one."""
    select.focus()
    await pilot.press("enter", "down", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_traps_of_a_day_at_80_columns(make_app: Callable[..., MedbillApp]) -> None:
    app = make_app()
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        # denials: the column holds the code, the line under the table the whole reason
        await pilot.press("3")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.kind is QueueKind.DENIALS
        longest = max(range(len(queue.rows)), key=lambda i: len(queue.rows[i].carc_text))  # type: ignore[union-attr]
        queue.query_one(QueueTable).move_cursor(row=longest)
        await settle(pilot)
        row = queue.rows[longest]
        assert isinstance(row, DenialRow) and len(row.carc_text) > 30
        code = f"{row.group_code}-{row.carc}"
        whole = f"{code} {row.carc_text}"
        cells = [str(cell).strip() for cell in queue.query_one(QueueTable).get_row_at(longest)]
        assert code in cells
        assert str(queue.query_one("#queue-reason", Static).content) == whole
        assert any(line.strip() == whole for line in screen_lines(app))  # shown whole

        # rejections: the same line
        await pilot.press("8")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.kind is QueueKind.REJECTIONS
        first = queue.rows[0]
        assert isinstance(first, RejectionRow)
        assert str(queue.query_one("#queue-reason", Static).content) == first.reason
        # R: the notice says what happened (it was titled 'Hold')
        await pilot.press("R")
        await settle(pilot)
        resent = [title for message, title, _ in notes.notes if first.claim_no in message]
        assert resent == ["Resend"]

        # the balances filter: a list choice moves focus one field on, not back to the top
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        await choose_next_option(pilot, dialog.query_one("#filter-responsibility", Select))
        assert app.focused is dialog.query_one("#filter-bucket", Select)
        await choose_next_option(pilot, dialog.query_one("#filter-payer", Select))
        assert app.focused is dialog.query_one("#filter-responsibility", Select)
        await pilot.press("escape")
        await settle(pilot)

        # a payer call: the dialog offers what ctrl+t does now, the outcome list moves one on
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        call = app.screen
        assert isinstance(call, NoteScreen) and call.call

        def hint() -> str:
            return str(call.query_one("#note-hint", Static).content)

        assert "ctrl+t: note only" in hint() and "payer call" not in hint()
        assert "^t Note only" in screen_lines(app)[-1]
        await choose_next_option(pilot, call.query_one("#call-outcome", Select))
        assert app.focused is call.query_one("#note-body")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not call.call and "ctrl+t: payer call" in hint()
        assert "^t Payer call" in screen_lines(app)[-1]
        await pilot.press("escape")
