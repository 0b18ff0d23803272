"""Plain `medbill` paints its dashboard first and signs in from a worker: nothing with data
is shown or reachable before the sign-in is through, and a failed sign-in closes the app
with its reason kept for the command line."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import Engine, text
from textual.widgets import Static

from medbill_tui.cli.tui import end_of_run
from medbill_tui.screens.dashboard import DashboardScreen
from medbill_tui.services import Services
from medbill_tui.services.users import LoginRefused
from medbill_tui.shell.app import MedbillApp
from medbill_tui.widgets.queue_menu import QueueMenu
from tests.ui.conftest import NoteSpy, settle


def _heading(app: MedbillApp) -> str:
    return str(app.screen.query_one("#dashboard-heading", Static).render())


async def test_the_dashboard_paints_first_and_fills_in_once_signed_in(services: Services) -> None:
    release = threading.Event()

    def sign_in() -> Services:
        assert release.wait(30), "the test never let the sign-in finish"
        return services

    app = MedbillApp(sign_in=sign_in, page_size=25)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "connecting to the database" in _heading(app)
        assert not app.signed_in
        await pilot.press("r")  # refresh: nothing to count yet
        # pressed as the dashboard appeared: 2 opens once signed in; keys behind it wait
        # for it (test_typeahead_focus.py), as typed slowly
        await pilot.press("2")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, DashboardScreen)
        assert app.screen.summaries == ()
        menu_text = " ".join(str(o.prompt) for o in app.screen.query_one(QueueMenu).options)
        assert "items" not in menu_text  # no counts before the sign-in

        release.set()
        await settle(pilot)
        assert app.signed_in and app.services is services
        assert type(app.screen).__name__ == "QueueScreen"  # the "2" pressed while signing in
        assert len(app.screen_stack) == 2
        dashboard = app.screen_stack[0]
        assert isinstance(dashboard, DashboardScreen)
        assert f"signed in as {services.actor}" in str(
            dashboard.query_one("#dashboard-heading", Static).render()
        )
        assert dashboard.summaries == ()  # not counted under the queue: the queue goes first
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dashboard and len(dashboard.summaries) == 5  # counted when back


async def test_a_refused_sign_in_closes_the_app_and_keeps_the_reason() -> None:
    refused = LoginRefused("'zoe' is disabled; ask an admin to run `medbill users enable zoe`")

    def sign_in() -> Services:
        raise refused

    app = MedbillApp(sign_in=sign_in)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.sign_in_error is not None:
                break
            await pilot.pause(0.02)
    assert app.sign_in_error is refused
    assert app.services_if_signed_in is None and not app.signed_in
    assert app.return_code == 0 and not app.is_running


def test_the_app_needs_services_or_a_way_to_sign_in(services: Services) -> None:
    with pytest.raises(ValueError, match="not both"):
        MedbillApp()
    with pytest.raises(ValueError, match="not both"):
        MedbillApp(services, sign_in=lambda: services)


async def test_a_session_that_ends_while_signing_in_is_still_logged_out(
    services: Services, demo_engine: Engine
) -> None:
    """The logoff comes before the sign-in is through; the sign-in then finishes (its login
    row written): the end of the run writes the logout and closes the connections."""
    release = threading.Event()

    def sign_in() -> Services:
        assert release.wait(30), "the test never let the sign-in finish"
        services.audit.login("tui")
        return services

    app = MedbillApp(sign_in=sign_in)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.end_session("idle")
        release.set()
    for _ in range(200):  # the worker thread outlives the test's event loop run
        if app.services_if_signed_in is not None:
            break
        await asyncio.sleep(0.05)
    assert app.services_if_signed_in is services and not app.logged_out
    end_of_run(app)
    with demo_engine.connect() as conn:
        session = conn.execute(text("SELECT action, detail FROM audit_event "
                                    "WHERE entity = 'session' ORDER BY id")).all()  # fmt: skip
    (login, _), logout = (tuple(row) for row in session[-2:])
    assert login == "login" and logout == ("logout", "idle")


async def test_the_login_that_created_the_database_is_told_it_is_its_admin(
    services: Services,
) -> None:
    services.first_admin = True  # what sign_in sets when its schema check created the database
    app = MedbillApp(sign_in=lambda: services)
    notes = NoteSpy(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert "New database" in notes.titles()
    (words,) = [message for message, title, _ in notes.notes if title == "New database"]
    assert "first admin" in words and "medbill users add" in words
