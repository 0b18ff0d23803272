"""The inbox's `x`: the exchange with a real sshd from the app, its progress and outcome on
the status line; a missing setting is said there and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from medbill_tui.screens.inbox import InboxScreen
from medbill_tui.services import Services
from medbill_tui.shell.app import MedbillApp
from tests.conftest import TEST_LOGIN
from tests.sftp_server import (
    SftpServer,
    count,
    make_key,
    missing_reason,
    new_server,
    sandbox_answers,
    write_settings,
)
from tests.ui.conftest import settle

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


@pytest.fixture
def sftp(tmp_path: Path) -> Iterator[tuple[SftpServer, Path]]:
    server = new_server(tmp_path / "server", TEST_LOGIN)
    key = make_key(tmp_path / "user_key")
    server.authorize(key)
    server.start()
    yield server, key
    server.stop()


def status(screen: InboxScreen) -> str:
    return str(screen.query_one("#inbox-status", Static).content)


async def test_x_sends_the_claims_then_fetches_and_imports_the_answers(
    make_app: Callable[..., MedbillApp],
    services: Services,
    sftp: tuple[SftpServer, Path],
    tmp_path: Path,
) -> None:
    server, key = sftp
    write_settings(tmp_path / "settings", server, key)
    services.exchange_settings = tmp_path / "settings" / "clearinghouse.toml"
    services.claims.create()
    run = services.submissions.submit(out_dir=tmp_path / "out")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(InboxScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await pilot.press("x")
        await settle(pilot)
        sent = len(run.files)
        assert status(screen).startswith(f"Sent {sent} file"), status(screen)
        assert len(list(server.inbound.iterdir())) == sent
        answers = sandbox_answers(server, tmp_path / "sandbox")
        await pilot.press("x")
        await settle(pilot)
        assert status(screen).startswith(
            f"Sent 0 files, fetched {len(answers)} answers, imported {len(answers)}"
        ), status(screen)
        assert sorted(entry.name for entry in screen.entries) == sorted(answers)
        assert count(services.engine, "remittance") > 0


async def test_x_without_settings_says_which_and_changes_nothing(
    make_app: Callable[..., MedbillApp], services: Services, tmp_path: Path
) -> None:
    services.exchange_settings = tmp_path / "nowhere" / "clearinghouse.toml"
    services.claims.create()
    services.submissions.submit(out_dir=tmp_path / "out")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(InboxScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await pilot.press("x")
        await settle(pilot)
        assert "Exchange stopped: no clearinghouse settings" in status(screen)
        assert count(services.engine, "exchange_upload") == 0
        assert not screen.busy
