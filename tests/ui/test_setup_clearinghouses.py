"""The clearinghouses screen from the palette's screen: a wrong port is marked under its
field and saves nothing; the connection saved, `h` shows the real sshd's fingerprint and an
admin's `y` pins it; a biller sees the fingerprint and may not pin; a `y` after the host
changed is refused in words and pins nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Static

from medbill_tui.screens.conflict import ConfirmScreen
from medbill_tui.screens.setup_clearinghouse_form import ClearinghouseFormScreen
from medbill_tui.screens.setup_clearinghouses import ClearinghousesScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import TEST_LOGIN
from tests.sftp_server import SftpServer, make_key, missing_reason, new_server
from tests.ui.conftest import NoteSpy, settle

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


@pytest.fixture
def sftp(tmp_path: Path) -> Iterator[tuple[SftpServer, Path]]:
    server = new_server(tmp_path / "server", TEST_LOGIN)
    key = make_key(tmp_path / "user_key")
    server.authorize(key)
    server.start()
    yield server, key
    server.stop()


def _entries(server: SftpServer, key: Path, port: str) -> dict[str, str]:
    return {
        "name": "Office Ally",
        "usage": "test",
        "receiver_id": "OFFALLY",
        "submitter_id": "SUB123",
        "submitter_name": "Demo Clinic",
        "contact_name": "Pat Smith",
        "contact_phone": "555-010-2000",
        "host": "127.0.0.1",
        "port": port,
        "user": server.user,
        "key_file": str(key),
        "upload_dir": str(server.inbound),
        "download_dir": str(server.outbound),
        "send_from": "2026-11-01",
    }


def _pinned(services: Services) -> list[str | None]:
    with services.engine.connect() as conn:
        return list(conn.execute(text("SELECT host_key FROM clearinghouse_connection")).scalars())


def _highlight(screen: ClearinghousesScreen, name: str) -> None:
    index = next(i for i, row in enumerate(screen.rows) if row.name == name)
    screen.table.move_cursor(row=index)


async def _ask_for_the_host_key(pilot: Pilot[None], name: str) -> ClearinghousesScreen:
    """Open the clearinghouses list, put the cursor on `name` and press `h`; the list."""
    await settle(pilot)
    pilot.app.push_screen(ClearinghousesScreen())
    await settle(pilot)
    listing = pilot.app.screen
    assert isinstance(listing, ClearinghousesScreen)
    _highlight(listing, name)
    await pilot.press("h")
    await settle(pilot)
    return listing


async def test_add_with_a_wrong_port_then_right_and_pin_the_host_key(
    make_app: Callable[..., MedbillApp], services: Services, sftp: tuple[SftpServer, Path]
) -> None:
    server, key = sftp
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClearinghousesScreen())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ClearinghouseFormScreen)
        for name, value in _entries(server, key, "70000").items():
            form.fields()[name].value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "a whole number from 1 to 65535" in (form.fields()["port"].error or "")
        assert _pinned(services) == []
        form.fields()["port"].value = str(server.port)
        await pilot.press("ctrl+s")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ClearinghousesScreen)
        _highlight(listing, "Office Ally")
        await pilot.press("h")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmScreen), (spy.notes, listing.rows)
        shown = str(question.query_one("#confirm-question", Static).content)
        assert "SHA256:" in shown and "Pin it only when it matches" in shown
        await pilot.press("y")
        await settle(pilot)
        assert _pinned(services) == [server.pinned]
        office = next(row for row in listing.rows if row.name == "Office Ally")
        assert office.connection is not None and office.connection.host_key == server.pinned


async def test_a_biller_sees_the_fingerprint_and_may_not_pin(
    make_app: Callable[..., MedbillApp], services: Services, sftp: tuple[SftpServer, Path]
) -> None:
    server, key = sftp
    services.clearinghouse_setup.save(_entries(server, key, str(server.port)))
    services.role = "biller"
    del services.clearinghouse_setup  # made again for the biller
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await _ask_for_the_host_key(pilot, "Office Ally")
        assert app.screen is listing
        message, title, _ = spy.notes[-1]
        assert title == "Host key not pinned" and "Only an admin may pin it" in message
        assert "SHA256:" in message
    assert _pinned(services) == [None]


async def test_a_pin_after_the_host_changed_is_refused_in_words(
    make_app: Callable[..., MedbillApp], services: Services, sftp: tuple[SftpServer, Path]
) -> None:
    server, key = sftp
    entries = _entries(server, key, str(server.port))
    house = services.clearinghouse_setup.save(entries)
    app = make_app()
    spy = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await _ask_for_the_host_key(pilot, "Office Ally")
        assert isinstance(app.screen, ConfirmScreen), spy.notes
        # a supervisor moves the connection while the admin reads the fingerprint
        services.clearinghouse_setup.save({**entries, "host": "localhost"}, house)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is listing
        message, title, severity = spy.notes[-1]
        assert (title, severity) == ("Could not do that", "error")
        assert "host or port changed since the key was checked" in message
        assert "nothing was changed" in message
    assert _pinned(services) == [None]
