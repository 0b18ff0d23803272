"""The inbox screen: lists the folder, previews the import of marked files, imports on y."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from textual.widgets import Static

from medbill_tui.edi.sandbox import respond
from medbill_tui.screens.form import ConfirmScreen
from medbill_tui.screens.inbox import InboxScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import settle


def fill_inbox(services: Services, tmp_path: Path) -> Path:
    services.claims.create()
    run = services.submissions.submit(out_dir=tmp_path / "out")
    answer = respond(Path(run.files[0].path).read_text(), seed=5, reject_rate=0.3,
                     today=DEMO_TODAY, ack_reject_rate=0.0)  # fmt: skip
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1.999").write_text(answer.ack_999)
    (inbox / "2.277").write_text(answer.ack_277ca or "")
    (inbox / "3.835").write_text(answer.era_835 or "")
    (inbox / "garbage.txt").write_text("this is not an X12 file at all\n")
    services.inbox = inbox
    return inbox


def counts(services: Services) -> tuple[int, int]:
    with services.engine.connect() as conn:
        sql = ("SELECT (SELECT count(*) FROM acknowledgment), "
               "(SELECT count(*) FROM edi_file WHERE direction = 'in')")  # fmt: skip
        row = conn.execute(text(sql)).one()
    return int(row[0]), int(row[1])


async def test_inbox_previews_and_imports(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    fill_inbox(services, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(InboxScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        by_name = {entry.name: entry for entry in screen.entries}
        assert list(by_name) == ["1.999", "2.277", "3.835", "garbage.txt"]
        assert by_name["1.999"].kind == "999" and by_name["2.277"].kind == "277CA"
        assert by_name["3.835"].kind == "835" and by_name["garbage.txt"].kind is None
        assert by_name["garbage.txt"].problem
        assert not any(entry.imported_before for entry in screen.entries)

        # the garbage file: its reason, and nothing imported
        before = counts(services)
        await pilot.press("down", "down", "down")
        await pilot.pause()
        detail = str(screen.query_one("#inbox-detail", Static).content)
        assert "Cannot import" in detail
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Nothing to import" in str(screen.query_one("#inbox-status", Static).content)
        assert screen.results["garbage.txt"].startswith("not imported")
        assert counts(services) == before

        # mark the 999 and the 277CA, preview, import
        await pilot.press("up", "up", "up", "space", "space")
        assert screen.marked == {"1.999", "2.277"}
        await pilot.press("i")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith("Import 2 files: record ")  # the batch, before y
        assert "1.999: would import 999" in confirm.question
        assert "2.277: would import 277CA" in confirm.question
        assert counts(services) == before  # a preview writes nothing
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        acks, files = counts(services)
        assert acks > before[0] and files == before[1] + 2
        assert screen.results["1.999"].startswith("imported 999")
        assert "accepted" in screen.results["2.277"]
        by_name = {entry.name: entry for entry in screen.entries}
        assert by_name["1.999"].imported_before and by_name["2.277"].imported_before
        assert not screen.marked
        shown = [str(cell) for cell in screen.table.get_row("1.999")]
        assert "999, imported now" in shown  # this screen imported it: not 'before'

        # the 835 alone (highlighted, nothing marked): payments and their statuses
        screen.table.move_cursor(row=2)
        await pilot.press("enter")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "3.835: would import 835; payment" in confirm.question
        payments = re.match(
            r"Import 1 file: post (\d+) payments? for \$([\d,.]+)\?", confirm.question
        )
        assert payments is not None, confirm.question
        await pilot.press("y")
        await settle(pilot)
        assert "posted" in screen.results["3.835"]

        # an already imported file is said so, and not imported again
        screen.table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "already imported" in screen.results["1.999"]
        await pilot.press("escape")
        assert not isinstance(app.screen, InboxScreen)


async def test_the_file_list_moves_with_the_keys_every_list_has(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (inbox / name).write_text("not X12\n")
    services.inbox = inbox
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(InboxScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen) and len(screen.entries) == 4
        table = screen.table
        await pilot.press("end")
        assert table.cursor_row == 3 and table.scroll_x == 0  # the last file, not sideways
        await pilot.press("k", "k")
        assert table.cursor_row == 1
        await pilot.press("j")
        assert table.cursor_row == 2
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_x == 0
